"""Throttles of anonymous writes: one client cannot fill an event, hold every cancel link or flood the forms."""

import pytest
from django.core import mail
from django.urls import reverse

from core.models import OutboxMessage
from events.models import Registration
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

VISITOR = "203.0.113.66"


@pytest.fixture(autouse=True)
def behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def post(client, url, data, visitor=VISITOR, **extra):
    return client.post(url, data, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=visitor, **extra)


def sign_up(client, event, number, visitor=VISITOR, **extra):
    data = {"name": f"Bot {number}", "mobile": f"139{number:08d}", "consent": "on"}
    return post(client, reverse("events:sign-up", args=[event.pk]), data, visitor=visitor, **extra)


def test_one_client_is_cut_off_long_before_the_event_fills(client, settings):
    settings.THROTTLES = {**settings.THROTTLES, "sign-up-event": "10/h", "sign-up-address": "30/h"}
    event = EventFactory(capacity=30)
    statuses = [sign_up(client, event, number).status_code for number in range(120)]
    assert statuses[:10] == [302] * 10
    assert set(statuses[10:]) == {429}
    assert event.registrations.count() == 10
    # Another resident, elsewhere, still gets a place.
    assert sign_up(client, event, 999, visitor="198.51.100.7").status_code == 302


def test_the_limit_per_address_spans_events(client, settings):
    settings.THROTTLES = {**settings.THROTTLES, "sign-up-event": "10/h", "sign-up-address": "4/h"}
    events = EventFactory.create_batch(5)
    statuses = [sign_up(client, event, number).status_code for number, event in enumerate(events)]
    assert statuses == [302, 302, 302, 302, 429]


def test_one_mobile_is_limited_from_any_address(client, settings):
    settings.THROTTLES = {**settings.THROTTLES, "sign-up-mobile": "3/h"}
    events = EventFactory.create_batch(4)
    data = {"name": "Li", "mobile": "139 1234 5678", "consent": "on"}
    statuses = [
        post(client, reverse("events:sign-up", args=[event.pk]), data, visitor=f"198.51.100.{number}").status_code
        for number, event in enumerate(events)
    ]
    assert statuses == [302, 302, 302, 429]


def test_the_429_page_is_friendly_and_in_chinese(client, settings):
    settings.THROTTLES = {**settings.THROTTLES, "sign-up-event": "1/h"}
    event = EventFactory()
    sign_up(client, event, 1)
    response = sign_up(client, event, 2, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "请稍候" in page and "Traceback" not in page
    assert Registration.objects.count() == 1


def test_reading_the_sign_up_form_is_not_counted(client, settings):
    settings.THROTTLES = {**settings.THROTTLES, "sign-up-event": "1/h"}
    event = EventFactory()
    for _ in range(5):
        assert client.get(reverse("events:sign-up", args=[event.pk]), HTTP_X_FORWARDED_FOR=VISITOR).status_code == 200
    assert sign_up(client, event, 1).status_code == 302


def test_cancellations_are_throttled_per_address(client, settings):
    settings.THROTTLES = {**settings.THROTTLES, "cancel-address": "3/h"}
    registrations = RegistrationFactory.create_batch(4, event=EventFactory())
    statuses = [
        post(client, reverse("events:registration-cancel", args=[registration.token]), {}).status_code
        for registration in registrations
    ]
    assert statuses == [302, 302, 302, 429]


def test_applications_to_join_are_throttled_per_address(client, settings):
    settings.THROTTLES = {**settings.THROTTLES, "join-address": "2/h"}
    statuses = [post(client, reverse("members:join"), {}).status_code for _ in range(3)]
    assert statuses[-1] == 429
    assert 429 not in statuses[:2]


def test_password_resets_are_throttled_per_address(client, settings, org_user):
    settings.THROTTLES = {**settings.THROTTLES, "password-reset-address": "2/h"}
    statuses = [post(client, reverse("password_reset"), {"email": org_user.email}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert OutboxMessage.objects.filter(kind="password_reset").count() == 2
    assert mail.outbox == []


def test_a_cache_outage_lets_residents_sign_up(client, settings, monkeypatch):
    from django_ratelimit import core as ratelimit

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(ratelimit, "get_usage", down)
    monkeypatch.setattr("core.throttle.get_usage", down)
    assert sign_up(client, EventFactory(), 1).status_code == 302
