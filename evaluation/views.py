import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from core.permissions import StaffPermissionRequiredMixin, has_staff_permission
from members.models import Organization
from members.permissions import OrganizationRequiredMixin, organization_of

from . import services
from .dossiers import entries_of, sections
from .forms import AssessmentFormSet, OpenCycleForm, SelfScoreFormSet
from .models import Cycle, Dossier, Entry

EXPIRY_DAYS = 90


def _dossiers():
    return Dossier.objects.select_related("cycle__scheme", "organization", "not_assessed_because")


# The organization's portal


class ManageDossierListView(OrganizationRequiredMixin, ListView):
    """The organization's dossiers, newest cycle first: what to fill in, what was published."""

    template_name = "evaluation/manage/dossier_list.html"
    context_object_name = "dossiers"

    def get_queryset(self):
        return _dossiers().for_organization(self.organization).order_by("-cycle__period_end", "-pk")


class ManageDossierView(OrganizationRequiredMixin, TemplateView):
    """The organization's dossier: each leaf with its self-score, its evidence and what the portal's records show;
    editable until submitted or the deadline; the assessor's scores once the results are published."""

    template_name = "evaluation/manage/dossier_detail.html"

    def get_dossier(self):
        return get_object_or_404(_dossiers().for_organization(self.organization), pk=self.kwargs["pk"])

    def get_context_data(self, formset=None, **kwargs):
        dossier = self.get_dossier()
        if formset is None and dossier.is_editable_by_organization():
            formset = SelfScoreFormSet(queryset=entries_of(dossier))
        missing = sum(1 for entry in dossier.entries.all() if entry.self_score is None)
        return super().get_context_data(
            dossier=dossier, formset=formset, areas=sections(dossier, formset), missing=missing, **kwargs
        )

    def post(self, request, pk):
        dossier = self.get_dossier()
        formset = SelfScoreFormSet(request.POST, request.FILES, queryset=entries_of(dossier))
        if not formset.is_valid():
            return self.render_to_response(self.get_context_data(formset=formset))
        try:
            changes = [(form.instance, form.cleaned_data) for form in formset.forms if form.has_changed()]
            services.save_self_assessment(dossier, changes, acting_user=request.user)
            if "submit" in request.POST:
                services.submit_self_assessment(dossier, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("evaluation:manage-detail", pk=dossier.pk)
        submitted = "submit" in request.POST
        messages.success(request, _("Submitted to the assessor.") if submitted else _("Your self-assessment is saved."))
        return redirect("evaluation:manage-detail", pk=dossier.pk)


# Assessors


class AssessListView(LoginRequiredMixin, ListView):
    """The dossiers assigned to the assessor."""

    template_name = "evaluation/assess/dossier_list.html"
    context_object_name = "dossiers"

    def get_queryset(self):
        return _dossiers().assigned_to(self.request.user).order_by("-cycle__period_end", "organization__name")


class AssessDossierView(LoginRequiredMixin, TemplateView):
    """The assessor scores each leaf, with a reason for each deduction, then finishes the assessment."""

    template_name = "evaluation/assess/dossier_form.html"

    def get_dossier(self):
        dossier = get_object_or_404(_dossiers().assigned_to(self.request.user), pk=self.kwargs["pk"])
        if services.assessor_conflict(dossier, self.request.user):
            raise PermissionDenied(_("You work for this organization and cannot assess it."))
        return dossier

    def get_context_data(self, formset=None, **kwargs):
        dossier = self.get_dossier()
        if formset is None and dossier.is_ready_for_assessment():
            formset = AssessmentFormSet(queryset=entries_of(dossier))
        return super().get_context_data(dossier=dossier, formset=formset, areas=sections(dossier, formset), **kwargs)

    def post(self, request, pk):
        dossier = self.get_dossier()
        formset = AssessmentFormSet(request.POST, queryset=entries_of(dossier))
        if not formset.is_valid():
            return self.render_to_response(self.get_context_data(formset=formset))
        scores = [(form.instance, form.cleaned_data.get("score"), form.cleaned_data.get("reason")) for form in formset]
        try:
            services.record_assessment(dossier, scores, acting_user=request.user, finish="finish" in request.POST)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("evaluation:assess-dossier", pk=dossier.pk)
        messages.success(
            request, _("The assessment is finished.") if "finish" in request.POST else _("Your scores are saved.")
        )
        return redirect("evaluation:assess-dossier", pk=dossier.pk)


class EvidenceFileView(LoginRequiredMixin, View):
    """An evidence file, for those who may read the dossier: the organization's people, its assessor (without a
    conflict of interest), staff who may view dossiers. Anyone else: 404. The link never shows the file's address."""

    def get(self, request, pk):
        entry = get_object_or_404(Entry.objects.select_related("dossier"), pk=pk)
        dossier, user = entry.dossier, request.user
        organization = organization_of(user)
        allowed = (
            (organization is not None and organization.pk == dossier.organization_id)
            or (dossier.assessor_id == user.pk and not services.assessor_conflict(dossier, user))
            or has_staff_permission(user, "evaluation.view_dossier")
        )
        if not allowed or not entry.evidence_file:
            raise Http404
        return FileResponse(entry.evidence_file.open("rb"), as_attachment=True,
                            filename=f"{dossier.organization.pk}-{entry.indicator_id}{_suffix(entry)}")


def _suffix(entry):
    from pathlib import PurePath

    return PurePath(entry.evidence_file.name).suffix


# Staff


class CycleListView(StaffPermissionRequiredMixin, ListView):
    """Cycles with their progress, and the grades and star ratings expiring within 90 days."""

    permission_required = "evaluation.view_cycle"
    template_name = "evaluation/staff/cycle_list.html"
    context_object_name = "cycles"

    def get_queryset(self):
        return Cycle.objects.select_related("scheme").annotate(
            dossier_count=Count("dossiers"),
            assessed_count=Count("dossiers", filter=Q(dossiers__assessed_at__isnull=False)),
            excluded_count=Count("dossiers", filter=Q(dossiers__not_assessed_because__isnull=False)),
        )

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=EXPIRY_DAYS)
        expiring = Organization.objects.filter(
            Q(grade__gt=0, grade_valid_until__range=(today, soon))
            | Q(star_rating__gt=0, star_rating_valid_until__range=(today, soon))
        ).order_by("name").only("name", "slug", "grade", "grade_valid_until", "star_rating", "star_rating_valid_until")
        return super().get_context_data(expiring=expiring, days=EXPIRY_DAYS, **kwargs)


