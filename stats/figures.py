"""The federation's figures from live data: one definition of each, for every page that shows it.

The headline figures are members on a date, registered organizations on a date and the share of them with a
government-funded background, community activities held, residents served and projects running in a year. The home
page, /about/, /stats/ and /staff/stats/ all take them from here, the charts' series too, so the same date gives
the same number everywhere (tests/stats/test_consistency.py).

Every function aggregates in the database with a fixed number of queries, whatever the amount of data. Dates,
months and years are counted in Shanghai time (an event at 23:30 on 31 January, Shanghai time, belongs to January;
one at 00:10 on 1 February belongs to February, though it is still 31 January in UTC).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from contracts.models import Contract, Payment
from core.caching import cached
from evaluation import party_building
from events import compliance
from events.models import DUTY_TIME_ZONE, Event, Feedback, month_bounds
from incubation import figures as incubation_figures
from members.models import Community, Membership, MembershipChange, Organization, ServiceField
from projects.models import FundingSource, Project

# Kinds of organization that are registered with the civil affairs bureau (community teams are only filed).
REGISTERED_TYPES = [Organization.Type.SOCIAL_GROUP, Organization.Type.SERVICE_AGENCY, Organization.Type.FOUNDATION]
# Years the member and organization series go back from the year chosen.
SERIES_YEARS = 15
# What the cached figures are computed from (core.caching): not the sign-ups, which change by the second. (The
# monthly duty counts check-ins, but only of completed events, whose check-ins are settled: filing the report
# (family "events") completes an event.)
FIGURE_FAMILIES = ("members", "projects", "events")
# The statistics pages also show the incubation base's growth (filed → registered → member).
PAGE_FIGURE_FAMILIES = (*FIGURE_FAMILIES, "incubation")


@dataclass(frozen=True)
class Filters:
    """What the statistics pages are narrowed to: a calendar year and optionally one community."""

    year: int
    community: Community | None = None


def local_today(now=None):
    """Today in Shanghai time."""
    return timezone.localtime(now or timezone.now(), DUTY_TIME_ZONE).date()


def current_year(now=None):
    return local_today(now).year


def as_of(year, now=None):
    """The date a year's figures are taken on: its last day, or today while the year runs."""
    return min(date(year, 12, 31), local_today(now))


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


def _end_of_day(day):
    """The first instant after a day, Shanghai time: what happened before it happened by the end of the day."""
    following = day + timedelta(days=1)
    return datetime(following.year, following.month, following.day, tzinfo=DUTY_TIME_ZONE)


# Members and registered organizations on a date


def _memberships():
    """Memberships with `left_at`: when the organization last stopped being an active member (suspended or
    withdrawn), from the membership history; the last decision's time where the history has no such change."""
    left = (
        MembershipChange.objects.filter(membership=OuterRef("pk"), from_status=Membership.Status.ACTIVE)
        .order_by("-changed_at", "-pk")
        .values("changed_at")[:1]
    )
    return Membership.objects.annotate(left_at=Coalesce(Subquery(left), "decided_at"))


def _is_member_on(day, today):
    """The rule for "a member on a date" (at the end of that day): an organization that had joined by then and
    is an active member now, or that had joined and left only afterwards (a withdrawal or suspension does not
    rewrite the past). Applicants are never members. A member whose joining date was not recorded counts from
    today on, in no past year. A suspension that was lifted again is not subtracted.
    """
    rule = Q(joined_on__lte=day) & (Q(status=Membership.Status.ACTIVE) | Q(left_at__gte=_end_of_day(day)))
    if day >= today:
        rule |= Q(joined_on__isnull=True, status=Membership.Status.ACTIVE)
    return rule


def members_on(days, now=None):
    """{day: member organizations on that day} (`_is_member_on`) for a few days. One query."""
    today = local_today(now)
    days = sorted(set(days))
    counts = _memberships().aggregate(
        **{f"d{index}": Count("pk", filter=_is_member_on(day, today)) for index, day in enumerate(days)}
    )
    return {day: counts[f"d{index}"] for index, day in enumerate(days)}


def _exists_on(day, today):
    """The rule for "an organization exists on a date" (at the end of that day): registered (or, for a community
    team, filed) by then and not deregistered by then. One whose registration date was not recorded counts from
    today on, in no past year.
    """
    registered = Q(founded_on__lte=day)
    if day >= today:
        registered |= Q(founded_on__isnull=True)
    return registered & (Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=day))


