"""Who manages which events: an organization's users manage its own events, street-office staff
without an organization manage the federation's own events. Everything else is a 404.
"""

from django.contrib.auth.mixins import LoginRequiredMixin

from core.permissions import is_staff_member
from members.permissions import OrganizationRequiredMixin, account_of

from .models import Event, Registration


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
