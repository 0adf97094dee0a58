from django import forms
from django.utils.translation import gettext_lazy as _

from stats import figures

from .models import ReportTemplate


class ReportForm(forms.Form):
    """A period (a quarter, a half or a year that has begun) and a template; by default the last quarter that
    ended and the default template."""

    period = forms.ChoiceField(label=_("Period"), required=False)
    template = forms.ModelChoiceField(label=_("Template"), queryset=ReportTemplate.objects.all(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(str(period), str(period)) for period in figures.periods()]
        self.fields["period"].initial = str(figures.last_ended_quarter())
        self.fields["template"].initial = ReportTemplate.objects.default()

    def values(self):
        """(period, template) from valid input; the defaults otherwise (None when there is no template)."""
        data = self.cleaned_data if self.is_valid() else {}
        period = figures.Period.parse(data.get("period") or self.fields["period"].initial)
        return period, data.get("template") or self.fields["template"].initial
