"""The month calendar (events/calendar.py): its weeks, the first events of each day, and what it refuses."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from events.calendar import month_calendar, month_of
from events.models import DUTY_TIME_ZONE, Event
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=DUTY_TIME_ZONE)


def test_weeks_start_on_monday_and_fill_with_the_neighbouring_months():
    calendar = month_calendar(date(2028, 2, 1))  # a leap February that starts on a Tuesday
    assert calendar.weeks[0][0].date == date(2028, 1, 31)
    assert [day.date.weekday() for day in calendar.weeks[0]] == list(range(7))
    days = [day for week in calendar.weeks for day in week]
    assert [day.date for day in days if day.in_month] == [date(2028, 2, n) for n in range(1, 30)]
    assert not days[0].in_month and days[-1].date == date(2028, 3, 5)
    assert (calendar.previous_month, calendar.next_month) == (date(2028, 1, 1), date(2028, 3, 1))
    assert calendar.days == []


def test_a_busy_day_shows_its_first_four_events_and_counts_the_rest():
    for n in range(6):
        EventFactory(starts_at=at(2028, 2, 29, 8, 59 - n), title=f"Busy {5 - n}")  # made latest first
    EventFactory(starts_at=at(2028, 2, 3), title="Quiet")
    calendar = month_calendar(date(2028, 2, 1))
    busy, quiet = sorted(calendar.days, key=lambda day: -len(day.events))
    assert busy.date == date(2028, 2, 29)
    assert [event.title for event in busy.events] == ["Busy 0", "Busy 1", "Busy 2", "Busy 3"]
    assert busy.more == 2
    assert ([event.title for event in quiet.events], quiet.more) == (["Quiet"], 0)
    assert [day.date for day in calendar.days] == [date(2028, 2, 3), date(2028, 2, 29)]
    grid_day = next(day for week in calendar.weeks for day in week if day.date == date(2028, 2, 29))
    assert grid_day is busy


def test_days_are_shanghai_days_and_only_public_events_of_the_month_appear():
    EventFactory(starts_at=at(2028, 3, 1, 0, 30), title="Just after midnight in Shanghai")  # still 29 Feb in UTC
    EventFactory(starts_at=at(2028, 2, 29, 23, 30), title="Leap day evening")
    EventFactory(starts_at=at(2028, 3, 10), title="Draft", state=Event.State.DRAFT)
    EventFactory(starts_at=at(2028, 3, 11), title="Cancelled", state=Event.State.CANCELLED)
    calendar = month_calendar(date(2028, 3, 1))
    shown = {day.date: [event.title for event in day.events] for day in calendar.days}
    assert shown == {date(2028, 3, 1): ["Just after midnight in Shanghai"], date(2028, 3, 11): ["Cancelled"]}


def test_month_of_gives_the_first_day_or_refuses():
    assert month_of(2028, 12) == date(2028, 12, 1)
    for year, month in [(2028, 13), (2028, 0), (1999, 5), (2101, 1)]:
        with pytest.raises(ValueError):
            month_of(year, month)


def test_month_of_without_a_month_is_this_month_in_shanghai(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2028, 2, 29, 16, 30, tzinfo=UTC))  # 1 March, 00:30 there
    assert month_of() == date(2028, 3, 1)
