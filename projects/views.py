from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from core.pagination import ForgivingPaginator
from core.permissions import StaffPermissionRequiredMixin, is_staff_member
from core.portal import sections_for_project
from members.permissions import ActiveMemberRequiredMixin, OrganizationRequiredMixin

from . import scoring, services
from .filters import NeedFilter, ProjectFilter
from .forms import DecisionForm, NeedResponseForm, ProgressUpdateForm, ProjectForm, ReviewForm
from .models import DEFAULT_RANKING_SORT, RANKING_SORTS, Call, CommunityNeed, ProgressUpdate, Project, Review


def _error(request, error):
    messages.error(request, " ".join(error.messages))


# Public pages


class ProjectListView(FilterView):
    page_cache = ("members", "projects")  # the data families it shows (federation_portal/pagecache.py)
    filterset_class = ProjectFilter
    queryset = Project.objects.showcase()
    paginate_by = 12
    paginator_class = ForgivingPaginator  # ?page=99 shows the last page
    template_name = "projects/project_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(open_calls=Call.objects.accepting().order_by("closes_at")[:3], **kwargs)


class ProjectDetailView(DetailView):
    page_cache = ("members", "projects")  # the data families it shows (federation_portal/pagecache.py)
    queryset = Project.objects.public().select_related("organization", "call").prefetch_related(
        "communities", "photos", Prefetch("updates", queryset=ProgressUpdate.objects.order_by("-on", "-pk"))
    )
    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs):
        # Street-office staff (never served from the page cache) read what the street office needs besides.
        audience = "staff" if is_staff_member(self.request.user) else "public"
        return super().get_context_data(project_sections=sections_for_project(self.object, audience), **kwargs)


class CallListView(ListView):
    page_cache = ("members", "projects")  # the data families it shows (federation_portal/pagecache.py)
    template_name = "projects/call_list.html"
    context_object_name = "open_calls"

    def get_queryset(self):
        return Call.objects.accepting().order_by("closes_at")

    def get_context_data(self, **kwargs):
        past = Call.objects.public().exclude(pk__in=self.object_list.values("pk"))[:10]
        return super().get_context_data(past_calls=past, **kwargs)


class CallDetailView(DetailView):
    page_cache = ("members", "projects")  # the data families it shows (federation_portal/pagecache.py)
    queryset = Call.objects.public()
    template_name = "projects/call_detail.html"

    def get_context_data(self, **kwargs):
        approved = Project.objects.public().filter(call=self.object).select_related("organization")
        return super().get_context_data(approved_projects=approved, **kwargs)


class NeedListView(FilterView):
    page_cache = ("members", "projects")  # the data families it shows (federation_portal/pagecache.py)
    filterset_class = NeedFilter
    queryset = CommunityNeed.objects.public().for_board()
    paginate_by = 20
    paginator_class = ForgivingPaginator  # ?page=99 shows the last page
    template_name = "projects/need_list.html"


class NeedDetailView(DetailView):
    page_cache = ("members", "projects")  # the data families it shows (federation_portal/pagecache.py)
    queryset = CommunityNeed.objects.public().for_board()
    context_object_name = "need"
    template_name = "projects/need_detail.html"


# Portal: the organization's projects


class ManageProjectListView(OrganizationRequiredMixin, ListView):
    template_name = "projects/manage/project_list.html"

    def get_queryset(self):
        return Project.objects.for_organization(self.organization).select_related("call")

    def get_context_data(self, **kwargs):
        return super().get_context_data(open_calls=Call.objects.accepting().order_by("closes_at"), **kwargs)


class ManageProjectCreateView(ActiveMemberRequiredMixin, CreateView):
    form_class = ProjectForm
    template_name = "projects/manage/project_form.html"

    def get_initial(self):
        return {"call": self.request.GET.get("call")}

    def form_valid(self, form):
        form.instance.organization = self.organization
        messages.success(self.request, _("Your draft has been saved. Submit it to the call when it is ready."))
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("projects:manage-detail", kwargs={"pk": self.object.pk})


