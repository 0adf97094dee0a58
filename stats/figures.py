"""The federation's figures from live data, as plain functions for the statistics pages and the home page.

Every function aggregates in the database with a fixed number of queries, whatever the amount of
data. Months and years are counted in Shanghai time (an event at 23:30 on 31 January, Shanghai
time, belongs to January; one at 00:10 on 1 February belongs to February, though it is still 31 January in UTC).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.caching import cached
from events import compliance
from events.models import DUTY_TIME_ZONE, Event, EventReport, month_bounds
from members.models import Community, Membership, MembershipChange, Organization, ServiceField
from projects.models import FundingSource, Project

# Kinds of organization that are registered with the civil affairs bureau (community teams are only filed).
REGISTERED_TYPES = [Organization.Type.SOCIAL_GROUP, Organization.Type.SERVICE_AGENCY, Organization.Type.FOUNDATION]


@dataclass(frozen=True)
class Filters:
    """What the statistics pages are narrowed to: a calendar year and optionally one community."""

    year: int
    community: Community | None = None


def current_year():
    return timezone.localdate().year


def percentage(part, whole):
    """part / whole in per cent, one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


def year_months(year, now=None):
    """The first days of the months of a year, up to the current month when the year is the current one."""
    current = compliance.this_month(now)
    months = [date(year, month, 1) for month in range(1, 13)]
    return [month for month in months if month <= current]


def _local_month(value):
    """A TruncMonth result (aware datetime or date, depending on the database) as the first day of the month."""
    if hasattr(value, "astimezone") and timezone.is_aware(value):
        value = value.astimezone(DUTY_TIME_ZONE)
    return date(value.year, value.month, 1)


def _year_bounds(year):
    start, _ = month_bounds(year, 1)
    _, end = month_bounds(year, 12)
    return start, end


# Members and organizations (several years, not narrowed by the filters)


