"""Figures of the incubation base: one definition each, for its staff page and the statistics pages (stats)."""

from collections import Counter

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone

from members.models import Membership

from .models import Incubation, Milestone, TeamFiling

SERIES_YEARS = 6


def pipeline_by_stage():
    """Incubations per stage, every stage listed: [(stage, count)]. One query."""
    counts = dict(Incubation.objects.values("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    return [(stage, counts.get(stage.value, 0)) for stage in Incubation.Stage]


def filed_by_category_and_community():
    """Teams on file now per category and per community they serve: ({category: n}, [(community name, n)]).
    Two queries."""
    filed = TeamFiling.objects.filed()
    by_category = dict(filed.values("category").annotate(n=Count("pk")).values_list("category", "n"))
    by_community = list(
        filed.values("communities__name").annotate(n=Count("pk")).order_by("-n", "communities__name")
        .values_list("communities__name", "n")
    )
    return (
        [(category, by_category.get(category.value, 0)) for category in TeamFiling.Category],
        [(name, n) for name, n in by_community if name],
    )


def filed_registered_member_by_year(until=None):
    """The incubation base's growth, per year of the last SERIES_YEARS: teams filed that year, organizations that
    graduated from the base on registering that year, and graduates that became members that year.
    Rows: year, filed, registered, members. Three queries."""
    until = until or timezone.localdate().year
    years = list(range(until - SERIES_YEARS + 1, until + 1))
    filed = Counter(
        dict(
            TeamFiling.objects.filter(filed_on__year__in=years)
            .annotate(year=ExtractYear("filed_on")).values("year").annotate(n=Count("pk")).values_list("year", "n")
        )
    )
    graduated = Counter(
        dict(
            Incubation.objects.graduated().filter(graduated_on__year__in=years)
            .annotate(year=ExtractYear("graduated_on")).values("year").annotate(n=Count("pk"))
            .values_list("year", "n")
        )
    )
    members = Counter(
        dict(
            Membership.objects.filter(
                organization__incubation__stage=Incubation.Stage.GRADUATED, joined_on__year__in=years
            )
            .annotate(year=ExtractYear("joined_on")).values("year").annotate(n=Count("pk"))
            .values_list("year", "n")
        )
    )
    return [
        {"year": year, "filed": filed[year], "registered": graduated[year], "members": members[year]}
        for year in years
    ]


def overdue_milestones(today=None):
    return (
        Milestone.objects.overdue(today)
        .select_related("incubation__organization")
        .order_by("due_on", "pk")
    )
