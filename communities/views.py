from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from core.pagination import ForgivingPaginator
from core.permissions import StaffPermissionRequiredMixin
from events import compliance
from members.views import AcceptInvitationView

from . import services
from .forms import CommunityInvitationForm, DisputeForm, ResolveDisputeForm
from .models import ActivityConfirmation, CommunityInvitation, activities_held_in
from .permissions import CommunityRequiredMixin


class ActivitiesView(CommunityRequiredMixin, TemplateView):
    """The committee's month: activities held in its community, to confirm (待确认), confirmed, disputed."""

    template_name = "communities/manage/activities.html"

    def get_context_data(self, **kwargs):
        current = compliance.this_month()
        month = min(compliance.parse_month(self.request.GET.get("month"), default=current), current)
        events = (
            activities_held_in(self.community)
            .in_month(month.year, month.month)
            .select_related("organization", "community_confirmation")
            .order_by("starts_at", "pk")
        )
        groups = {"pending": [], "confirmed": [], "disputed": []}
        for event in events:
            confirmation = getattr(event, "community_confirmation", None)
            key = "pending" if confirmation is None else "disputed" if confirmation.is_disputed else "confirmed"
            groups[key].append(event)
        return super().get_context_data(
            month=month,
            previous_month=compliance.shift_month(month, -1),
            next_month=compliance.shift_month(month, 1) if month < current else None,
            **groups,
            **kwargs,
        )


class ActivityMixin(CommunityRequiredMixin):
    def get_event(self):
        return get_object_or_404(activities_held_in(self.community), pk=self.kwargs["pk"])

    def back(self, event):
        month = compliance.this_month(event.starts_at)
        return redirect(f"{reverse('communities:portal')}?month={month:%Y-%m}")


class ConfirmActivityView(ActivityMixin, View):
    def post(self, request, pk):
        event = self.get_event()
        try:
            services.confirm_activity(event, account=self.account)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Confirmed: %(event)s.") % {"event": event.title})
        return self.back(event)


class DisputeActivityView(ActivityMixin, FormView):
    form_class = DisputeForm
    template_name = "communities/manage/dispute_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.get_event(), **kwargs)

    def form_valid(self, form):
        event = self.get_event()
        try:
            services.dispute_activity(event, account=self.account, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your dispute has been sent to the organizer and the staff."))
        return self.back(event)


class AcceptCommunityInvitationView(AcceptInvitationView):
    invitation_queryset = CommunityInvitation.objects.select_related("community")
    landing_url = "communities:portal"

    def joins(self):
        return self.invitation.community

    def accept(self, **kwargs):
        return services.accept_community_invitation(self.invitation, **kwargs)


# Staff


class InviteView(StaffPermissionRequiredMixin, FormView):
    """Staff invite a person of a neighbourhood committee to the community portal."""

    permission_required = "communities.add_communityinvitation"
    form_class = CommunityInvitationForm
    template_name = "communities/staff/invite.html"

    def form_valid(self, form):
        try:
            services.invite_to_community(acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("email", error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("An invitation has been sent to %(email)s.") % {"email": form.cleaned_data["email"]}
        )
        return redirect("communities:staff-invite")


class DisputeListView(StaffPermissionRequiredMixin, ListView):
    """Disputes staff have to decide, oldest first."""

    permission_required = "communities.resolve_dispute"
    template_name = "communities/staff/dispute_list.html"
    context_object_name = "disputes"
    paginate_by = 50
    paginator_class = ForgivingPaginator  # ?page=99 shows the last page

    def get_queryset(self):
        return (
            ActivityConfirmation.objects.disputes()
            .select_related("event__organization", "event__community", "confirmed_by")
            .order_by("confirmed_at", "pk")
        )


class ResolveDisputeView(StaffPermissionRequiredMixin, FormView):
    permission_required = "communities.resolve_dispute"
    form_class = ResolveDisputeForm
    template_name = "communities/staff/dispute_form.html"

    def get_confirmation(self):
        return get_object_or_404(
            ActivityConfirmation.objects.select_related("event__organization", "event__community", "confirmed_by"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(confirmation=self.get_confirmation(), **kwargs)

    def form_valid(self, form):
        try:
            services.resolve_dispute(
                self.get_confirmation(),
                uphold=form.cleaned_data["decision"] == "uphold",
                reason=form.cleaned_data["reason"],
                acting_user=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The dispute has been decided; the organizer is told."))
        return redirect("communities:disputes")
