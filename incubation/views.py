from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from communities.permissions import CommunityRequiredMixin
from core.permissions import StaffPermissionRequiredMixin
from core.throttle import ThrottleMixin, by_address
from members.forms import AccountForm
from members.models import Organization, SupportSession
from members.permissions import OrganizationRequiredMixin, account_of

from . import figures, services
from .forms import (
    AdmitForm,
    DecisionForm,
    FilingForm,
    GraduationForm,
    IncubationApplicationForm,
    MembershipNoteForm,
    MilestoneTickForm,
    OpinionForm,
    StageForm,
    SupportSessionForm,
    TeamForm,
)
from .models import Cohort, Incubation, Milestone, TeamFiling

# Public


class IncubatorView(TemplateView):
    """The incubation base for residents: the current cohort (names and fields) and the graduates."""

    page_cache = ("members", "incubation")  # the data families it shows (federation_portal/pagecache.py)
    template_name = "incubation/incubator.html"

    def get_context_data(self, **kwargs):
        cohort = Cohort.objects.current()
        current = (
            Organization.objects.filter(incubation__cohort=cohort, incubation__stage__in=Incubation.ACTIVE_STAGES)
            .prefetch_related("service_fields").order_by("name")
            if cohort else []
        )
        graduates = (
            Organization.objects.public().filter(incubation__stage=Incubation.Stage.GRADUATED)
            .order_by("-graduated_on", "name")
        )
        return super().get_context_data(
            cohort=cohort, current=current, graduates=graduates, stages=figures.pipeline_by_stage(),
            filed_count=TeamFiling.objects.filed().count(), **kwargs,
        )


class FileTeamView(ThrottleMixin, TemplateView):
    """A community team applies to be filed (备案): its administrator's account, the team and the filing."""

    template_name = "incubation/filing_form.html"
    throttles = [("join-address", by_address)]

    def dispatch(self, request, *args, **kwargs):
        if account_of(request.user) is not None:
            messages.info(request, _("Your account already belongs to an organization."))
            return redirect("members:portal")
        return super().dispatch(request, *args, **kwargs)

    def get_forms(self):
        data = self.request.POST if self.request.method == "POST" else None
        files = self.request.FILES if self.request.method == "POST" else None
        account_form = None if self.request.user.is_authenticated else AccountForm(data, prefix="account")
        return account_form, TeamForm(data, prefix="team"), FilingForm(data, files, prefix="filing")

    def get_context_data(self, **kwargs):
        if "team_form" not in kwargs:
            kwargs["account_form"], kwargs["team_form"], kwargs["filing_form"] = self.get_forms()
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        account_form, team_form, filing_form = forms = self.get_forms()
        if not all([form.is_valid() for form in forms if form is not None]):
            messages.error(request, _("Please correct the errors below."))
            return self.render_to_response(
                self.get_context_data(account_form=account_form, team_form=team_form, filing_form=filing_form)
            )
        try:
            account = services.file_team(
                team_form.save(commit=False), filing_form.save(commit=False),
                communities=filing_form.cleaned_data["communities"], acting_user=request.user,
                new_account=account_form.new_account if account_form else None,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("members:portal")
        if account_form:
            login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Thank you! The neighbourhood committee gives its opinion first, then the street decides.")
        )
        return redirect("incubation:manage")


# Mentors: anyone logged in sees the milestones of the organizations they mentor (none for most).


class MentoringView(LoginRequiredMixin, TemplateView):
    template_name = "incubation/mentor/mentoring.html"

    def get_context_data(self, **kwargs):
        incubations = (
            Incubation.objects.for_mentor(self.request.user).active()
            .select_related("organization", "cohort").prefetch_related("milestones")
        )
        return super().get_context_data(incubations=incubations, **kwargs)


