"""The outbox (core.outbox): messages are rows written with their cause and delivered after the commit, never
twice, with retries for temporary failures; staff see them and can send failed ones again."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import outbox, sms
from core.models import OutboxMessage, SmsOptOut
from core.notifications import notify
from core.tasks import retry_due

pytestmark = pytest.mark.django_db

Status, Channel = OutboxMessage.Status, OutboxMessage.Channel


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    settings.SMS_BACKEND = "core.sms.locmem.SmsBackend"
    sms.outbox = []


class FlakySms(sms.BaseSmsBackend):
    """Fails as told by the class attribute `failures` (a list of exceptions, one per attempt), then sends."""

    failures = []

    def send(self, message):
        if FlakySms.failures:
            raise FlakySms.failures.pop(0)
        sms.outbox.append(message)
        return "ok"


class CountingEmailBackend(LocmemEmailBackend):
    opened = 0  # connections made

    def __init__(self, *args, **kwargs):
        CountingEmailBackend.opened += 1
        super().__init__(*args, **kwargs)


def sms_row(**kwargs):
    return outbox.queue("test", channel=Channel.SMS, recipient="13812345678", subject="S", body="B", **kwargs)


def test_a_message_is_a_row_of_the_transaction_that_caused_it_and_a_rollback_sends_nothing(org, org_user, delivered):
    with delivered(), pytest.raises(RuntimeError), transaction.atomic():
        notify("membership_decided", membership=org.membership, organization=org, portal_url="/portal/")
        assert OutboxMessage.objects.count() == 3  # inbox, the admin's e-mail, the organization's e-mail
        raise RuntimeError
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_nothing_is_sent_before_the_commit(org, org_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notify("membership_decided", membership=org.membership, organization=org, portal_url="/portal/")
        assert mail.outbox == []
        assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.QUEUED}


def test_after_the_commit_every_row_is_delivered_once(org, org_user, delivered):
    with delivered():
        notify("membership_decided", membership=org.membership, organization=org, portal_url="/portal/")
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert len(mail.outbox) == 2
    outbox.deliver(list(OutboxMessage.objects.values_list("pk", flat=True)))  # a second worker, too late
    assert len(mail.outbox) == 2


def test_e_mails_of_one_delivery_share_one_connection(settings, delivered):
    settings.EMAIL_BACKEND = "tests.core.test_outbox.CountingEmailBackend"
    CountingEmailBackend.opened = 0
    with delivered():
        for n in range(5):
            outbox.queue("test", channel=Channel.EMAIL, recipient=f"r{n}@example.org", subject="S", body="B")
    ids = list(OutboxMessage.objects.values_list("pk", flat=True))
    OutboxMessage.objects.update(status=Status.QUEUED)
    CountingEmailBackend.opened = 0
    outbox.deliver(ids)
    assert CountingEmailBackend.opened == 1
    assert len(mail.outbox) == 10


def test_a_temporary_failure_is_tried_again_later_then_fails_after_the_last_attempt(settings):
    settings.SMS_BACKEND = "tests.core.test_outbox.FlakySms"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    FlakySms.failures = [sms.TemporaryError("provider busy")] * 3
    message = sms_row()
    assert outbox.deliver([message.pk]) == [message.pk]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.QUEUED, 1)
    assert "provider busy" in message.last_error
    assert message.next_attempt_at > timezone.now()
    outbox.deliver([message.pk])
    message.refresh_from_db()
    assert message.next_attempt_at - timezone.now() > outbox.retry_delay(1)  # the wait grows
    assert outbox.deliver([message.pk]) == []
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 3)
    assert sms.outbox == []


def test_a_temporary_failure_then_success(settings):
    settings.SMS_BACKEND = "tests.core.test_outbox.FlakySms"
    FlakySms.failures = [sms.TemporaryError("timeout")]
    message = sms_row()
    outbox.deliver([message.pk])
    outbox.deliver([message.pk])
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 2, "")
    assert [m.mobile for m in sms.outbox] == ["13812345678"]


def test_a_permanent_failure_is_not_tried_again(settings):
    settings.SMS_BACKEND = "tests.core.test_outbox.FlakySms"
    FlakySms.failures = [sms.PermanentError("isv.MOBILE_NUMBER_ILLEGAL")]
    message = sms_row()
    assert outbox.deliver([message.pk]) == []
    message.refresh_from_db()
    assert message.status == Status.FAILED


def test_without_a_worker_a_failure_marks_the_row_failed_and_never_breaks_the_caller(settings, delivered):
    """The demo and tests run tasks at once after the commit; the mail server is down here."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens
    with delivered():
        outbox.queue("test", channel=Channel.EMAIL, recipient="a@example.org", subject="S", body="B")
    message = OutboxMessage.objects.get()
    assert message.status == Status.FAILED
    assert message.attempts == 1 and message.last_error


def test_the_sweep_sends_what_is_due_and_what_never_reached_a_worker(settings):
    old = timezone.now() - timedelta(minutes=10)
    lost = sms_row()  # queued while the broker was down
    waiting = sms_row()
    OutboxMessage.objects.filter(pk=lost.pk).update(created_at=old)
    OutboxMessage.objects.filter(pk=waiting.pk).update(created_at=old, next_attempt_at=timezone.now() + timedelta(1))
    retry_due()
    assert OutboxMessage.objects.get(pk=lost.pk).status == Status.SENT
    assert OutboxMessage.objects.get(pk=waiting.pk).status == Status.QUEUED


def test_the_same_key_queues_a_message_once():
    assert sms_row(key="reminder:1") is not None
    assert sms_row(key="reminder:1") is None
    assert OutboxMessage.objects.count() == 1


def test_sms_limits_per_mobile_and_day_and_the_opt_out(settings):
    settings.SMS_DAILY_LIMIT = 2
    rows = [sms_row() for _ in range(3)]
    assert [row.status for row in rows] == [Status.QUEUED, Status.QUEUED, Status.SKIPPED]
    assert "limit" in rows[2].last_error
    SmsOptOut.objects.create(mobile="13900000000")
    row = outbox.queue("test", channel=Channel.SMS, recipient="13900000000", subject="S", body="B")
    assert row.status == Status.SKIPPED


def test_staff_see_the_outbox_and_send_failed_messages_again(client, staff_user, settings, delivered):
    settings.SMS_BACKEND = "tests.core.test_outbox.FlakySms"
    FlakySms.failures = [sms.PermanentError("template not approved")]
    message = sms_row()
    outbox.deliver([message.pk])
    client.force_login(staff_user)
    page = client.get(reverse("admin:core_outboxmessage_changelist"), {"status__exact": "failed"})
    assert page.status_code == 200
    assert "138****5678" in page.content.decode() and "13812345678" not in page.content.decode()
    with delivered():
        response = client.post(
            reverse("admin:core_outboxmessage_changelist"),
            {"action": "send_again", "_selected_action": [message.pk]},
        )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Status.SENT and len(sms.outbox) == 1


def test_other_users_cannot_open_the_outbox(client, org_user):
    client.force_login(org_user)
    response = client.get(reverse("admin:core_outboxmessage_changelist"))
    assert response.status_code == 302  # to the admin's login
