from django import forms
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from members.models import Organization

from .models import EVIDENCE_MAX_BYTES, Entry, Scheme


class SelfScoreForm(forms.ModelForm):
    """One leaf of the organization's self-assessment."""

    class Meta:
        model = Entry
        fields = ["self_score", "evidence_text", "evidence_file"]
        widgets = {"evidence_text": forms.Textarea(attrs={"rows": 2})}

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload and getattr(upload, "size", 0) > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload

    def clean_self_score(self):
        score = self.cleaned_data.get("self_score")
        if score is not None and not 0 <= score <= self.instance.indicator.max_points:
            raise forms.ValidationError(
                _("Between 0 and %(max)s.") % {"max": self.instance.indicator.max_points}
            )
        return score


class AssessmentForm(forms.ModelForm):
    """One leaf of the assessor's scores."""

    class Meta:
        model = Entry
        fields = ["score", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        data = super().clean()
        score, maximum = data.get("score"), self.instance.indicator.max_points
        if score is not None and not 0 <= score <= maximum:
            self.add_error("score", _("Between 0 and %(max)s.") % {"max": maximum})
        elif score is not None and score < maximum and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the deduction."))
        return data


SelfScoreFormSet = modelformset_factory(Entry, form=SelfScoreForm, extra=0)
AssessmentFormSet = modelformset_factory(Entry, form=AssessmentForm, extra=0)


class OpenCycleForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.all())
    name = forms.CharField(label=_("Name"), max_length=120)
    period_start = forms.DateField(
        label=_("Period from"), widget=DateInput()
    )
    period_end = forms.DateField(
        label=_("Period until"), widget=DateInput()
    )
    deadline = forms.DateTimeField(
        label=_("Self-scoring deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Shanghai time."),
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Participating organizations"),
        queryset=Organization.objects.members().order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
