"""The organizer's event page offers exactly the actions the event's state allows (Event.publish_refusal,
can_be_cancelled, can_file_report), and says why a draft cannot be published."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def buttons(client, event):
    page = client.get(reverse("events:manage-detail", args=[event.pk])).content.decode()
    return {
        "publish": reverse("events:manage-publish", args=[event.pk]) in page,
        "cancel": reverse("events:manage-cancel", args=[event.pk]) in page,
        "report": reverse("events:manage-report", args=[event.pk]) in page,
        "edit": reverse("events:manage-edit", args=[event.pk]) in page,
    }, page


def test_a_draft_can_be_published_edited_and_cancelled(client, org, org_user):
    client.force_login(org_user)
    event = EventFactory(organization=org, state="draft", published_at=None)
    shown, _ = buttons(client, event)
    assert shown == {"publish": True, "cancel": True, "report": False, "edit": True}


def test_a_draft_that_is_over_says_why_it_cannot_be_published_and_the_service_agrees(client, org, org_user):
    client.force_login(org_user)
    start = timezone.now() - timedelta(days=3)
    event = EventFactory(organization=org, state="draft", published_at=None, starts_at=start,
                         ends_at=start + timedelta(hours=2))
    shown, page = buttons(client, event)
    assert not shown["publish"]
    assert "already over" in page
    with pytest.raises(Exception, match="already over"):
        services.publish_event(event, acting_user=org_user)


def test_a_published_event_that_started_can_be_reported_on_and_cancelled_not_published(client, org, org_user):
    client.force_login(org_user)
    start = timezone.now() - timedelta(hours=1)
    event = EventFactory(organization=org, starts_at=start, ends_at=start + timedelta(hours=2))
    shown, _ = buttons(client, event)
    assert shown == {"publish": False, "cancel": True, "report": True, "edit": True}


@pytest.mark.parametrize("state", ["cancelled", "completed"])
def test_a_cancelled_or_completed_event_offers_nothing(client, org, org_user, state):
    client.force_login(org_user)
    event = EventFactory(organization=org, state=state)
    shown, _ = buttons(client, event)
    assert shown == {"publish": False, "cancel": False, "report": False, "edit": False}