class ManageProjectUpdateView(ActiveMemberRequiredMixin, UpdateView):
    form_class = ProjectForm
    template_name = "projects/manage/project_form.html"

    def get_queryset(self):
        return Project.objects.for_organization(self.organization)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.is_editable:
            return self._locked()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.is_editable:
            return self._locked()
        return super().post(request, *args, **kwargs)

    def _locked(self):
        messages.error(self.request, _("Only drafts can be edited. Post a progress update instead."))
        return redirect("projects:manage-detail", pk=self.object.pk)

    def form_valid(self, form):
        messages.success(self.request, _("Your changes have been saved."))
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("projects:manage-detail", kwargs={"pk": self.object.pk})


class ManageProjectDetailView(OrganizationRequiredMixin, DetailView):
    template_name = "projects/manage/project_detail.html"

    # Where each of the organization's actions posts: submitting needs an active membership (its own view).
    ACTION_URLS = {Project.State.SUBMITTED: "projects:manage-submit"}

    def get_queryset(self):
        return (
            Project.objects.for_organization(self.organization)
            .select_related("call", "organization")
            .prefetch_related("communities", "photos", "updates", "reviews", "changes__changed_by")
        )

    def get_context_data(self, **kwargs):
        project = self.object
        summary = None
        if project.call_id and project.is_decided:
            summary = scoring.summarize(project.reviews.all(), project.call.weights)
        actions = [
            (action, reverse(self.ACTION_URLS.get(action.to, "projects:manage-transition"), args=[project.pk]))
            for action in project.available_actions(Project.Actor.ORGANIZATION)
        ]
        return super().get_context_data(
            summary=summary, actions=actions, update_form=ProgressUpdateForm(),
            project_sections=sections_for_project(project, "organization"), **kwargs,
        )


class ManageProjectSubmitView(ActiveMemberRequiredMixin, View):
    """Submit a draft to its call (POST)."""

    def post(self, request, pk):
        project = get_object_or_404(Project.objects.for_organization(self.organization), pk=pk)
        try:
            services.submit_project(project, acting_user=request.user)
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("“%(title)s” has been submitted.") % {"title": project.title})
        return redirect("projects:manage-detail", pk=project.pk)


class ManageProjectTransitionView(OrganizationRequiredMixin, View):
    """The organization makes one of its changes (Project.TRANSITIONS): withdraws a proposal, starts or completes
    its project (POST). A change only the street office makes is a bad request."""

    def post(self, request, pk):
        project = get_object_or_404(Project.objects.for_organization(self.organization), pk=pk)
        to_state = request.POST.get("to")
        if not Project.is_action_of(Project.Actor.ORGANIZATION, to_state):
            return HttpResponseBadRequest()
        try:
            services.change_project_state(
                project, to_state, acting_user=request.user, as_actor=Project.Actor.ORGANIZATION
            )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("“%(title)s” is now %(state)s.")
                             % {"title": project.title, "state": Project.State(to_state).label})
        return redirect("projects:manage-detail", pk=project.pk)


