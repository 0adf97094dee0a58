"""The tests' clock: the `clock` fixture and marker, and TEST_NOW (tests/conftest.py)."""

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from tests.clock import shanghai
from tests.conftest import _test_now


@pytest.fixture
def now_seen_by_a_fixture():
    return timezone.now()


@pytest.mark.clock(2027, 1, 1, 0, 30, tick=False)
def test_a_marked_clock_is_set_before_the_tests_fixtures(now_seen_by_a_fixture, clock):
    assert now_seen_by_a_fixture == shanghai(2027, 1, 1, 0, 30)
    assert timezone.localdate() == date(2027, 1, 1)
    assert datetime.fromtimestamp(time.time(), UTC).date() == date(2026, 12, 31)  # still the old year in UTC
    clock.shift(timedelta(hours=1))
    assert timezone.now() == shanghai(2027, 1, 1, 1, 30)


def test_move_to_takes_shanghai_time_or_an_aware_datetime(clock):
    assert clock.move_to(2028, 2, 29, 23, 30, tick=False) == shanghai(2028, 2, 29, 23, 30)
    assert timezone.localdate() == date(2028, 2, 29)
    clock.move_to(datetime(2028, 2, 29, 16, 0, tzinfo=UTC))
    assert timezone.localdate() == date(2028, 3, 1)
    assert timezone.now() - shanghai(2028, 3, 1, 0, 0) < timedelta(seconds=5)  # it runs on unless told not to
    with pytest.raises(ValueError):
        clock.move_to(datetime(2028, 3, 1))


@pytest.mark.parametrize(
    ("value", "moment"),
    [
        ("", None),
        ("2027-01-31T23:30:00+08:00", shanghai(2027, 1, 31, 23, 30)),
        ("2027-01-31T23:30", shanghai(2027, 1, 31, 23, 30)),  # no offset: Shanghai time
        ("2027-01-31T15:30:00Z", shanghai(2027, 1, 31, 23, 30)),
    ],
)
def test_test_now_is_an_iso_date_time_in_shanghai_time_unless_it_says_otherwise(monkeypatch, value, moment):
    monkeypatch.setenv("TEST_NOW", value)
    assert _test_now() == moment


def test_a_test_now_that_is_not_a_date_time_stops_the_run(monkeypatch):
    monkeypatch.setenv("TEST_NOW", "tomorrow")
    with pytest.raises(pytest.UsageError):
        _test_now()
