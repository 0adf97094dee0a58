"""The month calendar of public events: a grid of weeks on wide screens, a list of days on phones."""

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from .compliance import shift_month
from .models import DUTY_TIME_ZONE, Event

EVENTS_PER_DAY = 4  # a busy city day has dozens: the calendar shows the first few and links to that day's list
CARD_FIELDS = ["title", "starts_at", "ends_at", "place", "state", "organization__name", "organization__slug"]
YEARS = range(2000, 2101)


def month_of(year=None, month=None):
    """The first day of the month asked for, or of this month (Shanghai time) when none is asked for.

    A month that cannot exist, or lies outside the years the calendar covers, is a ValueError.
    """
    if year is None:
        today = timezone.localdate()
        return date(today.year, today.month, 1)
    if year not in YEARS or not 1 <= month <= 12:
        raise ValueError(f"no calendar for {year}-{month}")
    return date(year, month, 1)


@dataclass
class Day:
    date: date
    in_month: bool
    events: list = field(default_factory=list)
    more: int = 0  # events of that day not shown in the calendar


@dataclass
class MonthCalendar:
    month: date
    weeks: list  # weeks of Days, Monday first, including the days of the neighbouring months that fill them
    days: list  # the month's Days that have events, in order

    @property
    def previous_month(self):
        return shift_month(self.month, -1)

    @property
    def next_month(self):
        return shift_month(self.month, 1)


def first_events_of_each_day(month, per_day=EVENTS_PER_DAY):
    """The month's public events, at most `per_day` a day (the earliest), each with its `day` and `day_total`.

    The database numbers the events of each day with a window function and sends only the first few.
    """
    day = TruncDate("starts_at", tzinfo=DUTY_TIME_ZONE)
    return (
        Event.objects.public()
        .in_month(month.year, month.month)
        .annotate(
            day=day,
            day_position=Window(RowNumber(), partition_by=[day], order_by=[F("starts_at").asc(), F("pk").asc()]),
            day_total=Window(Count("pk"), partition_by=[day]),
        )
        .filter(day_position__lte=per_day)
        .select_related("organization")
        .only(*CARD_FIELDS)
        .order_by("starts_at", "pk")
    )


def month_calendar(month, per_day=EVENTS_PER_DAY):
    """The calendar of `month` (its first day): every day of its weeks with the first events of that day."""
    days = {}
    for event in first_events_of_each_day(month, per_day):
        day = days.setdefault(event.day, Day(event.day, in_month=True, more=max(event.day_total - per_day, 0)))
        day.events.append(event)
    weeks = [
        [days.get(day) or Day(day, in_month=day.month == month.month) for day in week]
        for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(month.year, month.month)
    ]
    return MonthCalendar(month=month, weeks=weeks, days=[days[day] for day in sorted(days)])
