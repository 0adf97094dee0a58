from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Community

from .figures import current_year

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