def _is_registered_on(day, today):
    """The rule for "a registered organization on a date": a social group, social service agency or foundation
    that exists then (`_exists_on`). Community teams are filed, not registered, and never count.
    """
    return Q(org_type__in=REGISTERED_TYPES) & _exists_on(day, today)


def organizations_on(days, now=None):
    """{day: (registered organizations, of which with a government-funded background)} for a few days
    (`_is_registered_on`). One query."""
    today = local_today(now)
    days = sorted(set(days))
    aggregates = {}
    for index, day in enumerate(days):
        registered = _is_registered_on(day, today)
        aggregates[f"r{index}"] = Count("pk", filter=registered)
        aggregates[f"f{index}"] = Count("pk", filter=registered & Q(government_funded=True))
    counts = Organization.objects.aggregate(**aggregates)
    return {day: (counts[f"r{index}"], counts[f"f{index}"]) for index, day in enumerate(days)}


def _series_years(until):
    return list(range(until - SERIES_YEARS + 1, until + 1))


def member_units_by_year(until=None, now=None):
    """Member organizations at the end of each year (`members_on`), today for the current year, from the first
    year with members among the last SERIES_YEARS. Rows: year, on (the date), total. One query.
    """
    until = until or current_year(now)
    days = {year: as_of(year, now) for year in _series_years(until)}
    totals = members_on(days.values(), now)
    rows = [{"year": year, "on": day, "total": totals[day]} for year, day in days.items()]
    while rows and not rows[0]["total"]:
        rows.pop(0)
    return rows


def organizations_by_year(until=None, now=None):
    """Registered social organizations at the end of each year (`organizations_on`), today for the current year,
    with those registered that year, the growth on the year before and the share with a government-funded
    background; from the first year with any among the last SERIES_YEARS.

    Rows: year, on (the date), registered (that year), total, growth (per cent or None), government_funded,
    government_share (per cent of the total). One query.
    """
    until = until or current_year(now)
    years = [until - SERIES_YEARS, *_series_years(until)]  # and the year before, for the first growth
    days = {year: as_of(year, now) for year in years}
    counts = organizations_on(days.values(), now)
    rows = []
    for year in years[1:]:
        total, funded = counts[days[year]]
        previous = counts[days[year - 1]][0]
        rows.append(
            {
                "year": year,
                "on": days[year],
                "registered": total - previous,
                "total": total,
                "growth": percentage(total - previous, previous),
                "government_funded": funded,
                "government_share": percentage(funded, total),
            }
        )
    while rows and not rows[0]["total"]:
        rows.pop(0)
    return rows


# Events and reports (one year, optionally one community)


def _events(filters):
    """Published and completed events starting in the year (and the community)."""
    start, end = _year_bounds(filters.year)
    events = Event.objects.listed().filter(starts_at__gte=start, starts_at__lt=end)
    if filters.community is not None:
        events = events.filter(community=filters.community)
    return events


def _held(filters):
    """The rule for "community activities held": those of the year that count for the monthly duty (completed
    community public-benefit activities of an organization, with their report and the proof MONTHLY_DUTY_PROOF
    names: EventQuerySet.counting_for_duty)."""
    start, end = _year_bounds(filters.year)
    return Event.objects.counting_for_duty().filter(starts_at__gte=start, starts_at__lt=end).values("pk")


def event_figures(filters, now=None):
    """The year's events in one query: published and completed events per month and kind, by start in Shanghai
    time; the community activities held (`_held`) per month; and the residents served per month, from the
    after-event reports of those events.

    Returns {"months": the months of the year up to now, "counts": {(month, kind): events}, "held": {month:
    activities held}, "beneficiaries": rows of month, events (reported), beneficiaries, attendance}.
    """
    rows = (
        _events(filters)
        .annotate(month=TruncMonth("starts_at", tzinfo=DUTY_TIME_ZONE))
        .values_list("month", "kind")
        .annotate(
            n=Count("pk"),
            held=Count("pk", filter=Q(pk__in=_held(filters))),
            reported=Count("report"),
            served=Sum("report__beneficiaries_served"),
            attendance=Sum("report__attendance"),
        )
        .order_by()
    )
    counts, held, reports = {}, {}, {}
    for month, kind, n, held_n, reported, served, attendance in rows:
        month = _local_month(month)
        counts[(month, kind)] = n
        if held_n:
            held[month] = held.get(month, 0) + held_n
        if reported:
            totals = reports.get(month, (0, 0, 0))
            reports[month] = (totals[0] + reported, totals[1] + (served or 0), totals[2] + (attendance or 0))
    months = year_months(filters.year, now)
    keys = ("month", "events", "beneficiaries", "attendance")
    beneficiaries = [dict(zip(keys, (month, *reports.get(month, (0, 0, 0))), strict=True)) for month in months]
    return {"months": months, "counts": counts, "held": held, "beneficiaries": beneficiaries}


