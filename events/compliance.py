"""The monthly activity duty (每月不少于一次): every member organization holds at least one community
public-benefit activity a month. A month is met by a completed community activity with a report and the proof
that it was held which MONTHLY_DUTY_PROOF names (check-ins, photos, either, or the report alone:
EventQuerySet.counting_for_duty), starting within that month in Shanghai time.

The current month is in progress until it ends: an organization without an activity yet has not missed it,
and the staff pages, the staff dashboard and the organization's own panel all say so. A month counts for an
organization from the month it joined (see `_members_in_month` and `first_counted_month`).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from members.models import Membership, Organization

from .models import DUTY_TIME_ZONE, Event, EventReport, month_bounds

DUTY_PER_MONTH = 1


@dataclass(frozen=True)
class MonthStatus:
    month: date  # the first day of the month
    count: int
    is_current: bool
    is_counted: bool = True  # the organization was a member that month, so the duty applied

    @property
    def is_met(self):
        return self.is_counted and self.count >= DUTY_PER_MONTH

    @property
    def is_in_progress(self):
        """The current month, not met yet: there is still time."""
        return self.is_counted and self.is_current and not self.is_met

    @property
    def is_missed(self):
        """A month that has ended below the duty while the organization was a member."""
        return self.is_counted and not self.is_current and not self.is_met


def this_month(now=None):
    """The first day of the current month in Shanghai time."""
    local = (now or timezone.now()).astimezone(DUTY_TIME_ZONE)
    return date(local.year, local.month, 1)


def shift_month(month, delta):
    index = month.year * 12 + month.month - 1 + delta
    return date(index // 12, index % 12 + 1, 1)


def parse_month(value, default=None):
    """'2026-05' → date(2026, 5, 1); anything unreadable gives the default."""
    try:
        parsed = datetime.strptime((value or "").strip(), "%Y-%m")
    except ValueError:
        return default
    return date(parsed.year, parsed.month, 1)


def _held_in_month(month):
    """Events of the month that count for the duty."""
    start, end = month_bounds(month.year, month.month)
    return Event.objects.counting_for_duty().filter(starts_at__gte=start, starts_at__lt=end).order_by()


def _members_in_month(month):
    """Organizations that were active members by the end of the month."""
    _, end = month_bounds(month.year, month.month)
    return Organization.objects.members().filter(
        Q(membership__joined_on__lt=end.date()) | Q(membership__joined_on__isnull=True)
    )


def members_in_month(month):
    """Organizations that were active members by the end of the month: the members other pages count a month
    by (the party-building coverage, for one)."""
    return _members_in_month(month)


def compliance_for_month(month):
    """Every organization that was an active member by the end of the month, with `activity_count`
    for that month; fewest activities first (so those below the duty lead), then by name.
    """
    # A count per organization off the duty index (events.Event.Meta, event_duty_idx): the cost follows the
    # number of organizations and of that month's activities, not every event ever held.
    held = (
        _held_in_month(month)
        .filter(organization=OuterRef("pk"))
        .values("organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        _members_in_month(month)
        .annotate(activity_count=Coalesce(Subquery(held), Value(0)))
        .order_by("activity_count", "name")
    )


def month_totals(month):
    """{"members": …, "below": …}: how many organizations `compliance_for_month(month)` lists and how many of
    them are below the duty, in one aggregate query.
    """
    # The organizations that met the duty are read once from the month's events (PostgreSQL hashes them),
    # instead of counting each member's events as the listing does.
    met = _held_in_month(month).values("organization").annotate(n=Count("pk")).filter(n__gte=DUTY_PER_MONTH)
    totals = _members_in_month(month).aggregate(
        members=Count("pk"), met=Count("pk", filter=Q(pk__in=met.values("organization")))
    )
    return {"members": totals["members"], "below": totals["members"] - totals["met"]}


def community_word(month):
    """{"confirmed": …, "disputed": …}: of the month's members' community activities, how many their neighbourhood
    committee confirmed (or staff dismissed the dispute: communities.ActivityConfirmation.counts_for_duty) and how
    many are disputed (open, or upheld). One aggregate query."""
    start, end = month_bounds(month.year, month.month)
    return Event.objects.filter(
        kind=Event.Kind.COMMUNITY_ACTIVITY, organization__isnull=False, starts_at__gte=start, starts_at__lt=end
    ).aggregate(
        confirmed=Count("pk", filter=Q(community_confirmation__counts_for_duty=True)),
        disputed=Count("pk", filter=Q(community_confirmation__counts_for_duty=False)),
    )


def with_disputes(organizations, month):
    """Each organization with `disputed_count`: its community activities of the month that their neighbourhood
    committee disputes (open, or upheld: communities.ActivityConfirmation.counts_for_duty), which the duty does not
    count. A correlated subquery: the listing stays one query."""
    start, end = month_bounds(month.year, month.month)
    disputed = (
        Event.objects.filter(
            organization=OuterRef("pk"),
            kind=Event.Kind.COMMUNITY_ACTIVITY,
            starts_at__gte=start,
            starts_at__lt=end,
            community_confirmation__counts_for_duty=False,
        )
        .order_by()
        .values("organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return organizations.annotate(disputed_count=Coalesce(Subquery(disputed), Value(0)))


def first_counted_month(organization):
    """The first month the duty applies to the organization, as the staff pages count it (`_members_in_month`):
    the month it joined, or any month when that date was not recorded; None when it is not an active member
    (an applicant, suspended or withdrawn).
    """
    membership = getattr(organization, "membership", None)
    if membership is None or membership.status != Membership.Status.ACTIVE:
        return None
    if membership.joined_on is None:
        return date.min
    return date(membership.joined_on.year, membership.joined_on.month, 1)


def organization_history(organization, *, months=12, now=None):
    """The organization's last `months` months, oldest first, the current month included. Months before it
    joined (every month, while it is not an active member) are not counted: neither met nor missed.
    """
    current = this_month(now)
    since = first_counted_month(organization)
    first = shift_month(current, -(months - 1))
    start, _ = month_bounds(first.year, first.month)
    _, end = month_bounds(current.year, current.month)
    counts = {}
    starts = (
        Event.objects.counting_for_duty()
        .for_organization(organization)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .values_list("starts_at", flat=True)
    )
    for starts_at in starts:
        local = starts_at.astimezone(DUTY_TIME_ZONE)
        key = date(local.year, local.month, 1)
        counts[key] = counts.get(key, 0) + 1
    return [
        MonthStatus(
            month=month,
            count=counts.get(month, 0),
            is_current=month == current,
            is_counted=since is not None and month >= since,
        )
        for month in (shift_month(first, offset) for offset in range(months))
    ]


def organizations_to_remind(month):
    """Active members with no community activity published (or already completed) in the month."""
    planned = Event.objects.filter(
        organization=OuterRef("pk"),
        kind=Event.Kind.COMMUNITY_ACTIVITY,
        state__in=[Event.State.PUBLISHED, Event.State.COMPLETED],
    ).in_month(month.year, month.month)
    return Organization.objects.members().filter(~Exists(planned)).order_by("name")


def reports_differing(month):
    """The month's reports of members' community activities whose attendance is not the number of people
    checked in when they were filed, with the organizer's reason: what staff check. One query."""
    start, end = month_bounds(month.year, month.month)
    return (
        EventReport.objects.filter(
            event__kind=Event.Kind.COMMUNITY_ACTIVITY,
            event__organization__isnull=False,
            event__starts_at__gte=start,
            event__starts_at__lt=end,
            checked_in__isnull=False,
        )
        .exclude(attendance=F("checked_in"))
        .select_related("event__organization")
        .order_by("event__starts_at", "pk")
    )
