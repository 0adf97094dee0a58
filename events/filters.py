from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from members.filters import StyledFilterSet
from members.models import Community, Organization

from .models import DUTY_TIME_ZONE, Event, Registration


def day_start(day):
    """The first instant of a day in Shanghai time."""
    return datetime.combine(day, time.min, tzinfo=DUTY_TIME_ZONE)


class EventFilter(StyledFilterSet):
    """The public calendar's filters. Without a date range only events that have not ended are listed.

    django-filter has no Chinese catalog, so every label is ours.
    """

    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Event.Kind.choices, empty_label=_("All kinds"))
    community = django_filters.ModelChoiceFilter(
        label=_("Community"), queryset=Community.objects.all(), empty_label=_("All communities")
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organizer"), queryset=Organization.objects.public(), empty_label=_("All organizers")
    )
    # Days in Shanghai time, as ranges of the stored start: the (starts_at, id) index answers them (a date of
    # each event's start would be computed row by row).
    date_from = django_filters.DateFilter(
        label=_("From"), method="filter_from", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label=_("To"), method="filter_to", widget=DateInput()
    )

    class Meta:
        model = Event
        fields = []

    # Above this many organizers a drop-down outweighs the page (a city has thousands): residents then find an
    # organizer by name through the search box, and links with ?organization= keep working.
    ORGANIZER_CHOICES_LIMIT = 60

    def __init__(self, data=None, *args, **kwargs):
        # Always bound, so that the "upcoming only" default applies to the plain /events/ page too.
        super().__init__(data if data is not None else {}, *args, **kwargs)
        listed = Event.objects.listed().filter(organization=OuterRef("pk"))
        organizers = Organization.objects.public().filter(Exists(listed)).order_by("name").values_list("pk", "name")
        shown = list(organizers[: self.ORGANIZER_CHOICES_LIMIT + 1])
        field = self.form.fields["organization"]
        if len(shown) > self.ORGANIZER_CHOICES_LIMIT:
            field.widget = forms.HiddenInput()
        else:
            field.widget.choices = [("", field.empty_label), *shown]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_from(self, queryset, name, value):
        return queryset.filter(starts_at__gte=day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(starts_at__lt=day_start(value + timedelta(days=1)))

    def filter_queryset(self, queryset):
        cleaned = self.form.cleaned_data
        if not cleaned.get("date_from") and not cleaned.get("date_to"):
            queryset = queryset.upcoming()
        return super().filter_queryset(queryset)


class ManageRegistrationFilter(StyledFilterSet):
    """Filters of an organizer's list of sign-ups across its events."""

    event = django_filters.ModelChoiceFilter(
        label=_("Event"), queryset=Event.objects.none(), empty_label=_("All events")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Registration.Status.choices, empty_label=_("Any status")
    )
    upcoming = django_filters.BooleanFilter(
        label=_("Upcoming events only"),
        method="filter_upcoming",
        widget=django_filters.widgets.forms.CheckboxInput,
    )

    class Meta:
        model = Registration
        fields = []

    def __init__(self, *args, events=None, **kwargs):
        super().__init__(*args, **kwargs)
        if events is not None:
            self.filters["event"].queryset = events
            self.form.fields["event"].queryset = events

    def filter_upcoming(self, queryset, name, value):
        return queryset.filter(event__ends_at__gte=timezone.now()) if value else queryset
