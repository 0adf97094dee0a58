from django.utils.functional import SimpleLazyObject

from core.notifications import unread_count
from core.portal import nav_items

from .permissions import account_of


def _menu(account):
    """The portal's menu for the account: an editor is not offered the pages only administrators may open."""
    is_admin = bool(account) and account.is_admin  # the lazy account is falsy for users without one
    return [item for item in nav_items if is_admin or not item.admins_only]


def portal(request):
    """The signed-in user's organization account (or None) and the portal navigation."""
    user = getattr(request, "user", None)
    account = SimpleLazyObject(lambda: account_of(user) if user is not None else None)
    return {
        "current_account": account,
        "portal_nav": SimpleLazyObject(lambda: _menu(account)),
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user) if user is not None else 0),
    }
