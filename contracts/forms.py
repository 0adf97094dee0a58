from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, ReasonForm
from core.pictures import SafeImageField
from projects.models import Project

from . import services
from .models import EVALUATOR_GROUP, Contract, Evaluation, Indicator, Tranche

ATTACHMENTS = 3
DATE = DateInput()


class ContractForm(forms.ModelForm):
    """Staff record a signed contract: the project, the contract's particulars and the evaluations' due dates."""

    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.filter(state__in=Project.PUBLIC_STATES).select_related("organization").order_by(
            "title"
        ),
    )
    midterm_due_on = forms.DateField(
        label=_("Mid-term self-assessment due on"), required=False, widget=DATE,
        help_text=_("Needed when a tranche waits for the mid-term evaluation."),
    )
    final_due_on = forms.DateField(
        label=_("Final self-assessment due on"), required=False, widget=DATE,
        help_text=_("Empty: the day the service ends."),
    )

    class Meta:
        model = Contract
        fields = ["project", "purchaser", "number", "signed_on", "starts_on", "ends_on", "amount"]
        widgets = {"signed_on": DATE, "starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Today is the default (a callable): no hidden copy of it, which would carry the error's aria-describedby.
        self.fields["signed_on"].show_hidden_initial = False


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "target", "measure"]


class TrancheForm(forms.ModelForm):
    class Meta:
        model = Tranche
        fields = ["percent", "condition"]


class BaseTrancheFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        try:
            services.check_tranches(self.tranches())
        except ValidationError as error:
            raise ValidationError(error.messages) from None

    def tranches(self):
        return [form.cleaned_data for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


class BaseIndicatorFormSet(forms.BaseFormSet):
    def indicators(self):
        return [form.cleaned_data for form in self.forms if form.cleaned_data]


IndicatorFormSet = forms.formset_factory(
    IndicatorForm, formset=BaseIndicatorFormSet, extra=0, min_num=1, validate_min=True, max_num=10
)
TrancheFormSet = forms.formset_factory(
    TrancheForm, formset=BaseTrancheFormSet, extra=0, min_num=1, validate_min=True, max_num=3
)

# What a new contract's form starts from: the article's example (服务人次 ≥ 1,200; 活动 ≥ 24 场; 满意度 ≥ 90 %;
# 40 % on signing / 30 % after a mid-term pass / 30 % after a final pass).
INITIAL_INDICATORS = [
    {"name": "服务人次", "unit": "人次", "target": 1200, "measure": Indicator.Measure.ATTENDANCE},
    {"name": "活动场次", "unit": "场", "target": 24, "measure": Indicator.Measure.ACTIVITIES},
    {"name": "满意度", "unit": "%", "target": 90, "measure": Indicator.Measure.MANUAL},
]
INITIAL_TRANCHES = [
    {"percent": 40, "condition": Tranche.Condition.SIGNING},
    {"percent": 30, "condition": Tranche.Condition.MIDTERM},
    {"percent": 30, "condition": Tranche.Condition.FINAL},
]


class EvaluatorsForm(forms.Form):
    evaluators = forms.ModelMultipleChoiceField(
        label=_("Evaluators"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People of the third-party evaluation agency; nobody who works for the project's organization."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluators"].queryset = (
            get_user_model().objects.filter(groups__name=EVALUATOR_GROUP, is_active=True).order_by("username")
        )
        self.fields["evaluators"].label_from_instance = lambda user: user.get_full_name() or user.username


class PaymentForm(forms.Form):
    tranche = forms.ModelChoiceField(label=_("Tranche"), queryset=Tranche.objects.none())
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=12, decimal_places=2, min_value=0.01)
    voucher = forms.CharField(label=_("Voucher number"), max_length=50)

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tranche"].queryset = contract.tranches.all()


class SelfAssessmentForm(forms.Form):
    """Each indicator's actual figure, prefilled from the portal's records, and the narrative."""

    narrative = forms.CharField(
        label=_("What the service achieved"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Activities, results, difficulties, and what comes next. The evaluators read it."),
    )

    def __init__(self, *args, prefilled, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = []
        for indicator, figure in prefilled:
            name = f"indicator_{indicator.pk}"
            field = forms.DecimalField(
                label=f"{indicator.name}（{indicator.unit}）", max_digits=12, decimal_places=2, min_value=0,
                initial=figure,
            )
            self.fields[name] = field
            self.indicators.append((name, indicator, figure))
        for n in range(1, ATTACHMENTS + 1):
            self.fields[f"attachment{n}"] = SafeImageField(
                label=_("Attachment %(n)d") % {"n": n}, required=False,
                help_text=_(
                    "A photo or scan of the ledger, a sign-in sheet or a receipt: JPEG, PNG, GIF or WebP, at most 2 MB."
                ),
            )
        self.order_fields([name for name, _indicator, _figure in self.indicators] + ["narrative"])

    def actuals(self):
        return {indicator.pk: self.cleaned_data[name] for name, indicator, _figure in self.indicators}

    def attachments(self):
        return [self.cleaned_data.get(f"attachment{n}") for n in range(1, ATTACHMENTS + 1)]


class VerdictForm(forms.Form):
    """The evaluator's rubric scores, verdict and reason."""

    verdict = forms.ChoiceField(label=_("Verdict"), choices=Evaluation.Verdict.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organization and the street office read this."),
    )
    rectify_by = forms.DateField(
        label=_("Rectify by"), required=False, widget=DATE, help_text=_("Needed for 整改 (rectify).")
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = []
        for criterion in criteria:
            name = f"criterion_{criterion.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"{criterion.name}（0–{criterion.max_points}）", min_value=0, max_value=criterion.max_points,
                help_text=criterion.description,
            )
            self.criteria.append((name, criterion))
        self.order_fields([name for name, _criterion in self.criteria] + ["verdict", "reason", "rectify_by"])

    def scores(self):
        return {criterion.pk: self.cleaned_data[name] for name, criterion in self.criteria}


class ResumeForm(ReasonForm):
    pass
