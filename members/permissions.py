"""Who may do what in an organization's portal (staff rules: core.permissions).

Deny by default. An organization user reaches only its own organization's records: portal
views scope their querysets with `for_organization(org)`, so another organization's object is a 404.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from core.permissions import is_staff_member

from .models import OrganizationAccount


def account_of(user):
    """The user's OrganizationAccount, or None (anonymous users, staff without an organization).

    Loaded once per request with its organization and the organization's membership (one query), which every
    portal page shows, and kept on the user like `user.org_account` would.
    """
    if not user.is_authenticated:
        return None
    related = OrganizationAccount._meta.get_field("user").remote_field  # user.org_account's cache
    if not related.is_cached(user):
        account = (
            OrganizationAccount.objects.select_related("organization__membership").filter(user_id=user.pk).first()
        )
        related.set_cached_value(user, account)
    try:
        return user.org_account
    except ObjectDoesNotExist:
        return None


def organization_of(user):
    account = account_of(user)
    return account.organization if account else None


class OrganizationRequiredMixin(LoginRequiredMixin):
    """Portal views: a logged-in user who works for an organization.

    Sets `self.account` and `self.organization`. Street-office staff without an organization land on their own
    dashboard; anyone else without one is sent to register one. Subclasses tighten the rule in
    `check_organization()`.
    """

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.account = account_of(request.user)
        if self.account is None and is_staff_member(request.user):
            return redirect("stats:dashboard")
        if self.account is None:
            messages.info(
                request, _("Your account does not belong to an organization yet. Register your organization first.")
            )
            return redirect("members:join")
        self.organization = self.account.organization
        self.check_organization()
        return super().dispatch(request, *args, **kwargs)

    def check_organization(self):
        """Raise PermissionDenied when this account may not use the view."""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("organization", self.organization)
        kwargs.setdefault("account", self.account)
        return super().get_context_data(**kwargs)


class OrganizationAdminRequiredMixin(OrganizationRequiredMixin):
    """Portal views only an organization's administrators may use (people management)."""

    def check_organization(self):
        if not self.account.is_admin:
            raise PermissionDenied(_("Only your organization's administrators can do this."))


class ActiveMemberRequiredMixin(OrganizationRequiredMixin):
    """Portal actions reserved for active member organizations (e.g. submitting proposals)."""

    def check_organization(self):
        if not self.organization.is_member:
            raise PermissionDenied(_("Only active member organizations can do this."))
