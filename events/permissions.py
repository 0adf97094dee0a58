"""Who manages which events: an organization's users manage its own events, street-office staff
without an organization manage the federation's own events. Everything else is a 404.
"""

from secrets import compare_digest

from django.contrib.auth.mixins import LoginRequiredMixin

from core.permissions import is_staff_member
from members.permissions import OrganizationRequiredMixin, account_of

from .models import Event, Registration


def manages_event(user, event):
    """Whether `user` organizes `event`: a user of its organization, or for the federation's own events (no
    organization) staff without an organization. The rule EventManagerMixin scopes the portal's pages by."""
    account = account_of(user)
    if account is not None:
        return account.organization_id == event.organization_id
    return is_staff_member(user) and event.organization_id is None


def can_cancel(registration, *, user=None, token=None):
    """Whether a sign-up may be cancelled now, by whom: the resident holding its private link (`token`), the
    event's organizer (`user`), or staff allowed to change sign-ups (`user`, in the admin). When: while
    `Registration.cancel_refusal` has no objection (a place or waiting-list spot of a published event)."""
    if not registration.is_cancellable:
        return False
    if token is not None:
        return compare_digest(str(token), registration.token)
    return (
        user is not None
        and user.is_authenticated
        and (manages_event(user, registration.event) or user.has_perm("events.change_registration"))
    )


class EventManagerMixin(OrganizationRequiredMixin):
    """Portal views of the events app. Sets `self.organization` (None when staff manage federation events)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and account_of(request.user) is None and is_staff_member(request.user):
            self.account = None
            self.organization = None
            return LoginRequiredMixin.dispatch(self, request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def managed_events(self):
        if self.organization is None:
            return Event.objects.federation()
        return Event.objects.for_organization(self.organization)

    def managed_registrations(self):
        if self.organization is None:
            return Registration.objects.filter(event__organization__isnull=True)
        return Registration.objects.for_organization(self.organization)

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "manage_base", "portal/base.html" if self.organization is not None else "events/manage/staff_base.html"
        )
        return super().get_context_data(**kwargs)
