from django.utils.functional import SimpleLazyObject

from core.notifications import unread_count
from core.portal import nav_items

from .permissions import account_of


def portal(request):
    """The signed-in user's organization account (or None) and the portal navigation."""
    user = getattr(request, "user", None)
    return {
        "current_account": SimpleLazyObject(lambda: account_of(user) if user is not None else None),
        "portal_nav": nav_items,
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user) if user is not None else 0),
    }
