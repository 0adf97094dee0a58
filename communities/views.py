from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, TemplateView

from core.pagination import ForgivingPaginator
from core.permissions import StaffPermissionRequiredMixin
from core.spreadsheets import FORMATS, spreadsheet_response
from events import compliance
from events.models import Event, month_bounds
from members.models import Community, Organization
from members.views import AcceptInvitationView
from projects.models import CommunityNeed, NeedResponse, Project

from . import coverage, services
from .forms import (
    ColleagueInvitationForm,
    CommunityInvitationForm,
    CommunityNeedForm,
    CoverageFilterForm,
    DisputeForm,
    RatingForm,
    ResolveDisputeForm,
)
from .models import (
    ActivityConfirmation,
    CommunityAccount,
    CommunityInvitation,
    QuarterlyRating,
    activities_held_in,
    organizations_to_rate,
    parse_quarter,
    quarter_label,
    quarter_of,
    rateable_quarters,
    shift_quarter,
)
from .permissions import CommunityRequiredMixin


class ActivitiesView(CommunityRequiredMixin, TemplateView):
    """The committee's activities: every one still to confirm (待确认, whatever its month: at most a week old), and
    the month's confirmed and disputed ones."""

    template_name = "communities/manage/activities.html"

    def get_context_data(self, **kwargs):
        current = compliance.this_month()
        month = min(compliance.parse_month(self.request.GET.get("month"), default=current), current)
        start, end = month_bounds(month.year, month.month)
        events = (
            activities_held_in(self.community)
            .filter(Q(community_confirmation__isnull=True) | Q(starts_at__gte=start, starts_at__lt=end))
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


class PeopleView(CommunityRequiredMixin, TemplateView):
    """The committee's colleagues in the portal; its administrators invite more (admin or member)."""

    template_name = "communities/manage/people.html"

    def get_context_data(self, **kwargs):
        if self.account.is_admin:
            kwargs.setdefault("form", ColleagueInvitationForm())
            kwargs["invitations"] = self.community.invitations.pending().order_by("-created_at")
        accounts = CommunityAccount.objects.filter(community=self.community).select_related("user")
        return super().get_context_data(accounts=accounts, **kwargs)


class InviteColleagueView(PeopleView, FormView):
    admin_only = True
    form_class = ColleagueInvitationForm

    def form_valid(self, form):
        try:
            services.invite_to_community(self.community, acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("email", error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("An invitation has been sent to %(email)s.") % {"email": form.cleaned_data["email"]}
        )
        return redirect("communities:people")


# The committee's needs (the needs and their responses belong to the projects app)


class NeedMixin(CommunityRequiredMixin):
    def needs(self):
        return CommunityNeed.objects.for_community(self.community)


class NeedListView(NeedMixin, ListView):
    template_name = "communities/manage/need_list.html"
    context_object_name = "needs"
    paginate_by = 20
    paginator_class = ForgivingPaginator  # ?page=99 shows the last page

    def get_queryset(self):
        responses = NeedResponse.objects.order_by().values("need").annotate(n=Count("pk")).values("n")
        return self.needs().annotate(
            response_count=Coalesce(Subquery(responses.filter(need=OuterRef("pk"))), Value(0))
        ).order_by("-posted_at", "-pk")


class NeedCreateView(NeedMixin, CreateView):
    form_class = CommunityNeedForm
    template_name = "communities/manage/need_form.html"

    def form_valid(self, form):
        try:
            need = services.post_community_need(self.account, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your need is on the needs board: %(need)s.") % {"need": need.title})
        return redirect("communities:need", pk=need.pk)


class NeedDetailView(NeedMixin, DetailView):
    """A need of the community with the organizations' responses; the committee proposes one to accept."""

    template_name = "communities/manage/need_detail.html"
    context_object_name = "need"

    def get_queryset(self):
        responses = NeedResponse.objects.select_related("organization", "project").order_by("created_at", "pk")
        return self.needs().prefetch_related(Prefetch("responses", queryset=responses, to_attr="response_list"))


class ProposeResponseView(NeedMixin, View):
    def post(self, request, pk, response_pk):
        response = get_object_or_404(
            NeedResponse.objects.filter(need__in=self.needs()).select_related("need", "organization"), pk=response_pk,
            need_id=pk,
        )
        try:
            response = services.propose_need_response(response, account=self.account)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if response.is_accepted:
                messages.success(request, _("Accepted: %(organization)s.") % {"organization": response.organization})
            else:
                messages.success(
                    request,
                    _("Proposed: %(organization)s. The street office's staff will confirm it.")
                    % {"organization": response.organization},
                )
        return redirect("communities:need", pk=pk)


# Quarterly ratings


class QuarterMixin:
    def get_quarter(self, value):
        quarter = parse_quarter(value)
        if quarter not in rateable_quarters():
            raise Http404
        return quarter


class RatingsView(QuarterMixin, CommunityRequiredMixin, TemplateView):
    """The organizations that held activities in the community in a quarter, with the committee's rating."""

    template_name = "communities/manage/ratings.html"

    def get_context_data(self, **kwargs):
        quarters = rateable_quarters()
        value = self.request.GET.get("quarter")
        quarter = self.get_quarter(value) if value else quarters[-1]
        ratings = {
            rating.organization_id: rating
            for rating in QuarterlyRating.objects.for_community(self.community).in_quarter(quarter)
        }
        organizations = [
            (organization, ratings.get(organization.pk))
            for organization in organizations_to_rate(self.community, quarter).only("name")
        ]
        return super().get_context_data(
            quarter=quarter,
            quarter_label=quarter_label(quarter),
            quarters=[(q, quarter_label(q)) for q in reversed(quarters)],
            organizations=organizations,
            **kwargs,
        )


class RateView(QuarterMixin, CommunityRequiredMixin, FormView):
    form_class = RatingForm
    template_name = "communities/manage/rating_form.html"

    def setup_rating(self):
        self.quarter = self.get_quarter(self.kwargs["quarter"])
        self.organization = get_object_or_404(
            organizations_to_rate(self.community, self.quarter), pk=self.kwargs["organization_pk"]
        )
        self.rating = QuarterlyRating.objects.filter(
            community=self.community, organization=self.organization, quarter=self.quarter
        ).first()

    def get(self, request, *args, **kwargs):
        self.setup_rating()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_rating()
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        if self.rating is None:
            return {}
        return {"score": self.rating.score, "comment": self.rating.comment}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organization=self.organization, quarter_label=quarter_label(self.quarter), **kwargs
        )

    def form_valid(self, form):
        try:
            services.rate_organization(self.account, self.organization, self.quarter, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Your rating of %(organization)s is saved.") % {"organization": self.organization}
        )
        return redirect(f"{reverse('communities:ratings')}?quarter={quarter_label(self.quarter)}")


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


class NeedProposalListView(StaffPermissionRequiredMixin, ListView):
    """Responses the committees proposed for their open needs, waiting for staff to confirm, oldest first."""

    permission_required = "projects.change_needresponse"
    template_name = "communities/staff/need_proposals.html"
    context_object_name = "proposals"
    paginate_by = 50
    paginator_class = ForgivingPaginator  # ?page=99 shows the last page

    def get_queryset(self):
        return (
            NeedResponse.objects.filter(proposed_at__isnull=False, need__state=CommunityNeed.State.OPEN)
            .select_related("need__community", "organization", "project")
            .order_by("proposed_at", "pk")
        )


class ConfirmNeedProposalView(StaffPermissionRequiredMixin, View):
    permission_required = "projects.change_needresponse"

    def post(self, request, pk):
        response = get_object_or_404(NeedResponse.objects.select_related("need", "organization"), pk=pk)
        try:
            services.confirm_need_proposal(response, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Accepted: %(organization)s for “%(need)s”; the organization is told.")
                % {"organization": response.organization, "need": response.need.title},
            )
        return redirect("communities:need-proposals")


class StaffRatingsView(StaffPermissionRequiredMixin, TemplateView):
    """The committees' ratings of a quarter, per organization: the average, how many committees rated, and each
    rating with its comment. Staff only: the organizations never see them, the public pages never show them."""

    permission_required = "communities.view_quarterlyrating"
    template_name = "communities/staff/ratings.html"

    def get_context_data(self, **kwargs):
        latest = shift_quarter(quarter_of(), -1)
        quarter = min(parse_quarter(self.request.GET.get("quarter"), default=latest), quarter_of())
        rows = {}
        ratings = (
            QuarterlyRating.objects.in_quarter(quarter)
            .select_related("organization", "community")
            .order_by("organization__name", "community__code")
        )
        for rating in ratings:
            rows.setdefault(rating.organization, []).append(rating)
        organizations = [
            {
                "organization": organization,
                "ratings": items,
                "average": sum(rating.score for rating in items) / len(items),
            }
            for organization, items in rows.items()
        ]
        return super().get_context_data(
            quarter_label=quarter_label(quarter),
            previous=quarter_label(shift_quarter(quarter, -1)),
            following=quarter_label(shift_quarter(quarter, 1)) if quarter < quarter_of() else None,
            organizations=organizations,
            **kwargs,
        )


class CoverageMixin(StaffPermissionRequiredMixin):
    permission_required = "communities.view_coverage"

    def get_coverage(self):
        form = CoverageFilterForm(self.request.GET or None)
        field = form.cleaned_data["field"] if form.is_valid() else ""
        months = coverage.recent_months()
        return form, field, months, coverage.coverage(months, service_field=field or None)


class CoverageView(CoverageMixin, TemplateView):
    """Communities × months: the confirmed activities of each, gaps (an ended month with none) marked."""

    template_name = "communities/staff/coverage.html"

    def get_context_data(self, **kwargs):
        form, field, months, rows = self.get_coverage()
        last_month = compliance.shift_month(compliance.this_month(), -1)
        without_last_month = [
            row.community for row in rows if any(c.month == last_month and c.is_gap for c in row.cells)
        ]
        return super().get_context_data(
            form=form,
            field=field,
            months=months,
            rows=rows,
            last_month=last_month,
            without_last_month=without_last_month,
            **kwargs,
        )


class CoverageExportView(CoverageMixin, View):
    def get(self, request, file_format):
        if file_format not in FORMATS:
            raise Http404
        form, field, months, rows = self.get_coverage()
        header = [_("Community"), *(f"{month:%Y-%m}" for month in months)]
        lines = [[row.community.name, *(cell.confirmed for cell in row.cells)] for row in rows]
        name = f"coverage-{months[-1]:%Y-%m}" + (f"-{field}" if field else "")
        return spreadsheet_response(file_format, name, header, lines, title=_("Coverage"))


# Public: the neighbourhoods' pages


class CommunityListView(ListView):
    """Every neighbourhood community with how many organizations serve it, its upcoming events and open needs."""

    page_cache = ("members", "projects", "events")  # the data families it shows (federation_portal/pagecache.py)
    template_name = "communities/community_list.html"
    context_object_name = "communities"

    def get_queryset(self):
        def count(queryset):
            return Coalesce(Subquery(queryset.order_by().values("n")), Value(0))

        serving = Organization.communities.through.objects.filter(
            community=OuterRef("pk"), organization__is_public=True
        ).values("community").annotate(n=Count("pk"))
        upcoming = Event.objects.listed().filter(community=OuterRef("pk"), ends_at__gte=timezone.now())
        needs = CommunityNeed.objects.open().filter(community=OuterRef("pk"))
        return Community.objects.order_by("code").annotate(
            organization_count=count(serving),
            upcoming_count=count(upcoming.values("community").annotate(n=Count("pk"))),
            need_count=count(needs.values("community").annotate(n=Count("pk"))),
        )


class CommunityDetailView(DetailView):
    """A neighbourhood's page: the organizations serving it, its upcoming events, open needs and projects."""

    page_cache = ("members", "projects", "events")  # the data families it shows (federation_portal/pagecache.py)
    model = Community
    slug_field = slug_url_kwarg = "code"
    template_name = "communities/community_detail.html"
    context_object_name = "community"

    def get_context_data(self, **kwargs):
        community = self.object
        return super().get_context_data(
            organizations=Organization.objects.for_directory().filter(communities=community),
            events=Event.objects.listed()
            .upcoming()
            .filter(community=community)
            .select_related("organization")
            .order_by("starts_at", "pk")[:10],
            needs=CommunityNeed.objects.open().for_community(community).order_by("-posted_at", "-pk"),
            projects=Project.objects.public()
            .filter(communities=community)
            .select_related("organization")
            .order_by("-is_brand", "-is_selected", "-starts_on", "-pk")[:12],
            **kwargs,
        )
