import django_filters
from django.utils.translation import gettext_lazy as _

from core.caching import cached
from members.filters import StyledFilterSet
from members.models import Community, ServiceField

from .models import CommunityNeed, FundingSource, Project


def project_years():
    """The years in which public projects started, newest first (cached until a project or organization changes)."""

    def years():
        dates = Project.objects.public().filter(starts_on__isnull=False).dates("starts_on", "year", order="DESC")
        return [(day.year, str(day.year)) for day in dates]

    return cached("project-years", years, families=("members", "projects"))


class ProjectFilter(StyledFilterSet):
    """The showcase's filters. django-filter has no Chinese catalog, so every label is ours."""

    class Mark:
        BRAND = "brand"
        SELECTED = "selected"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    service_field = django_filters.ChoiceFilter(
        label=_("Service field"), choices=ServiceField.Code.choices, empty_label=_("All fields")
    )
    community = django_filters.ModelChoiceFilter(
        label=_("Community"),
        field_name="communities",
        queryset=Community.objects.all(),
        empty_label=_("All communities"),
    )
    funding_source = django_filters.ChoiceFilter(
        label=_("Funding source"), choices=FundingSource.choices, empty_label=_("All sources")
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[(state.value, state.label) for state in Project.PUBLIC_STATES],
        empty_label=_("Any state"),
    )
    mark = django_filters.ChoiceFilter(
        label=_("Brand or selected"),
        choices=[(Mark.BRAND, _("Brand projects")), (Mark.SELECTED, _("Selected projects"))],
        empty_label=_("All projects"),
        method="filter_mark",
    )
    year = django_filters.ChoiceFilter(
        label=_("Year"), field_name="starts_on", lookup_expr="year", choices=project_years, empty_label=_("Any year")
    )

    class Meta:
        model = Project
        fields = []

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_mark(self, queryset, name, value):
        if value == self.Mark.BRAND:
            return queryset.filter(is_brand=True)
        if value == self.Mark.SELECTED:
            return queryset.filter(is_selected=True)
        return queryset

    def filter_queryset(self, queryset):
        # Filtering across the communities many-to-many field can repeat rows.
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("community"):
            queryset = queryset.distinct()
        return queryset


class NeedFilter(StyledFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=CommunityNeed.State.choices, empty_label=_("Any state")
    )
    community = django_filters.ModelChoiceFilter(
        label=_("Community"), queryset=Community.objects.all(), empty_label=_("All communities")
    )
    service_field = django_filters.ChoiceFilter(
        label=_("Service field"), choices=ServiceField.Code.choices, empty_label=_("All fields")
    )

    class Meta:
        model = CommunityNeed
        fields = []
