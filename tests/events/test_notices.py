"""What residents hear (issue: messages that reach people): e-mail when they left an address, otherwise a text
message with the short private link; on sign-up, promotion, a change of time or place, a cancellation and a
reminder before the start (once); the messages go with the sign-up's personal data."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core import sms
from core.models import OutboxMessage
from events import services
from events.models import Registration
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    settings.SMS_BACKEND = "core.sms.locmem.SmsBackend"
    settings.LANGUAGE_CODE = "zh-hans"  # what residents read
    sms.outbox = []


def sign_up(event, mobile="13812345678", email=""):
    return services.register_for_event(event, name="李阿姨", mobile=mobile, email=email, consent=True)


def test_a_resident_with_only_a_mobile_gets_a_text_with_the_short_link(delivered):
    event = EventFactory(title="太极拳入门")
    with delivered():
        registration = sign_up(event)
    [message] = sms.outbox
    assert message.mobile == "13812345678"
    assert "太极拳入门" in message.text and registration.get_short_url() in message.text
    assert message.params["code"] == registration.short_code
    assert mail.outbox == []


def test_a_resident_with_an_e_mail_gets_an_e_mail_and_no_text(delivered):
    with delivered():
        sign_up(EventFactory(), email="li@example.org")
    assert [m.to for m in mail.outbox] == [["li@example.org"]]
    assert sms.outbox == []


def test_waitlisted_then_promoted_residents_hear_both(delivered):
    event = EventFactory(capacity=1)
    with delivered():
        first = sign_up(event, mobile="13800000001")
        sign_up(event, mobile="13800000002")
    assert "候补" in sms.outbox[1].text
    with delivered():
        services.cancel_registration(first, token=first.token)
    assert sms.outbox[-1].mobile == "13800000002" and "空出" in sms.outbox[-1].text


def test_a_new_time_or_place_and_a_cancellation_reach_everyone_signed_up(org, org_user, delivered):
    event = EventFactory(organization=org)
    with delivered():
        sign_up(event, mobile="13800000001")
        sign_up(event, mobile="13800000002", email="b@example.org")
    sms.outbox.clear()
    mail.outbox.clear()
    edited = Registration.objects.get(mobile="13800000001").event
    edited.place = "长寿路街道社区文化活动中心"
    with delivered():
        services.update_event(edited, acting_user=org_user)
    assert [m.mobile for m in sms.outbox] == ["13800000001"] and "文化活动中心" in sms.outbox[0].text
    assert [m.to for m in mail.outbox] == [["b@example.org"]]
    edited.description = "只改了介绍"
    with delivered():
        services.update_event(edited, acting_user=org_user)
    assert len(sms.outbox) == 1  # a change of the description is nobody's business
    with delivered():
        services.cancel_event(edited, acting_user=org_user, reason="暴雨预警")
    assert [m.mobile for m in sms.outbox[1:]] == ["13800000001"] and "取消" in sms.outbox[1].text
    assert mail.outbox[-1].to == ["b@example.org"] and "暴雨预警" in mail.outbox[-1].body


def test_the_reminder_goes_once_to_those_with_a_place_within_a_day(delivered):
    now = timezone.now()
    soon = EventFactory(starts_at=now + timedelta(hours=20), ends_at=now + timedelta(hours=22))
    later = EventFactory(starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=2))
    with delivered():
        sign_up(soon, mobile="13800000001")
        sign_up(later, mobile="13800000002")
        cancelled = sign_up(soon, mobile="13800000003")
        services.cancel_registration(cancelled, token=cancelled.token)
    sms.outbox.clear()
    with delivered():
        assert services.send_event_reminders() == 1
        assert services.send_event_reminders() == 0  # the job runs again (a restart): nothing twice
    assert [m.mobile for m in sms.outbox] == ["13800000001"]
    assert "提醒" in sms.outbox[0].text


def test_the_short_link_leads_to_the_private_page_and_an_altered_one_nowhere(client):
    registration = RegistrationFactory()
    response = client.get(registration.get_short_url())
    assert response.status_code == 302 and response["Location"] == registration.get_absolute_url()
    code = registration.short_code
    altered = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert client.get(reverse("events:short-link", args=[altered])).status_code == 404
    assert client.get(reverse("events:short-link", args=["zz"])).status_code == 404
    other = RegistrationFactory()
    forged = code[: -Registration.SHORT_SIGNATURE_LENGTH][:-1] + other.short_code[-Registration.SHORT_SIGNATURE_LENGTH:]
    assert client.get(reverse("events:short-link", args=[forged])).status_code == 404


def test_the_purge_erases_the_messages_sent_to_a_resident_with_their_personal_data(delivered):
    start = timezone.now() - timedelta(days=400)
    past = EventFactory(starts_at=start, ends_at=start + timedelta(hours=2))
    registration = RegistrationFactory(event=past, mobile="13812345678")
    with delivered():
        services.notify_registration(registration, "event_changed")
        recent = sign_up(EventFactory(), mobile="13900000000")
    assert OutboxMessage.objects.filter(recipient="13812345678").exists()
    assert services.purge_personal_data() == 1
    assert not OutboxMessage.objects.filter(recipient="13812345678").exists()
    assert OutboxMessage.objects.filter(about=f"events.registration:{recent.pk}").exists()


def test_every_periodic_job_is_scheduled():
    from django.conf import settings

    from federation_portal.celery import app

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks == {
        "core.tasks.retry_due",
        "events.tasks.send_event_reminders",
        "events.tasks.send_feedback_invitations",
        "events.tasks.remind_monthly_duty",
        "events.tasks.purge_personal_data",
        "communities.tasks.confirm_unreviewed_activities",
        "incubation.tasks.check_team_filings",
    }
    app.loader.import_default_modules()
    assert tasks <= set(app.tasks)
