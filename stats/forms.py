from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from members.models import Community

from .figures import Period, current_year, last_ended_quarter, local_today, periods

FIRST_YEAR = 2015  # the federation's records start with the street's first registered organizations


class StatsFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=Community.objects.order_by("name"), required=False,
        empty_label=_("All communities"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = current_year()
        self.fields["year"].choices = [(year, str(year)) for year in range(this_year, FIRST_YEAR - 1, -1)]

    def filter_values(self):
        """(year, community) from valid input; the current year and all communities otherwise."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("year") or current_year(), data.get("community")


class PeriodForm(forms.Form):
    """A period of days (both included), by default from the first of January to today."""

    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period must not be before its start."))
        return cleaned

    def period(self):
        """(since, until) from valid input, the defaults for what is missing; the defaults for invalid input."""
        today = local_today()
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("since") or date(today.year, 1, 1), data.get("until") or today


class PeriodChoiceForm(forms.Form):
    """A quarter, a half or a year that has begun (figures.periods); by default the last quarter that ended."""

    period = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(str(period), str(period)) for period in periods()]

    def chosen(self):
        data = self.cleaned_data if self.is_valid() else {}
        return Period.parse(data["period"]) if data.get("period") else last_ended_quarter()
