"""iCalendar (RFC 5545) feeds of public events, for phone and desktop calendar apps."""

from datetime import UTC

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from core.sites import site_url

from .models import Event

STATUS = {
    Event.State.PUBLISHED: "CONFIRMED",
    Event.State.COMPLETED: "CONFIRMED",
    Event.State.CANCELLED: "CANCELLED",
}


def build_calendar(events, *, name):
    """A VCALENDAR with one VEVENT per event; times in UTC so no VTIMEZONE is needed."""
    calendar = Calendar()
    calendar.add("prodid", "-//Changshou Social Organization Federation//Federation Portal//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", str(name))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    base = site_url()  # links: the address the subscriber used
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "federation-portal"  # UIDs: stable
    for event in events:
        url = base + event.get_absolute_url()
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.pk}@{host}")
        entry.add("dtstamp", event.updated_at)  # not the clock: the same feed has the same bytes (ETag, 304)
        entry.add("last-modified", event.updated_at)
        entry.add("dtstart", event.starts_at.astimezone(UTC))
        entry.add("dtend", event.ends_at.astimezone(UTC))
        entry.add("summary", event.title)
        entry.add("location", event.place)
        entry.add("url", url)
        entry.add("description", f"{event.organizer_name}\n\n{event.description}\n\n{url}".strip())
        entry.add("status", STATUS.get(event.state, "TENTATIVE"))
        entry.add("categories", [str(event.get_kind_display())])
        calendar.add_component(entry)
    return calendar.to_ical()
