"""Admin exports of events and registrations, the personal-data log of the latter, and event history."""

import csv
import io

import pytest
from django.urls import reverse

from events.models import Event, Registration
from members.models import PersonalDataAccess
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

EVENT_FIELDS = ["title", "organizer", "kind", "starts_at", "ends_at", "place", "community", "capacity", "state",
                "attendance", "beneficiaries"]
REGISTRATION_FIELDS = ["event", "starts_at", "name", "mobile", "email", "status", "created_at", "checked_in_at"]


def export(client, model, fields, query=""):
    data = {"resource": "0", "format": "0", **{f"{model}resource_{name}": "on" for name in fields}}
    response = client.post(reverse(f"admin:events_{model}_export") + query, data)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_event_export_applies_filters_and_neutralises_formulas(client, staff_user):
    EventFactory(title="-1+1 cleanup", kind=Event.Kind.TRAINING)
    EventFactory(title="Other kind", kind=Event.Kind.PARTNER_DAY)
    client.force_login(staff_user)
    rows = export(client, "event", EVENT_FIELDS, "?kind__exact=training")
    assert [row[0] for row in rows[1:]] == ["'-1+1 cleanup"]
    assert rows[1][2] == "Training"


def test_registration_export_is_filtered_and_logged(client, staff_user):
    event = EventFactory()
    RegistrationFactory(event=event, name="=cmd|' /C calc'!A0")
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    client.force_login(staff_user)
    rows = export(client, "registration", REGISTRATION_FIELDS, "?status__exact=confirmed")
    assert len(rows) == 3
    assert "'=cmd|' /C calc'!A0" in [row[2] for row in rows[1:]]  # newest first, as the list
    log = PersonalDataAccess.objects.get(action="export")
    assert (log.user, log.records) == (staff_user, 2)


def test_event_history_is_recorded_and_registrations_have_none(client, staff_user):
    event = EventFactory(title="Before")
    event.title = "After"
    event.save()
    assert [record.title for record in event.history.all()] == ["After", "Before"]
    assert not hasattr(Registration, "history")
    client.force_login(staff_user)
    assert client.get(reverse("admin:events_event_history", args=[event.pk])).status_code == 200
    original = event.history.earliest()
    url = reverse("admin:events_event_simple_history", args=[event.pk, original.history_id])
    assert client.get(url).status_code == 200
    original.instance.save()  # what the admin's restore does with the earlier version
    event.refresh_from_db()
    assert event.title == "Before"
