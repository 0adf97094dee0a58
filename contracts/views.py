from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from core.pagination import ForgivingPaginator
from core.permissions import StaffPermissionRequiredMixin
from core.spreadsheets import spreadsheet_response
from members.permissions import OrganizationRequiredMixin

from . import exports, measures, services
from .forms import (
    INITIAL_INDICATORS,
    INITIAL_TRANCHES,
    ContractForm,
    EvaluatorsForm,
    IndicatorFormSet,
    PaymentForm,
    ResumeForm,
    SelfAssessmentForm,
    TrancheFormSet,
    VerdictForm,
)
from .models import Contract, ContractChange, Evaluation, Payment, RubricCriterion, Tranche


def _contract_details(queryset):
    """What a contract's page shows, in a fixed number of queries."""
    return queryset.select_related("project__organization").prefetch_related(
        "indicators",
        Prefetch("tranches", queryset=Tranche.objects.prefetch_related("payments")),
        Prefetch("evaluations", queryset=Evaluation.objects.prefetch_related("results__indicator", "attachments")),
    )


# Staff


class StaffContractListView(StaffPermissionRequiredMixin, ListView):
    """Every contract with its stage and what has been paid; ?overdue=1: those with an overdue self-assessment."""

    permission_required = "contracts.view_contract"
    template_name = "contracts/staff/contract_list.html"
    context_object_name = "contracts"
    paginate_by = 50
    paginator_class = ForgivingPaginator

    def get_queryset(self):
        contracts = Contract.objects.with_paid().select_related("project__organization").prefetch_related(
            "evaluations"
        )
        if self.request.GET.get("overdue"):
            contracts = contracts.overdue()
        return contracts.order_by("-signed_on", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(overdue_only=bool(self.request.GET.get("overdue")), **kwargs)


class StaffContractCreateView(StaffPermissionRequiredMixin, TemplateView):
    """Staff record a signed contract: particulars, indicators and tranches adding up to 100 %."""

    permission_required = "contracts.add_contract"
    template_name = "contracts/staff/contract_form.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ContractForm(initial={"project": self.request.GET.get("project")}))
        kwargs.setdefault("indicators", IndicatorFormSet(prefix="indicators", initial=INITIAL_INDICATORS))
        kwargs.setdefault("tranches", TrancheFormSet(prefix="tranches", initial=INITIAL_TRANCHES))
        return super().get_context_data(**kwargs)

    def post(self, request):
        form = ContractForm(request.POST)
        indicators = IndicatorFormSet(request.POST, prefix="indicators")
        tranches = TrancheFormSet(request.POST, prefix="tranches")
        if form.is_valid() and indicators.is_valid() and tranches.is_valid():
            data = form.cleaned_data
            try:
                contract = services.sign_contract(
                    data.pop("project"), acting_user=request.user, indicators=indicators.indicators(),
                    tranches=tranches.tranches(), **data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Contract %(number)s is signed.") % {"number": contract.number})
                return redirect(contract.get_absolute_url())
        context = self.get_context_data(form=form, indicators=indicators, tranches=tranches)
        return self.render_to_response(context)


class StaffContractMixin(StaffPermissionRequiredMixin):
    def get_contract(self):
        if not hasattr(self, "_contract"):
            self._contract = get_object_or_404(
                _contract_details(Contract.objects.with_paid()).prefetch_related("evaluators"), pk=self.kwargs["pk"]
            )
        return self._contract

    def get_context_data(self, **kwargs):
        return super().get_context_data(contract=self.get_contract(), **kwargs)


class StaffContractDetailView(StaffContractMixin, TemplateView):
    """The contract as staff see it: stage, indicators, tranches and payments, evaluations, history."""

    permission_required = "contracts.view_contract"
    template_name = "contracts/staff/contract_detail.html"

    def get_context_data(self, **kwargs):
        changes = ContractChange.objects.filter(contract=self.kwargs["pk"]).select_related("changed_by")
        return super().get_context_data(changes=changes, today=timezone.localdate(), **kwargs)


class StaffEvaluatorsView(StaffContractMixin, FormView):
    permission_required = "contracts.change_contract"
    template_name = "contracts/staff/evaluators_form.html"
    form_class = EvaluatorsForm

    def get_initial(self):
        return {"evaluators": list(self.get_contract().evaluators.all())}

    def form_valid(self, form):
        contract = self.get_contract()
        try:
            services.assign_evaluators(contract, list(form.cleaned_data["evaluators"]), acting_user=self.request.user)
        except ValidationError as error:
            form.add_error("evaluators", error)
            return self.form_invalid(form)
        messages.success(self.request, _("The evaluators are assigned."))
        return redirect(contract.get_absolute_url())


class StaffPaymentView(StaffContractMixin, FormView):
    """Record a payment on a payable tranche (the database refuses the others)."""

    permission_required = "contracts.add_payment"
    template_name = "contracts/staff/payment_form.html"
    form_class = PaymentForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "contract": self.get_contract()}

    def get_initial(self):
        payable = [tranche for tranche in self.get_contract().tranches.all() if tranche.is_unlocked]
        return {"paid_on": timezone.localdate(), "tranche": payable[-1] if payable else None}

    def form_valid(self, form):
        contract = self.get_contract()
        data = form.cleaned_data
        try:
            services.record_payment(data.pop("tranche"), acting_user=self.request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The payment is recorded."))
        return redirect(contract.get_absolute_url())


class StaffResumeView(StaffContractMixin, FormView):
    permission_required = "contracts.change_contract"
    template_name = "contracts/staff/resume_form.html"
    form_class = ResumeForm

    def form_valid(self, form):
        contract = self.get_contract()
        try:
            services.resume_contract(contract, acting_user=self.request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The contract is in service again."))
        return redirect(contract.get_absolute_url())


class StaffExportView(StaffPermissionRequiredMixin, TemplateView):
    """Contracts or payments as an Excel (or CSV) file."""

    permission_required = ("contracts.view_contract", "contracts.view_payment")

    def get(self, request, what, file_format):
        if what not in ("contracts", "payments"):
            raise Http404
        if what == "payments":
            payments = Payment.objects.select_related("tranche__contract__project__organization", "recorded_by")
            header, rows = exports.payment_rows(payments.order_by("paid_on", "pk"))
        else:
            contracts = Contract.objects.with_paid().select_related("project__organization").prefetch_related(
                "evaluations", "tranches"
            )
            header, rows = exports.contract_rows(contracts.order_by("signed_on", "pk"))
        filename = f"{what}-{timezone.localdate().isoformat()}"
        return spreadsheet_response(file_format, filename, header, rows, title=what)


# The organization's portal


class ManageContractListView(OrganizationRequiredMixin, ListView):
    template_name = "contracts/manage/contract_list.html"
    context_object_name = "contracts"

    def get_queryset(self):
        return (
            Contract.objects.for_organization(self.organization).with_paid()
            .select_related("project").prefetch_related("evaluations").order_by("-signed_on", "-pk")
        )


class ManageContractDetailView(OrganizationRequiredMixin, DetailView):
    """The organization's contract: indicators, tranches paid, evaluations with verdicts, and the self-assessment
    due now with its figures prefilled from the project's records (POST files it)."""

    template_name = "contracts/manage/contract_detail.html"
    context_object_name = "contract"

    def get_queryset(self):
        return _contract_details(Contract.objects.for_organization(self.organization).with_paid())

    def due_evaluation(self):
        return next((e for e in self.object.evaluations.all() if e.accepts_self_assessment), None)

    def get_form(self, evaluation, data=None, files=None):
        evaluation.contract = self.object
        return SelfAssessmentForm(data, files, prefilled=measures.prefilled_results(evaluation), initial={
            "narrative": evaluation.narrative,
        })

    def get_context_data(self, **kwargs):
        evaluation = self.due_evaluation()
        if evaluation is not None and "form" not in kwargs:
            kwargs["form"] = self.get_form(evaluation)
        return super().get_context_data(due=evaluation, today=timezone.localdate(), **kwargs)

    def post(self, request, pk):
        self.object = self.get_object()
        evaluation = self.due_evaluation()
        if evaluation is None:
            messages.error(request, _("No self-assessment is due."))
            return redirect("contracts:manage-detail", pk=pk)
        form = self.get_form(evaluation, request.POST, request.FILES)
        if form.is_valid():
            try:
                services.file_self_assessment(
                    evaluation, acting_user=request.user, narrative=form.cleaned_data["narrative"],
                    actuals=form.actuals(), attachments=form.attachments(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your self-assessment is filed; the evaluators are told."))
                return redirect("contracts:manage-detail", pk=pk)
        return self.render_to_response(self.get_context_data(form=form))


# Evaluators


class EvaluatorListView(LoginRequiredMixin, ListView):
    """The contracts assigned to the evaluator, with the evaluations waiting for a verdict."""

    template_name = "contracts/evaluator/contract_list.html"
    context_object_name = "contracts"

    def get_queryset(self):
        return (
            Contract.objects.assigned_to(self.request.user).select_related("project__organization")
            .prefetch_related("evaluations").order_by("-signed_on", "-pk")
        )


class EvaluateView(LoginRequiredMixin, FormView):
    """An evaluator reads the self-assessment and rules: rubric scores, 合格 / 整改 / 不合格 and a reason."""

    template_name = "contracts/evaluator/evaluate.html"
    form_class = VerdictForm

    def get_evaluation(self):
        if not hasattr(self, "_evaluation"):
            evaluations = Evaluation.objects.filter(contract__in=Contract.objects.assigned_to(self.request.user))
            self._evaluation = get_object_or_404(
                evaluations.select_related("contract__project__organization").prefetch_related(
                    "results__indicator", "attachments"
                ),
                pk=self.kwargs["pk"],
            )
            if self._evaluation.contract.has_evaluator_conflict(self.request.user):
                raise PermissionDenied(_("Your own organization runs this project: you cannot evaluate it."))
        return self._evaluation

    def get_form_kwargs(self):
        self.get_evaluation()
        return {**super().get_form_kwargs(), "criteria": list(RubricCriterion.objects.filter(is_active=True))}

    def get_context_data(self, **kwargs):
        evaluation = self.get_evaluation()
        return super().get_context_data(evaluation=evaluation, contract=evaluation.contract, **kwargs)

    def form_valid(self, form):
        evaluation = self.get_evaluation()
        data = form.cleaned_data
        try:
            services.rule_on_evaluation(
                evaluation, evaluator=self.request.user, scores=form.scores(), verdict=data["verdict"],
                reason=data["reason"], rectify_by=data["rectify_by"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your verdict is recorded; the organization and the street office are told."))
        return redirect("contracts:evaluator-list")
