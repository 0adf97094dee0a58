from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.pictures import SafeImageField
from members.models import Community

from .models import MAX_SCORE, Call, NeedResponse, Project, Review

UPDATE_PHOTOS = 3


class ProjectForm(forms.ModelForm):
    """An organization drafts or edits a proposal. The call can be any call open for proposals."""

    cover = SafeImageField(label=_("Cover image"), required=False)

    class Meta:
        model = Project
        fields = [
            "call",
            "title",
            "summary",
            "description",
            "service_field",
            "communities",
            "beneficiaries",
            "budget",
            "funding_source",
            "funding_amount",
            "starts_on",
            "ends_on",
            "party_building_3h",
            "party_building_5m",
            "cover",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.call_id
        self.fields["call"].queryset = Call.objects.filter(
            Q(pk__in=Call.objects.accepting().values("pk")) | Q(pk=current)
        ).order_by("closes_at")
        self.fields["call"].empty_label = _("No call yet")
        self.fields["call"].help_text = _("The call for proposals you will submit this project to.")
        self.fields["communities"].queryset = Community.objects.all()
        self.fields["communities"].widget = forms.CheckboxSelectMultiple(choices=self.fields["communities"].choices)
        for name in ("budget", "funding_amount"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "min": "0"})

    def clean(self):
        cleaned = super().clean()
        budget, amount = cleaned.get("budget"), cleaned.get("funding_amount")
        if budget is not None and budget < 0:
            self.add_error("budget", _("The budget cannot be negative."))
        if amount is not None and amount < 0:
            self.add_error("funding_amount", _("The amount cannot be negative."))
        return cleaned


class ProgressUpdateForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 5}))
    beneficiaries_reached = forms.IntegerField(
        label=_("Residents reached"),
        min_value=0,
        initial=0,
        help_text=_("How many residents the project served since the previous update."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, UPDATE_PHOTOS + 1):
            self.fields[f"photo{n}"] = SafeImageField(label=_("Photo %(n)d") % {"n": n}, required=False)

    @property
    def photos(self):
        return [self.cleaned_data.get(f"photo{n}") for n in range(1, UPDATE_PHOTOS + 1)]


score_widget = forms.NumberInput(attrs={"min": 0, "max": MAX_SCORE, "step": 1, "inputmode": "numeric"})


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["public_benefit", "operability", "coverage", "comment"]
        widgets = {
            "public_benefit": score_widget,
            "operability": score_widget,
            "coverage": score_widget,
            "comment": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "public_benefit": _("0–10: how much the community gains."),
            "operability": _("0–10: how realistic the plan, team and budget are."),
            "coverage": _("0–10: how many residents and communities it reaches."),
        }


class DecisionForm(forms.Form):
    class Decision:
        APPROVE = "approve"
        REJECT = "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Decision.APPROVE, _("Approve")), (Decision.REJECT, _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organization reads this. Required for a rejection."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.Decision.REJECT and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Please give a reason: the organization will read it."))
        return cleaned


class NeedResponseForm(forms.ModelForm):
    class Meta:
        model = NeedResponse
        fields = ["message", "project"]
        widgets = {"message": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.for_organization(organization).exclude(
            state=Project.State.REJECTED
        )
        self.fields["project"].empty_label = _("No project")
        self.fields["project"].help_text = _("Optional: one of your projects that meets this need.")
