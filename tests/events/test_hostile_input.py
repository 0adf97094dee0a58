"""Random and boundary input to the events' public filters and sign-up form: never a server error."""

import pytest
from django.urls import reverse
from hypothesis import given

from events.models import Registration
from tests.events.factories import EventFactory
from tests.security.test_hostile_input import HYPOTHESIS, fields_from

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_throttles(settings):
    """The fuzzer posts hundreds of times from one address; the throttles are tested in test_throttling.py."""
    settings.THROTTLES = {}


@pytest.fixture(scope="module")
def hostile_event(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        event = EventFactory(capacity=1000)
        yield event
        organization = event.organization
        event.delete()
        organization.delete()


@HYPOTHESIS
@given(params=fields_from(["q", "kind", "community", "organization", "date_from", "date_to", "page"]))
def test_event_filters_never_fail(client, hostile_event, params):
    assert client.get(reverse("events:list"), params).status_code in (200, 404)


@HYPOTHESIS
@given(data=fields_from(["name", "mobile", "email", "consent"]))
def test_sign_up_never_fails(client, hostile_event, data):
    response = client.post(reverse("events:sign-up", args=[hostile_event.pk]), data)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        registration = Registration.objects.get(token=response.url.rstrip("/").rsplit("/", 1)[-1])
        assert len(registration.mobile) == 11