def events_by_month_and_kind(filters, now=None):
    """(months, kinds, counts, held) of `event_figures`: counts[(month, kind)] is the number of events, held[month]
    the number of community activities held. One query."""
    events = event_figures(filters, now)
    return events["months"], list(Event.Kind), events["counts"], events["held"]


def beneficiaries_by_month(filters, now=None):
    """Residents served per month (`event_figures`). One query. Rows: month, events (reported), beneficiaries,
    attendance."""
    return event_figures(filters, now)["beneficiaries"]


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


# Projects (running in one year, optionally one community)


def _runs_in(year, today):
    """The rule for "a project running in a year": its dates overlap the year (`_runs_between`)."""
    return _runs_between(date(year, 1, 1), date(year, 12, 31), today)


def _runs_between(first, last, today):
    """The rule for "a project running in a period" (a year, a half, a quarter): its dates overlap the period, so
    a project counts in every period from its start to its end. Without an end date it runs on while approved or
    in progress; a completed one without an end date counts in the period of its start. One without a start date
    (approved or in progress) counts in the current period only.
    """
    ends = Q(ends_on__gte=first) | (
        Q(ends_on__isnull=True) & (~Q(state=Project.State.COMPLETED) | Q(starts_on__gte=first))
    )
    runs = Q(starts_on__lte=last) & ends
    if first <= today <= last:
        runs |= Q(starts_on__isnull=True) & ~Q(state=Project.State.COMPLETED)
    return runs


def _projects(filters, now=None):
    projects = Project.objects.public().filter(_runs_in(filters.year, local_today(now)))
    if filters.community is not None:
        projects = projects.filter(communities=filters.community)
    return projects


def projects_by_field(filters, now=None):
    """Public projects running in the year (`_runs_in`), per service field. One query."""
    counts = dict(
        _projects(filters, now).values_list("service_field").annotate(n=Count("pk", distinct=True)).order_by()
    )
    return [
        {"field": code, "label": label, "projects": counts[code]}
        for code, label in ServiceField.Code.choices
        if counts.get(code)
    ]


