from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events.models import Event
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return calendar, list(calendar.walk("VEVENT"))


def test_feed_is_valid_icalendar_linking_back_to_each_event(client, settings, org):
    settings.SITE_URL = "https://portal.example.org"
    event = EventFactory(
        organization=org, title="Orienteering; along the red route, together", description="Line one\nLine two"
    )
    cancelled = EventFactory(organization=org, title="Rained off", state=Event.State.CANCELLED)
    EventFactory(organization=org, title="Draft", state=Event.State.DRAFT)
    calendar, entries = parse(client.get(reverse("events:feed"), HTTP_HOST="127.0.0.1:8080"))
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    by_title = {str(entry["SUMMARY"]): entry for entry in entries}
    assert set(by_title) == {event.title, cancelled.title}
    entry = by_title[event.title]
    assert str(entry["URL"]) == f"http://127.0.0.1:8080{event.get_absolute_url()}"  # the address in use
    assert entry.decoded("DTSTART") == event.starts_at.astimezone(UTC).replace(microsecond=0)
    assert entry.decoded("DTEND") == event.ends_at.astimezone(UTC).replace(microsecond=0)
    assert str(entry["UID"]) == f"event-{event.pk}@portal.example.org"  # the site's, whatever the address
    assert "Line one\nLine two" in str(entry["DESCRIPTION"])
    assert str(by_title[cancelled.title]["STATUS"]) == "CANCELLED"
    assert all(len(line) <= 75 for line in response_lines(client))


def response_lines(client):
    return client.get(reverse("events:feed")).content.split(b"\r\n")


def test_feed_lines_are_folded_with_chinese_text(client, org):
    EventFactory(organization=org, title="跟随革命先辈的足迹庆祝祖国生日" * 3, description="长寿社会组织定向赛" * 20)
    content = client.get(reverse("events:feed")).content
    assert all(len(line) <= 75 for line in content.split(b"\r\n"))
    _, entries = parse(client.get(reverse("events:feed")))
    assert str(entries[0]["SUMMARY"]) == "跟随革命先辈的足迹庆祝祖国生日" * 3


def test_old_events_leave_the_feed(client, org):
    EventFactory(organization=org, starts_at=timezone.now() - timedelta(days=200), state=Event.State.COMPLETED)
    _, entries = parse(client.get(reverse("events:feed")))
    assert entries == []


def test_organization_feed_has_only_that_organizations_events(client, org, other_org):
    mine = EventFactory(organization=org)
    EventFactory(organization=other_org)
    EventFactory(organization=None)
    calendar, entries = parse(client.get(reverse("events:organization-feed", args=[org.slug])))
    assert [str(entry["SUMMARY"]) for entry in entries] == [mine.title]
    assert org.name in str(calendar["X-WR-CALNAME"])


def test_feed_of_unknown_or_hidden_organization_is_404(client, org):
    assert client.get(reverse("events:organization-feed", args=["nobody"])).status_code == 404
    org.is_public = False
    org.save()
    assert client.get(reverse("events:organization-feed", args=[org.slug])).status_code == 404


def test_feed_keeps_the_soonest_upcoming_and_latest_past_events(client, org, monkeypatch):
    from events.views import CalendarFeedView

    monkeypatch.setattr(CalendarFeedView, "limit", 2)
    monkeypatch.setattr(CalendarFeedView, "past_limit", 1)
    now = timezone.now()
    for days in [1, 2, 3]:
        EventFactory(organization=org, title=f"In {days} days", starts_at=now + timedelta(days=days))
    for days in [5, 10]:
        EventFactory(organization=org, title=f"{days} days ago", starts_at=now - timedelta(days=days),
                     state=Event.State.COMPLETED)
    content = client.get(reverse("events:feed")).content.decode()
    assert "In 1 days" in content and "In 2 days" in content and "In 3 days" not in content
    assert "5 days ago" in content and "10 days ago" not in content