class OpenCycleView(StaffPermissionRequiredMixin, FormView):
    permission_required = "evaluation.add_cycle"
    form_class = OpenCycleForm
    template_name = "evaluation/staff/cycle_form.html"

    def form_valid(self, form):
        try:
            cycle = services.open_cycle(acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The cycle is open; the organizations have been told."))
        return redirect("evaluation:cycle", pk=cycle.pk)


class CycleDetailView(StaffPermissionRequiredMixin, TemplateView):
    permission_required = "evaluation.view_cycle"
    template_name = "evaluation/staff/cycle_detail.html"

    def get_context_data(self, **kwargs):
        cycle = get_object_or_404(Cycle.objects.select_related("scheme"), pk=self.kwargs["pk"])
        dossiers = (
            cycle.dossiers.select_related("organization", "assessor", "not_assessed_because")
            .annotate(missing=Count("entries", filter=Q(entries__self_score__isnull=True)))
            .order_by("organization__name")
        )
        for dossier in dossiers:
            dossier.cycle = cycle  # for status() and result_label without a query each
        return super().get_context_data(
            cycle=cycle, dossiers=dossiers, can_publish=self.request.user.has_perm("evaluation.publish_cycle"),
            **kwargs,
        )


class PublishCycleView(StaffPermissionRequiredMixin, View):
    permission_required = "evaluation.publish_cycle"

    def post(self, request, pk):
        cycle = get_object_or_404(Cycle, pk=pk)
        try:
            services.publish_cycle(cycle, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The results are published."))
        return redirect("evaluation:cycle", pk=pk)
