"""The events list's dates are days in Shanghai time, filtered as ranges of the stored start (UTC)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.clock(2026, 3, 1, 9, 0)
def test_an_evening_event_belongs_to_its_shanghai_day(client, no_page_cache):
    late = EventFactory(title="Lantern evening", starts_at=datetime(2026, 3, 10, 23, 30, tzinfo=SHANGHAI),
                        ends_at=datetime(2026, 3, 10, 23, 59, tzinfo=SHANGHAI))  # 15:30 UTC, the same UTC day
    early = EventFactory(title="Morning tai chi", starts_at=datetime(2026, 3, 11, 6, 0, tzinfo=SHANGHAI),
                         ends_at=datetime(2026, 3, 11, 7, 0, tzinfo=SHANGHAI))  # 22:00 UTC the day before
    url = reverse("events:list")
    on_10th = client.get(url, {"date_from": "2026-03-10", "date_to": "2026-03-10"}).content.decode()
    assert late.title in on_10th and early.title not in on_10th
    with CaptureQueriesContext(connection) as captured:
        on_11th = client.get(url, {"date_from": "2026-03-11", "date_to": "2026-03-11"}).content.decode()
    assert early.title in on_11th and late.title not in on_11th
    listing = next(q["sql"] for q in captured if "events_event" in q["sql"] and "LIMIT" in q["sql"])
    assert "django_datetime_cast_date" not in listing and "AT TIME ZONE" not in listing  # a range, no conversion