def _purchased_between(first, last, community=None):
    """The rule for government-purchased amounts (issue 22): `signed`, the amounts of the contracts signed between
    two days, and `paid`, the payments made between them (by the date paid); of the projects serving `community`
    when given. Not the projects' funding amounts. One query."""
    contracts = Contract.objects.all()
    if community is not None:
        contracts = contracts.filter(project__communities=community)
    paid = (
        Payment.objects.filter(tranche__contract=OuterRef("pk"), paid_on__range=(first, last))
        .order_by()
        .values("tranche__contract")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    totals = contracts.annotate(paid_between=Subquery(paid)).aggregate(
        signed=Sum("amount", filter=Q(signed_on__range=(first, last))), paid=Sum("paid_between")
    )
    return {"signed": totals["signed"] or 0, "paid": totals["paid"] or 0}


def purchased_amounts(filters):
    """The government-purchased service amounts of the year (`_purchased_between`), of the projects serving the
    community of the filters, if any. One query."""
    return _purchased_between(date(filters.year, 1, 1), date(filters.year, 12, 31), filters.community)


def projects_by_funding(filters, now=None, purchased=None):
    """Public projects running in the year per funding source, with their amount; a project running over several
    years counts in each. The government-purchased service's amount is the contracts' (`purchased_amounts`: signed in
    the year; `paid` beside it), not the projects' funding amounts. Two queries (one with `purchased` given).
    Rows: source, label, projects, amount, paid (None but for government-purchased services).
    """
    rows = {
        source: (n, amount or 0)
        for source, n, amount in _projects(filters, now)
        .values_list("funding_source")
        .annotate(n=Count("pk", distinct=True), amount=Sum("funding_amount"))
        .values_list("funding_source", "n", "amount")
        .order_by()
    }
    purchased = purchased or purchased_amounts(filters)
    government = FundingSource.GOVERNMENT_PURCHASE
    if government in rows or purchased["signed"] or purchased["paid"]:
        rows[government] = (rows.get(government, (0, 0))[0], purchased["signed"])
    return [
        {
            "source": code, "label": label, "projects": rows[code][0], "amount": rows[code][1],
            "paid": purchased["paid"] if code == government else None,
        }
        for code, label in FundingSource.choices
        if code in rows
    ]


# Residents' ratings of events (events.Feedback), per organization


def feedback_by_organization(since, until, community=None):
    """Residents' average rating per organizer over the events starting from the day `since` to the day `until`
    (Shanghai time; optionally in one community), lowest average first: the one definition of the staff pages'
    ratings per organization. Rows: organization (id; None: the federation's own events), name (None: the
    federation), count, average. One query.
    """
    ratings = Feedback.objects.of_events_starting(since, until)
    if community is not None:
        ratings = ratings.filter(event__community=community)
    return [
        {
            "organization": row["event__organization"],
            "name": row["event__organization__name"],
            "count": row["count"],
            "average": row["average"],
        }
        for row in ratings.by_organization()
    ]


def _year_days(year):
    return date(year, 1, 1), date(year, 12, 31)


# Cached: every figure of a statistics page, once per version of the data


def page_figures(filters, *, with_compliance=False, now=None):
    """The figures of the statistics page for the filters, computed once per site version and
    kept in the cache (core.caching): a request costs one query while nothing changes, and a change to any
    event, report, organization, membership or project is in the next request's figures.

    Today is part of the key: a year's months run up to the current one, and the current year's member and
    organization figures are today's. `with_compliance` adds the monthly-duty compliance rate (the staff page).
    """
    today = local_today(now)
    community = filters.community.pk if filters.community is not None else "all"
    # The duty's proof is a setting: figures kept under another rule are not this rule's.
    name = (
        f"stats-{filters.year}-{community}-{today:%Y%m%d}-{'staff' if with_compliance else 'public'}"
        f"-{settings.MONTHLY_DUTY_PROOF}"
    )

    def compute():
        # Plain values only: labels are translated for each request's language (and lazy ones unpickle slowly).
        events = event_figures(filters, now)
        figures = {
            "organizations": organizations_by_year(until=filters.year, now=now),
            "members": member_units_by_year(until=filters.year, now=now),
            "events": (events["months"], events["counts"]),
            "held": events["held"],
            "beneficiaries": events["beneficiaries"],
            "community_activities": activity_counts_by_community(filters),
            "projects_by_field": [(row["field"], row["projects"]) for row in projects_by_field(filters, now)],
            "projects_by_funding": [
                (row["source"], row["amount"], row["paid"]) for row in projects_by_funding(filters, now)
            ],
            "incubation": incubation_figures.filed_registered_member_by_year(until=filters.year),
        }
        if with_compliance:
            figures["compliance"] = compliance_by_month(filters, now)
            figures["feedback"] = feedback_by_organization(*_year_days(filters.year), filters.community)
        return figures

    return cached(name, compute, families=PAGE_FIGURE_FAMILIES)


# Headline figures: the home page, /about/ and the top of the statistics pages


def _headline(filters, on, *, members, organizations, held, beneficiaries, projects_by_field):
    """The headline figures from the values the functions above return: the one place they are put together."""
    registered, funded = organizations
    return {
        "year": filters.year,
        "on": on,
        "members": members,
        "organizations": registered,
        "government_funded": funded,
        "government_share": percentage(funded, registered),
        "projects": sum(projects for _field, projects in projects_by_field),
        "activities": sum(held.values()),
        "beneficiaries": sum(row["beneficiaries"] for row in beneficiaries),
    }


def headline_figures(filters=None, now=None):
    """The headline figures of a year (this year unless `filters` say otherwise): members, registered
    organizations and the government-funded share on `as_of(year)`, and the projects running, community
    activities held and residents served in the year (in the community of the filters, if any).

    Cached per version of the data and day (no query while nothing changes); four queries to compute, through
    the same functions as the statistics pages' charts.
    """
    filters = filters or Filters(year=current_year(now))
    on = as_of(filters.year, now)
    community = filters.community.pk if filters.community is not None else "all"

    def compute():
        events = event_figures(filters, now)
        return _headline(
            filters,
            on,
            members=members_on([on], now)[on],
            organizations=organizations_on([on], now)[on],
            held=events["held"],
            beneficiaries=events["beneficiaries"],
            projects_by_field=[(row["field"], row["projects"]) for row in projects_by_field(filters, now)],
        )

    return cached(
        f"headline-{filters.year}-{community}-{on:%Y%m%d}-{settings.MONTHLY_DUTY_PROOF}", compute,
        families=FIGURE_FAMILIES,
    )


def page_headline(filters, data, now=None):
    """The headline figures of a statistics page, from its `page_figures` (no query): the last point of the
    member and organization series is the figure on `as_of(year)`."""
    members, organizations = data["members"], data["organizations"]
    last = organizations[-1] if organizations else {"total": 0, "government_funded": 0}
    return _headline(
        filters,
        as_of(filters.year, now),
        members=members[-1]["total"] if members else 0,
        organizations=(last["total"], last["government_funded"]),
        held=data["held"],
        beneficiaries=data["beneficiaries"],
        projects_by_field=data["projects_by_field"],
    )



# Figures of a period (a quarter, a half or a year): the reporting pack's (reports) and /staff/stats/'s period table


@dataclass(frozen=True)
class Period:
    """A quarter (2026-Q3), a half (2026-H1) or a year (2026), in Shanghai time: `first` and `last` are its first
    and last days, `start` and `end` the first instants of it and of the next period."""

    year: int
    kind: str = "Y"  # "Q" quarter, "H" half, "Y" year
    number: int = 1

    MONTHS = {"Q": 3, "H": 6, "Y": 12}

    @classmethod
    def parse(cls, text):
        """"2026-Q3", "2026-H1" or "2026"; ValueError otherwise."""
        text = str(text).strip().upper()
        year, _, part = text.partition("-")
        if not year.isdigit() or len(year) != 4:
            raise ValueError(text)
        if not part:
            return cls(int(year))
        kind, number = part[:1], part[1:]
        if kind not in ("Q", "H") or not number.isdigit() or not 1 <= int(number) <= 12 // cls.MONTHS[kind]:
            raise ValueError(text)
        return cls(int(year), kind, int(number))

    def __str__(self):
        return str(self.year) if self.kind == "Y" else f"{self.year}-{self.kind}{self.number}"

    @property
    def months(self):
        """The first days of the period's months."""
        length = self.MONTHS[self.kind]
        first = (self.number - 1) * length + 1
        return [date(self.year, month, 1) for month in range(first, first + length)]

    @property
    def first(self):
        return self.months[0]

    @property
    def last(self):
        month = self.months[-1]
        return month_bounds(month.year, month.month)[1].date() - timedelta(days=1)

    @property
    def start(self):
        return month_bounds(self.year, self.first.month)[0]

    @property
    def end(self):
        return month_bounds(self.year, self.months[-1].month)[1]

    def as_of(self, now=None):
        """The day the period's end-of-period figures are taken on: its last day, or today while it runs."""
        return min(self.last, local_today(now))

    def filters(self):
        """The statistics pages' filters of the period's year."""
        return Filters(year=self.year)


def periods(now=None, first_year=2015):
    """Every quarter, half and year that has begun, newest year first: its quarters, halves, then the year."""
    today = local_today(now)
    found = []
    for year in range(today.year, first_year - 1, -1):
        candidates = [*(Period(year, "Q", n) for n in (4, 3, 2, 1)), Period(year, "H", 2), Period(year, "H", 1)]
        found.extend(period for period in candidates if period.first <= today)
        found.append(Period(year))
    return found


def last_ended_quarter(now=None):
    """The latest quarter that has ended: the one reported upward."""
    today = local_today(now)
    quarter = (today.month - 1) // 3  # the quarters before the current one this year
    return Period(today.year, "Q", quarter) if quarter else Period(today.year - 1, "Q", 4)


def organizations_by_type(period, now=None):
    """Organizations per type (社会团体 / 社会服务机构 / 基金会 / 社区群众活动团队): those that exist on the
    period's `as_of` day (`_exists_on`), those registered (filed) in the period and those deregistered in it; and
    the same three over every type, counted on their own (the check that the types add up). One query.

    Returns {"rows": [{type, label, total, new, closed}], "total": {total, new, closed}, "registered": the
    registered organizations on that day (`organizations_on`'s figure)}.
    """
    day = period.as_of(now)
    exists = _exists_on(day, local_today(now))
    new = Q(founded_on__gte=period.first, founded_on__lte=period.last)
    closed = Q(deregistered_on__gte=period.first, deregistered_on__lte=period.last)
    aggregates = {}
    for code in [*Organization.Type.values, "all"]:
        of_type = Q() if code == "all" else Q(org_type=code)
        aggregates[f"{code}-total"] = Count("pk", filter=of_type & exists)
        aggregates[f"{code}-new"] = Count("pk", filter=of_type & new)
        aggregates[f"{code}-closed"] = Count("pk", filter=of_type & closed)
    aggregates["registered"] = Count("pk", filter=_is_registered_on(day, local_today(now)))
    counts = Organization.objects.aggregate(**aggregates)
    rows = [
        {
            "type": code,
            "label": label,
            **{column: counts[f"{code}-{column}"] for column in ("total", "new", "closed")},
        }
        for code, label in Organization.Type.choices
    ]
    total = {column: counts[f"all-{column}"] for column in ("total", "new", "closed")}
    return {"rows": rows, "total": total, "registered": counts["registered"]}


def member_changes(period, now=None):
    """Member organizations at the start and end of the period (`members_on`: the day before its first day and its
    `as_of` day), those that joined in it (the joining date) and those that stopped being active members in it
    (suspended or withdrawn, from the membership history); and the changes themselves. Two queries.

    Returns {"start", "joined", "left", "end", "changes": [{organization, from_status, to_status, changed_at}]}.
    """
    before, day = period.first - timedelta(days=1), period.as_of(now)
    counts = members_on([before, day], now)
    changes = list(
        MembershipChange.objects.filter(changed_at__gte=period.start, changed_at__lt=period.end)
        .exclude(from_status=F("to_status"))
        .select_related("membership__organization")
        .order_by("changed_at", "pk")
    )
    joined = Membership.objects.filter(joined_on__gte=period.first, joined_on__lte=period.last).count()
    left = sum(
        1 for change in changes
        if change.from_status == Membership.Status.ACTIVE
        and change.to_status in (Membership.Status.SUSPENDED, Membership.Status.WITHDRAWN)
    )
    return {
        "start": counts[before],
        "joined": joined,
        "left": left,
        "end": counts[day],
        "changes": [
            {
                "organization": change.membership.organization.name,
                "from_status": change.from_status,
                "to_status": change.to_status,
                "changed_at": change.changed_at,
            }
            for change in changes
        ],
    }


def activities_by_kind_and_community(period):
    """Published and completed events starting in the period (Shanghai time), per kind and community: events
    (场次), participants (参与人次, the reports' attendance), beneficiaries (受益人次) and volunteers (志愿者人次);
    the events without a community (the federation's own meetings, say) under community None. And the same per
    kind counted on their own (the check that the communities add up), and the completed events still without
    their after-event report (whose participants are missing). Three queries.

    Returns {"rows": [{kind, community (id or None), community_name, events, participants, beneficiaries,
    volunteers}], "kinds": {kind: {events, participants, beneficiaries, volunteers}}, "unreported": [events]}.
    """
    events = Event.objects.listed().filter(starts_at__gte=period.start, starts_at__lt=period.end)
    sums = {
        "events": Count("pk"),
        "participants": Coalesce(Sum("report__attendance"), 0),
        "beneficiaries": Coalesce(Sum("report__beneficiaries_served"), 0),
        "volunteers": Coalesce(Sum("report__volunteers"), 0),
    }
    rows = list(
        events.values("kind", "community", "community__name").annotate(**sums).order_by("kind", "community__name")
    )
    for row in rows:
        row["community_name"] = row.pop("community__name")
        row["kind_label"] = Event.Kind(row["kind"]).label
    kinds = {row.pop("kind"): row for row in events.values("kind").annotate(**sums).order_by()}
    unreported = list(
        events.filter(state=Event.State.COMPLETED, report__isnull=True)
        .select_related("organization")
        .order_by("starts_at", "pk")
    )
    return {"rows": rows, "kinds": kinds, "unreported": unreported}


def government_purchased_services(period, now=None):
    """Government-purchased services in the period, from the contracts (issue 22): each contract signed in it
    (project, organization, contract number, amount) and the totals of `_purchased_between` — the amount signed and
    the payments made in the period — the same rule as the year's figures on /stats/ (`purchased_amounts`). Two
    queries. Returns {"rows": [{project, organization, number, amount}], "projects" (contracts signed), "amount",
    "paid"}.
    """
    contracts = Contract.objects.filter(signed_on__range=(period.first, period.last))
    rows = [
        {"project": title, "organization": organization, "number": number, "amount": amount}
        for title, organization, number, amount in contracts.order_by(
            "project__organization__name", "project__title", "number"
        ).values_list("project__title", "project__organization__name", "number", "amount")
    ]
    totals = _purchased_between(period.first, period.last)
    return {"rows": rows, "projects": len(rows), "amount": totals["signed"], "paid": totals["paid"]}


def _members_at(day, now=None):
    """The organizations that are members at the end of a day (`_is_member_on`)."""
    members = _memberships().filter(_is_member_on(day, local_today(now)))
    return Organization.objects.filter(membership__in=members.values("pk"))


def party_coverage(period, now=None):
    """Party-organization coverage of the member organizations on the period's `as_of` day, from the
    party-building ledger (issue 19): a member is covered when its record in force that day has a form other than
    未覆盖 (`evaluation.party_building.COVERED`, the rule of /staff/party-building/); without a record it is not.
    One query. Returns {"members", "with_party", "without_party", "coverage" (per cent)}.
    """
    day = period.as_of(now)
    counts = _members_at(day, now).annotate(form=party_building.form_in_force(day)).aggregate(
        members=Count("pk"), with_party=Count("pk", filter=party_building.COVERED)
    )
    counts["without_party"] = counts["members"] - counts["with_party"]
    return {**counts, "coverage": percentage(counts["with_party"], counts["members"])}


def brand_and_selected_projects(period, now=None):
    """Brand (品牌) and selected (优秀) projects among the public projects running in the period. One query.
    Returns {"rows": [{project, organization, is_brand, is_selected, amount}], "brand", "selected"}."""
    projects = (
        Project.objects.public()
        .filter(_runs_between(period.first, period.last, local_today(now)))
        .filter(Q(is_brand=True) | Q(is_selected=True))
        .order_by("-is_brand", "organization__name", "title")
        .values_list("title", "organization__name", "is_brand", "is_selected", "funding_amount")
    )
    rows = [
        {"project": title, "organization": organization, "is_brand": brand, "is_selected": selected,
         "amount": amount or 0}
        for title, organization, brand, selected, amount in projects
    ]
    return {
        "rows": rows,
        "brand": sum(row["is_brand"] for row in rows),
        "selected": sum(row["is_selected"] for row in rows),
    }


def members_without_activity(period, now=None):
    """Member organizations (on the period's `as_of` day) that held no community activity counting for the monthly
    duty (`_held`'s rule) in the period, by name. One query."""
    held = Event.objects.counting_for_duty().filter(starts_at__gte=period.start, starts_at__lt=period.end)
    return list(
        _members_at(period.as_of(now), now)
        .exclude(pk__in=held.values("organization"))
        .order_by("name")
        .values_list("name", flat=True)
    )


def period_figures(period, now=None):
    """Every figure of a period, as the reporting pack (sheets A–F) and /staff/stats/'s period table show them."""
    return {
        "period": period,
        "organizations": organizations_by_type(period, now),
        "members": member_changes(period, now),
        "activities": activities_by_kind_and_community(period),
        "government": government_purchased_services(period, now),
        "party": party_coverage(period, now),
        "projects": brand_and_selected_projects(period, now),
        "idle": members_without_activity(period, now),
    }


def period_figures_of_today(period):
    """period_figures as of today, computed once a day and per version of the data: /staff/stats/ shows them on
    every visit (19 queries, 140 ms at city scale)."""
    return cached(f"period-figures:{period}:{local_today()}", lambda: period_figures(period))


def projects_running_in(period, now=None):
    """Every project (of any state) whose dates overlap the period (`_runs_between`): the annual report's."""
    return Project.objects.filter(_runs_between(period.first, period.last, local_today(now)))
