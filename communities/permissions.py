"""Who may do what in a neighbourhood committee's portal (/community/).

Deny by default. A community account reaches only its own community's records: views scope their querysets to
`self.community`, so another community's object is a 404. Users without a community account get 403.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.utils.translation import gettext_lazy as _

from .models import CommunityAccount


def community_account_of(user):
    """The user's CommunityAccount with its community, or None."""
    if not user.is_authenticated:
        return None
    related = CommunityAccount._meta.get_field("user").remote_field
    if not related.is_cached(user):
        related.set_cached_value(
            user, CommunityAccount.objects.select_related("community").filter(user_id=user.pk).first()
        )
    try:
        return user.community_account
    except ObjectDoesNotExist:
        return None


class CommunityRequiredMixin(LoginRequiredMixin):
    """Community portal views: a logged-in user of a neighbourhood committee. Sets `self.account` and
    `self.community`."""

    admin_only = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.account = community_account_of(request.user)
        if self.account is None:
            raise PermissionDenied(_("This page is for neighbourhood committees."))
        if self.admin_only and not self.account.is_admin:
            raise PermissionDenied(_("Only your committee's administrators can do this."))
        self.community = self.account.community
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("community", self.community)
        kwargs.setdefault("account", self.account)
        return super().get_context_data(**kwargs)
