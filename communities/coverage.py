"""Coverage for staff: which neighbourhood communities had activities, month by month. A cell counts the members'
community activities held in the community that month that count as confirmed (the committee confirmed them,
nobody looked within the deadline, or staff dismissed a dispute: ActivityConfirmation.counts_for_duty), and how
many still wait for the committee's word. A month that has ended with nothing confirmed is a gap."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from events import compliance
from events.models import DUTY_TIME_ZONE, month_bounds
from members.models import Community

from .models import activities_held_in

MONTHS = 12


@dataclass(frozen=True)
class Cell:
    month: date
    confirmed: int
    pending: int
    is_current: bool

    @property
    def is_gap(self):
        """An ended month without any confirmed activity."""
        return not self.is_current and self.confirmed == 0


@dataclass(frozen=True)
class Row:
    community: Community
    cells: list

    @property
    def gaps(self):
        return sum(cell.is_gap for cell in self.cells)


def recent_months(months=MONTHS, now=None):
    """The last `months` months, oldest first, the current one last."""
    current = compliance.this_month(now)
    return [compliance.shift_month(current, offset) for offset in range(-(months - 1), 1)]


def coverage(months, *, service_field=None, now=None):
    """One Row per community with a Cell per month of `months` (consecutive, oldest first). `service_field`
    (a ServiceField code) keeps the activities of organizations serving that field. Two queries."""
    current = compliance.this_month(now)
    start, _ = month_bounds(months[0].year, months[0].month)
    last = compliance.shift_month(months[-1], 1)
    end, _ = month_bounds(last.year, last.month)
    events = activities_held_in(None, now=now).filter(starts_at__gte=start, starts_at__lt=end)
    if service_field:
        events = events.filter(organization__service_fields__code=service_field)
    counts = (
        events.order_by()
        .annotate(month=TruncMonth("starts_at", tzinfo=DUTY_TIME_ZONE))
        .values("community", "month")
        .annotate(
            confirmed=Count("pk", filter=Q(community_confirmation__counts_for_duty=True)),
            pending=Count("pk", filter=Q(community_confirmation__isnull=True)),
        )
    )
    found = {}
    for row in counts:
        month = row["month"]
        month = month.date() if hasattr(month, "date") else month
        found[row["community"], date(month.year, month.month, 1)] = (row["confirmed"], row["pending"])
    return [
        Row(
            community=community,
            cells=[
                Cell(month, *found.get((community.pk, month), (0, 0)), is_current=month == current)
                for month in months
            ],
        )
        for community in Community.objects.order_by("code")
    ]