class ManageProgressUpdateView(OrganizationRequiredMixin, FormView):
    form_class = ProgressUpdateForm
    template_name = "projects/manage/update_form.html"

    def get_project(self):
        return get_object_or_404(Project.objects.for_organization(self.organization), pk=self.kwargs["pk"])

    def get_initial(self):
        return {"on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.get_project(), **kwargs)

    def form_valid(self, form):
        project = self.get_project()
        data = form.cleaned_data
        try:
            services.post_progress_update(
                project,
                acting_user=self.request.user,
                text=data["text"],
                beneficiaries_reached=data["beneficiaries_reached"],
                on=data["on"],
                photos=form.photos,
            )
        except ValidationError as error:
            _error(self.request, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your progress update is published on the project page."))
        return redirect("projects:manage-detail", pk=project.pk)


# Portal: community needs


class ManageNeedListView(OrganizationRequiredMixin, ListView):
    template_name = "projects/manage/need_list.html"
    paginate_by = 20
    paginator_class = ForgivingPaginator  # ?page=99 shows the last page

    def get_queryset(self):
        return CommunityNeed.objects.open().for_board()

    def get_context_data(self, **kwargs):
        responses = self.organization.need_responses.select_related("need", "need__community", "project")
        return super().get_context_data(
            responses=responses,
            answered_ids={response.need_id for response in responses},
            **kwargs,
        )


class ManageNeedRespondView(ActiveMemberRequiredMixin, CreateView):
    form_class = NeedResponseForm
    template_name = "projects/manage/need_response_form.html"

    def get_need(self):
        return get_object_or_404(CommunityNeed.objects.open().select_related("community"), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get_context_data(self, **kwargs):
        return super().get_context_data(need=self.get_need(), **kwargs)

    def form_valid(self, form):
        need = self.get_need()
        try:
            services.respond_to_need(
                need,
                organization=self.organization,
                acting_user=self.request.user,
                message=form.cleaned_data["message"],
                project=form.cleaned_data["project"],
            )
        except ValidationError as error:
            _error(self.request, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your response has been sent to the street office."))
        return redirect("projects:manage-needs")


# Reviewers


def reviewable_projects(user):
    """The proposals a reviewer may open: those of the calls assigned to them."""
    return Project.objects.filter(call__in=Call.objects.assigned_to(user).public()).exclude(
        state=Project.State.DRAFT
    )


class ReviewCallListView(LoginRequiredMixin, ListView):
    template_name = "projects/review/call_list.html"

    def get_queryset(self):
        return Call.objects.assigned_to(self.request.user).public().order_by("state", "-closes_at")


class ReviewCallDetailView(LoginRequiredMixin, DetailView):
    template_name = "projects/review/call_detail.html"

    def get_queryset(self):
        return Call.objects.assigned_to(self.request.user).public()

    def get_context_data(self, **kwargs):
        user = self.request.user
        mine = {review.project_id: review for review in Review.objects.by(user).filter(project__call=self.object)}
        proposals = Project.objects.for_call(self.object).select_related("organization").order_by("title")
        rows = [
            {"project": project, "review": mine.get(project.pk), "conflict": project.has_conflict_of_interest(user)}
            for project in proposals
        ]
        return super().get_context_data(rows=rows, **kwargs)


class ReviewProposalView(LoginRequiredMixin, UpdateView):
    """A reviewer reads a proposal and gives or changes their scores."""

    form_class = ReviewForm
    template_name = "projects/review/review_form.html"

    def get_project(self):
        if not hasattr(self, "project"):
            queryset = reviewable_projects(self.request.user).select_related("call", "organization")
            self.project = get_object_or_404(queryset.prefetch_related("communities"), pk=self.kwargs["pk"])
        return self.project

    def get_object(self, queryset=None):
        return Review.objects.filter(project=self.get_project(), reviewer=self.request.user).first()

    def get_context_data(self, **kwargs):
        project = self.get_project()
        conflict = project.has_conflict_of_interest(self.request.user)
        can_review = not conflict and project.accepts_reviews
        return super().get_context_data(project=project, conflict=conflict, can_review=can_review, **kwargs)

    def form_valid(self, form):
        try:
            services.save_review(self.get_project(), reviewer=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            _error(self.request, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your review has been saved. You can change it until the decision."))
        return redirect("projects:review-call", pk=self.get_project().call_id)


# Staff


class RankingView(StaffPermissionRequiredMixin, SingleObjectMixin, ListView):
    """Staff rank a call's proposals by weighted mean score and decide them, 50 a page; ranks run on across pages."""

    permission_required = ("projects.view_project", "projects.view_review")
    template_name = "projects/staff/ranking.html"
    paginate_by = 50
    paginator_class = ForgivingPaginator  # ?page=99 shows the last page

    def get(self, request, *args, **kwargs):
        self.object = self.get_object(queryset=Call.objects.all())
        sort = request.GET.get("sort", DEFAULT_RANKING_SORT)
        self.sort = sort if sort.removeprefix("-") in RANKING_SORTS else DEFAULT_RANKING_SORT
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        proposals = Project.objects.for_call(self.object).select_related("organization")
        # only what a row shows: the query groups and sorts every proposal of the call, so narrow rows keep it fast
        proposals = proposals.only("title", "state", "decision_reason", "organization__name")
        return proposals.ranked(self.object.weights, sort=self.sort)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reviewer_organizations = self.object.reviewer_organization_ids()
        return {
            **context,
            "call": self.object,
            "reviewer_count": len(reviewer_organizations),
            "rows": [scoring.ranking_row(project, reviewer_organizations) for project in context["object_list"]],
            "sort": self.sort,
            # (state, confirmation page or None): ending a call before its closing time is confirmed on a page
            "next_states": [
                (state, reverse("projects:call-close-early", args=[self.object.pk])
                 if self.object.closes_early(state) else None)
                for state in Call.State
                if self.object.can_change_to(state)
            ],
        }


class DecideProjectView(StaffPermissionRequiredMixin, FormView):
    """Staff approve or reject a proposal: the admin's approve and reject actions ask for the same permission."""

    permission_required = "projects.change_project"
    form_class = DecisionForm
    template_name = "projects/staff/decide.html"

    def get_project(self):
        return get_object_or_404(Project.objects.select_related("call", "organization"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.get_project(), **kwargs)

    def form_valid(self, form):
        project = self.get_project()
        approve = form.cleaned_data["decision"] == DecisionForm.Decision.APPROVE
        service = services.approve_project if approve else services.reject_project
        state = Project.State.APPROVED if approve else Project.State.REJECTED
        try:
            service(project, acting_user=self.request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _error(self.request, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("“%(title)s” has been %(state)s; the organization has been emailed.")
            % {"title": project.title, "state": state.label},
        )
        if project.call_id:
            return redirect("projects:ranking", pk=project.call_id)
        return redirect("admin:projects_project_change", project.pk)


class CallStateView(StaffPermissionRequiredMixin, View):
    """Staff move a call to its next state from the ranking page (POST)."""

    permission_required = "projects.change_call"

    def post(self, request, pk):
        call = get_object_or_404(Call, pk=pk)
        try:
            services.change_call_state(call, request.POST.get("to", ""), acting_user=request.user)
        except ValueError:  # not a state at all
            return HttpResponseBadRequest()
        except ValidationError as error:
            if error.code == "before_deadline":
                return redirect("projects:call-close-early", pk=call.pk)
            _error(request, error)
        else:
            call.refresh_from_db()
            messages.success(request, _("The call is now “%(state)s”.") % {"state": call.get_state_display()})
        return redirect("projects:ranking", pk=call.pk)


class CallCloseEarlyView(StaffPermissionRequiredMixin, DetailView):
    """Staff confirm starting the review of a call before its closing time: the page says what will happen, the
    button posts. A call that is not open for proposals any more has nothing to confirm: back to its ranking."""

    permission_required = "projects.change_call"
    queryset = Call.objects.all()
    template_name = "projects/staff/call_close_early.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.closes_early(Call.State.REVIEWING):
            return redirect("projects:ranking", pk=self.object.pk)
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        proposals = Project.objects.filter(call=self.object)
        return super().get_context_data(
            submitted_count=proposals.filter(state=Project.State.SUBMITTED).count(),
            draft_count=proposals.filter(state=Project.State.DRAFT).count(),
            reviewer_count=self.object.reviewers.count(),
            **kwargs,
        )

    def post(self, request, pk):
        call = self.get_object()
        try:
            services.change_call_state(call, Call.State.REVIEWING, acting_user=request.user, close_early=True)
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("The call “%(call)s” is closed and its review has started.") % {"call": call})
        return redirect("projects:ranking", pk=call.pk)
