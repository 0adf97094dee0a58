import django_filters
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Community, Organization, ServiceField


def star_choices():
    # A callable, so the labels are translated per request rather than once at import.
    return [(n, gettext("%(n)d stars or more") % {"n": n}) for n in range(1, 6)]


class StyledFilterSet(django_filters.FilterSet):
    """A FilterSet whose form widgets carry Bootstrap's classes (for every public list page)."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            input_type = getattr(field.widget, "input_type", None)
            css = {"checkbox": "form-check-input", "select": "form-select"}.get(input_type, "form-control")
            field.widget.attrs.setdefault("class", css)
        return form


class OrganizationFilter(StyledFilterSet):
    """The public directory's filters. django-filter has no Chinese catalog, so every label is ours."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    org_type = django_filters.ChoiceFilter(
        label=_("Type"), choices=Organization.Type.choices, empty_label=_("All types")
    )
    service_field = django_filters.ModelChoiceFilter(
        label=_("Service field"),
        field_name="service_fields",
        queryset=ServiceField.objects.all(),
        empty_label=_("All fields"),
    )
    community = django_filters.ModelChoiceFilter(
        label=_("Community"),
        field_name="communities",
        queryset=Community.objects.all(),
        empty_label=_("All communities"),
    )
    stars = django_filters.ChoiceFilter(
        label=_("Star rating"),
        field_name="star_rating",
        lookup_expr="gte",
        choices=star_choices,
        empty_label=_("Any rating"),
    )
    members_only = django_filters.BooleanFilter(
        label=_("Members only"), method="filter_members", widget=django_filters.widgets.forms.CheckboxInput
    )
    incubating = django_filters.BooleanFilter(
        label=_("Incubating"), method="filter_incubating", widget=django_filters.widgets.forms.CheckboxInput
    )

    class Meta:
        model = Organization
        fields = []

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_members(self, queryset, name, value):
        return queryset.members() if value else queryset

    def filter_incubating(self, queryset, name, value):
        return queryset.incubating() if value else queryset

    def filter_queryset(self, queryset):
        # Filtering across many-to-many fields can repeat rows.
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("service_field") or self.form.cleaned_data.get("community"):
            queryset = queryset.distinct()
        return queryset