class ConfirmMilestoneView(LoginRequiredMixin, View):
    def post(self, request, pk):
        milestone = get_object_or_404(
            Milestone.objects.filter(incubation__mentor=request.user).select_related("incubation"), pk=pk
        )
        try:
            services.confirm_milestone(milestone, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Confirmed: %(milestone)s.") % {"milestone": milestone.title})
        return redirect("incubation:mentoring")


# The organization's portal


class ManageMixin(OrganizationRequiredMixin):
    def get_filing(self):
        return TeamFiling.objects.filter(organization=self.organization).first()

    def get_incubation(self):
        return (
            Incubation.objects.filter(organization=self.organization)
            .select_related("cohort", "mentor").first()
        )


class ManageView(ManageMixin, TemplateView):
    """The organization's filing (number, certificate, yearly re-confirmation) and incubation (milestones to tick
    off, stage history; after graduation the prefilled membership application)."""

    template_name = "incubation/manage/incubation.html"

    def get_context_data(self, **kwargs):
        incubation = self.get_incubation()
        membership = getattr(self.organization, "membership", None)
        can_apply = (
            incubation is not None and incubation.stage == Incubation.Stage.GRADUATED
            and (membership is None or membership.can_change_to(membership.Status.APPLIED))
        )
        return super().get_context_data(
            filing=self.get_filing(),
            incubation=incubation,
            milestones=incubation.milestones.all() if incubation else [],
            changes=incubation.changes.select_related("changed_by") if incubation else [],
            sessions=SupportSession.objects.for_organization(self.organization) if incubation else [],
            tick_form=MilestoneTickForm(),
            base_form=IncubationApplicationForm() if incubation is None and not self.organization.is_incubation_graduate
            else None,
            apply_form=(
                MembershipNoteForm(initial={"note": services.membership_note(incubation)}) if can_apply else None
            ),
            **kwargs,
        )


class ManageCertificateView(ManageMixin, TemplateView):
    template_name = "incubation/certificate.html"

    def get_context_data(self, **kwargs):
        filing = self.get_filing()
        if filing is None or not filing.number:
            raise Http404
        return super().get_context_data(filing=filing, **kwargs)


class ConfirmFilingView(ManageMixin, View):
    def post(self, request):
        filing = self.get_filing()
        if filing is None:
            raise Http404
        try:
            services.confirm_filing(filing, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you: the filing is confirmed for another year."))
        return redirect("incubation:manage")


class TickMilestoneView(ManageMixin, View):
    def post(self, request, pk):
        milestone = get_object_or_404(Milestone.objects.filter(incubation__organization=self.organization), pk=pk)
        form = MilestoneTickForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Please describe the evidence: what was done, where the mentor can see it."))
            services.tick_milestone(milestone, evidence=form.cleaned_data["evidence"], acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Ticked off: %(milestone)s. Your mentor will confirm it.") % {
                "milestone": milestone.title})
        return redirect("incubation:manage")


class ApplyToBaseView(ManageMixin, View):
    def post(self, request):
        form = IncubationApplicationForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Please say in a few words what the team needs from the base."))
            services.apply_to_incubation(self.organization, note=form.cleaned_data["note"], acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your application has been sent to the incubation base."))
        return redirect("incubation:manage")


class ApplyForMembershipView(ManageMixin, View):
    def post(self, request):
        incubation = self.get_incubation()
        form = MembershipNoteForm(request.POST)
        if incubation is None:
            raise Http404
        try:
            if not form.is_valid():
                raise ValidationError(_("Please write a few words for your application."))
            services.apply_for_membership(incubation, note=form.cleaned_data["note"], acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("incubation:manage")
        messages.success(request, _("Your application has been sent to the federation."))
        return redirect("members:manage-membership")


# Neighbourhood committees


class CommunityFilingsView(CommunityRequiredMixin, TemplateView):
    template_name = "incubation/community/filings.html"

    def get_context_data(self, **kwargs):
        pending = (
            TeamFiling.objects.awaiting_community(self.community).select_related("organization")
            .order_by("submitted_at", "pk")
        )
        return super().get_context_data(pending=pending, **kwargs)


class CommunityOpinionView(CommunityRequiredMixin, FormView):
    form_class = OpinionForm
    template_name = "incubation/community/opinion_form.html"

    def get_filing(self):
        return get_object_or_404(
            TeamFiling.objects.filter(communities=self.community).distinct().select_related("organization"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(filing=self.get_filing(), **kwargs)

    def form_valid(self, form):
        try:
            services.give_community_opinion(self.get_filing(), account=self.account, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you: your opinion has been sent to the street office."))
        return redirect("incubation:community-filings")


# Staff


class StaffPipelineView(StaffPermissionRequiredMixin, TemplateView):
    """The base at a glance: filings to decide, the pipeline by stage, overdue milestones, lapsed filings and the
    statistics of filed teams."""

    permission_required = "incubation.view_incubation"
    template_name = "incubation/staff/pipeline.html"

    def get_context_data(self, **kwargs):
        by_category, by_community = figures.filed_by_category_and_community()
        return super().get_context_data(
            to_decide=TeamFiling.objects.awaiting_decision().select_related("organization").order_by("submitted_at"),
            waiting_community=TeamFiling.objects.awaiting_community()
            .exclude(pk__in=TeamFiling.objects.awaiting_decision().values("pk")).count(),
            stages=figures.pipeline_by_stage(),
            incubations=Incubation.objects.active().select_related("organization", "cohort", "mentor")
            .order_by("stage", "organization__name"),
            overdue=figures.overdue_milestones()[:50],
            lapsed=TeamFiling.objects.lapsed().select_related("organization").order_by("-lapsed_on", "pk"),
            by_category=by_category,
            by_community=by_community,
            by_year=figures.filed_registered_member_by_year(),
            **kwargs,
        )


class StaffFilingView(StaffPermissionRequiredMixin, FormView):
    permission_required = "incubation.decide_filing"
    form_class = DecisionForm
    template_name = "incubation/staff/filing.html"

    def get_filing(self):
        return get_object_or_404(
            TeamFiling.objects.select_related("organization", "community_by").prefetch_related("communities"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        filing = self.get_filing()
        return super().get_context_data(
            filing=filing, changes=filing.changes.select_related("changed_by"), **kwargs
        )

    def form_valid(self, form):
        filing = self.get_filing()
        try:
            if form.cleaned_data["decision"] == "approve":
                filing = services.approve_filing(filing, acting_user=self.request.user)
                messages.success(self.request, _("Filed under %(number)s.") % {"number": filing.number})
            else:
                services.reject_filing(filing, acting_user=self.request.user, reason=form.cleaned_data["reason"])
                messages.success(self.request, _("The filing was refused; the team is told."))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect("incubation:staff-filing", pk=filing.pk)


class StaffCertificateView(StaffPermissionRequiredMixin, TemplateView):
    permission_required = "incubation.view_teamfiling"
    template_name = "incubation/certificate.html"

    def get_context_data(self, **kwargs):
        filing = get_object_or_404(
            TeamFiling.objects.filter(number__isnull=False).select_related("organization"), pk=self.kwargs["pk"]
        )
        return super().get_context_data(filing=filing, **kwargs)


class AdmitView(StaffPermissionRequiredMixin, FormView):
    permission_required = "incubation.manage_incubation"
    form_class = AdmitForm
    template_name = "incubation/staff/admit.html"

    def get_initial(self):
        return {"organization": self.request.GET.get("organization"), "cohort": Cohort.objects.current()}

    def form_valid(self, form):
        try:
            incubation = services.admit_to_incubation(acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("%(organization)s is admitted to the incubation base.") % {
            "organization": incubation.organization})
        return redirect("incubation:staff-incubation", pk=incubation.pk)


class StaffIncubationView(StaffPermissionRequiredMixin, FormView):
    """One incubation: milestones, stage history; the form moves the stage on, with a reason."""

    permission_required = "incubation.manage_incubation"
    form_class = StageForm
    template_name = "incubation/staff/incubation.html"

    def get_incubation(self):
        return get_object_or_404(
            Incubation.objects.select_related("organization", "cohort", "mentor"), pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "incubation": self.get_incubation()}

    def get_context_data(self, **kwargs):
        incubation = self.get_incubation()
        return super().get_context_data(
            incubation=incubation,
            milestones=incubation.milestones.all(),
            changes=incubation.changes.select_related("changed_by"),
            graduation_form=GraduationForm() if incubation.can_graduate else None,
            sessions=SupportSession.objects.for_organization(incubation.organization_id).select_related("logged_by"),
            session_form=SupportSessionForm(),
            **kwargs,
        )

    def form_valid(self, form):
        incubation = self.get_incubation()
        try:
            services.change_stage(incubation, acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The stage has been changed."))
        return redirect("incubation:staff-incubation", pk=incubation.pk)


class LogSupportSessionView(StaffPermissionRequiredMixin, View):
    """Staff log a session of support (the 4f log) from the incubation's page."""

    permission_required = ("incubation.manage_incubation", "members.add_supportsession")

    def post(self, request, pk):
        incubation = get_object_or_404(Incubation.objects.select_related("organization"), pk=pk)
        form = SupportSessionForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError([error for errors in form.errors.values() for error in errors])
            services.log_support_session(incubation, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The session of support has been logged."))
        return redirect("incubation:staff-incubation", pk=pk)


class GraduateView(StaffPermissionRequiredMixin, View):
    permission_required = "incubation.manage_incubation"

    def post(self, request, pk):
        incubation = get_object_or_404(Incubation, pk=pk)
        form = GraduationForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError([error for errors in form.errors.values() for error in errors])
            services.graduate_organization(incubation, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(organization)s has graduated.") % {"organization": incubation.organization})
        return redirect("incubation:staff-incubation", pk=pk)