def member_units_by_year(until=None):
    """Member units at the end of each year: memberships joined by then, less those withdrawn by then.

    Joins come from the membership's joined date; departures from the membership history
    (changes to withdrawn). Rows: year, joined, left, total. Two queries.
    """
    until = until or current_year()
    joined = dict(
        Membership.objects.filter(joined_on__isnull=False, joined_on__year__lte=until)
        .values_list("joined_on__year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    left = dict(
        MembershipChange.objects.filter(
            to_status=Membership.Status.WITHDRAWN,
            from_status__in=[Membership.Status.ACTIVE, Membership.Status.SUSPENDED],
        )
        .annotate(year=ExtractYear("changed_at", tzinfo=DUTY_TIME_ZONE))
        .filter(year__lte=until)
        .values_list("year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    if not joined:
        return []
    rows, total = [], 0
    for year in range(min(joined), until + 1):
        total += joined.get(year, 0) - left.get(year, 0)
        rows.append({"year": year, "joined": joined.get(year, 0), "left": left.get(year, 0), "total": total})
    return rows


def organizations_by_year(until=None):
    """Registered social organizations by registration year (community teams excluded), cumulative,
    with the growth rate on the year before and the share with a government-funded background.

    Rows: year, registered (that year), total, growth (per cent or None), government_funded (cumulative),
    government_share (per cent of the total). One query.
    """
    until = until or current_year()
    per_year = (
        Organization.objects.filter(
            org_type__in=REGISTERED_TYPES, founded_on__isnull=False, founded_on__year__lte=until
        )
        .values_list("founded_on__year")
        .annotate(n=Count("pk"), funded=Count("pk", filter=Q(government_funded=True)))
        .order_by()
    )
    counts = {year: (n, funded) for year, n, funded in per_year}
    if not counts:
        return []
    rows, total, funded_total = [], 0, 0
    for year in range(min(counts), until + 1):
        registered, funded = counts.get(year, (0, 0))
        previous = total
        total += registered
        funded_total += funded
        rows.append(
            {
                "year": year,
                "registered": registered,
                "total": total,
                "growth": percentage(total - previous, previous),
                "government_funded": funded_total,
                "government_share": percentage(funded_total, total),
            }
        )
    return rows


# Events and reports (one year, optionally one community)


def _events(filters):
    start, end = _year_bounds(filters.year)
    events = Event.objects.listed().filter(starts_at__gte=start, starts_at__lt=end)
    if filters.community is not None:
        events = events.filter(community=filters.community)
    return events


def events_by_month_and_kind(filters, now=None):
    """Published and completed events per month of the year and kind, by start in Shanghai time.

    Returns (months, kinds, counts) where counts[(month, kind)] is the number. One query.
    """
    rows = (
        _events(filters)
        .annotate(month=TruncMonth("starts_at", tzinfo=DUTY_TIME_ZONE))
        .values_list("month", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {(_local_month(month), kind): n for month, kind, n in rows}
    return year_months(filters.year, now), list(Event.Kind), counts


def beneficiaries_by_month(filters, now=None):
    """Beneficiaries served per month (after-event reports of the year's events). One query.

    Rows: month, events (reported), beneficiaries, attendance.
    """
    start, end = _year_bounds(filters.year)
    reports = EventReport.objects.filter(event__starts_at__gte=start, event__starts_at__lt=end)
    if filters.community is not None:
        reports = reports.filter(event__community=filters.community)
    per_month = {
        _local_month(month): (events, served, attendance)
        for month, events, served, attendance in reports.annotate(
            month=TruncMonth("event__starts_at", tzinfo=DUTY_TIME_ZONE)
        )
        .values_list("month")
        .annotate(events=Count("pk"), served=Sum("beneficiaries_served"), attendance=Sum("attendance"))
        .values_list("month", "events", "served", "attendance")
        .order_by()
    }
    keys = ("month", "events", "beneficiaries", "attendance")
    return [
        dict(zip(keys, (month, *per_month.get(month, (0, 0, 0))), strict=True))
        for month in year_months(filters.year, now)
    ]


def activity_counts_by_community(filters):
    """Community public-benefit activities (published or completed) in the year: {community id: count} for the
    communities that have any. One query, on the year's events only.
    """
    activities = _events(filters).filter(kind=Event.Kind.COMMUNITY_ACTIVITY, community__isnull=False)
    return dict(activities.values_list("community").annotate(n=Count("pk")).order_by())


def activities_by_community(filters, communities=None, counts=None):
    """Community public-benefit activities per community in the year, fewest first: the under-served
    communities lead. Rows: community, activities.

    `communities` (by name) and `counts` (`activity_counts_by_community`) when the caller has them already;
    a query for each otherwise.
    """
    if filters.community is not None:
        communities = [filters.community]
    elif communities is None:
        communities = Community.objects.order_by("name")
    if counts is None:
        counts = activity_counts_by_community(filters)
    rows = [{"community": community, "activities": counts.get(community.pk, 0)} for community in communities]
    return sorted(rows, key=lambda row: row["activities"])  # stable: by name among equals


def compliance_by_month(filters, now=None):
    """The monthly-duty compliance rate: members that held at least one counted activity, per month.

    One aggregate query per month of the year (at most twelve), through events.compliance.month_totals.
    Rows: month, members, met, rate, is_current (the month in progress: its rate is the rate so far).
    """
    rows = []
    current = compliance.this_month(now)
    for month in year_months(filters.year, now):
        totals = compliance.month_totals(month)
        members, met = totals["members"], totals["members"] - totals["below"]
        rows.append(
            {
                "month": month,
                "members": members,
                "met": met,
                "rate": percentage(met, members),
                "is_current": month == current,
            }
        )
    return rows


# Projects (one year by start date, optionally one community)


def _projects(filters):
    projects = Project.objects.public().filter(starts_on__year=filters.year)
    if filters.community is not None:
        projects = projects.filter(communities=filters.community)
    return projects


def projects_by_field(filters):
    """Public projects (Project.objects.public()) starting in the year, per service field. One query."""
    counts = dict(_projects(filters).values_list("service_field").annotate(n=Count("pk", distinct=True)).order_by())
    return [
        {"field": code, "label": label, "projects": counts[code]}
        for code, label in ServiceField.Code.choices
        if counts.get(code)
    ]


def projects_by_funding(filters):
    """Projects starting in the year per funding source, with the amount (the government-purchased service
    amount among them). One query. Rows: source, label, projects, amount.
    """
    rows = {
        source: (n, amount or 0)
        for source, n, amount in _projects(filters)
        .values_list("funding_source")
        .annotate(n=Count("pk", distinct=True), amount=Sum("funding_amount"))
        .values_list("funding_source", "n", "amount")
        .order_by()
    }
    return [
        {"source": code, "label": label, "projects": rows[code][0], "amount": rows[code][1]}
        for code, label in FundingSource.choices
        if code in rows
    ]


# Cached: every figure of a statistics page, once per version of the data


def page_figures(filters, *, with_compliance=False, now=None):
    """The figures of the statistics page for the filters, computed once per site version and
    kept in the cache (core.caching): a request costs one query while nothing changes, and a change to any
    event, report, organization, membership or project is in the next request's figures.

    The current month is part of the key, because a year's months run up to it. `with_compliance` adds the
    monthly-duty compliance rate (the staff page).
    """
    month = compliance.this_month(now)
    community = filters.community.pk if filters.community is not None else "all"
    name = f"stats-{filters.year}-{community}-{month:%Y%m}-{'staff' if with_compliance else 'public'}"

    def compute():
        # Plain values only: labels are translated for each request's language (and lazy ones unpickle slowly).
        months, _kinds, event_counts = events_by_month_and_kind(filters, now)
        figures = {
            "organizations": organizations_by_year(until=filters.year),
            "members": member_units_by_year(until=filters.year),
            "events": (months, event_counts),
            "beneficiaries": beneficiaries_by_month(filters, now),
            "community_activities": activity_counts_by_community(filters),
            "projects_by_field": [(row["field"], row["projects"]) for row in projects_by_field(filters)],
            "projects_by_funding": [(row["source"], row["amount"]) for row in projects_by_funding(filters)],
        }
        if with_compliance:
            figures["compliance"] = compliance_by_month(filters, now)
        return figures

    return cached(name, compute)


# Headline figures for the home page


def headline_figures(now=None):
    """The figures the article reports, for the home page: government-funded share, projects, events this
    year and beneficiaries served this year, with the counts of organizations and members.

    Cached per version of the data (one query while nothing changes), three queries to compute.
    """
    year = timezone.localtime(now or timezone.now(), DUTY_TIME_ZONE).year
    return cached(f"headline-{year}", lambda: _headline_figures(year))


def _headline_figures(year):
    registered = Q(org_type__in=REGISTERED_TYPES)
    organizations = Organization.objects.aggregate(
        all=Count("pk"),
        members=Count("pk", filter=Q(membership__status=Membership.Status.ACTIVE)),
        total=Count("pk", filter=registered),
        funded=Count("pk", filter=registered & Q(government_funded=True)),
    )
    start, end = _year_bounds(year)
    events = Event.objects.listed().filter(starts_at__gte=start, starts_at__lt=end).aggregate(
        events=Count("pk"), served=Sum("report__beneficiaries_served")
    )
    return {
        "organizations": organizations["all"],
        "members": organizations["members"],
        "government_share": percentage(organizations["funded"], organizations["total"]),
        "projects": Project.objects.public().count(),
        "events": events["events"],
        "beneficiaries": events["served"] or 0,
    }


def home_figures(now=None, figures=None):
    """The headline figures as the home page's `extra_figures` (value, label)."""
    figures = figures or headline_figures(now)
    share = figures["government_share"]
    return [
        {"value": "—" if share is None else f"{share:g}%", "label": _("with a government-funded background")},
        {"value": figures["projects"], "label": _("public-benefit projects")},
        {"value": figures["events"], "label": _("events this year")},
        {"value": figures["beneficiaries"], "label": _("residents served this year")},
    ]
