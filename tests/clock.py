"""The tests' clock: Shanghai times and the `clock` fixture's object (tests/conftest.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(*args):
    """datetime(*args) in Shanghai time, the street's (and the site's) time zone."""
    return datetime(*args, tzinfo=SHANGHAI)


class Clock:
    """A test's "now". `clock.move_to(2026, 12, 1, 0, 30)` is that time in Shanghai (or pass an aware datetime);
    the clock then runs on from there unless `tick=False` stops it. Returns the moment set.
    """

    def __init__(self, machine):
        self._machine = machine

    def move_to(self, *moment, tick=True):
        when = moment[0] if len(moment) == 1 and isinstance(moment[0], datetime) else shanghai(*moment)
        if timezone.is_naive(when):
            raise ValueError("the clock takes an aware datetime")
        self._machine.move_to(when.timestamp(), tick=tick)
        return when

    def shift(self, delta):
        """Moves the clock by a timedelta (or seconds)."""
        self._machine.shift(delta)

    def now(self):
        return timezone.now()
