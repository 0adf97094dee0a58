"""The outbox: messages are rows written with the change that causes them, and delivered after the commit.

`queue()` writes one OutboxMessage per recipient and channel inside the caller's transaction (a rolled-back change
sends nothing) and asks a worker to deliver them once the transaction commits (`core.tasks.deliver`). Without a
broker (the demo, the tests) the task runs at once after the commit; a failure then marks the row failed and never
breaks the page. A delivery locks its row and sends only a queued one, so a row is never delivered twice.

Temporary failures (the mail server or the SMS provider unreachable) are tried again with growing waits
(OUTBOX_RETRY_SECONDS × 2ⁿ) up to OUTBOX_MAX_ATTEMPTS; permanent ones (an address refused) fail at once. Staff see
the rows in the admin and can send failed ones again.
"""

import logging
import smtplib
import socket
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import sms
from .models import Notification, OutboxMessage, SmsOptOut
from .validators import mask_mobile

logger = logging.getLogger(__name__)

Channel, Status = OutboxMessage.Channel, OutboxMessage.Status


def _start_of_day(now=None):
    local = timezone.localtime(now or timezone.now())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def queue(kind, *, channel, subject, body, recipient="", user=None, url="", sms_params=None, key=None, about=""):
    """One message, written now (in the caller's transaction) and delivered after the commit.

    `key` makes the message idempotent: a second message with the same key is not written (returns None). An SMS
    to a mobile that opted out, or beyond SMS_DAILY_LIMIT for that mobile today, is kept as "not sent".
    """
    message = OutboxMessage(
        kind=kind, channel=channel, recipient=recipient, user=user, subject=subject[:200], body=body, url=url,
        sms_params=sms_params or {}, about=about, idempotency_key=key or f"{kind}:{uuid.uuid4().hex}",
    )
    if channel == Channel.SMS:
        if SmsOptOut.objects.filter(mobile=recipient).exists():
            message.status, message.last_error = Status.SKIPPED, "opted out"
        elif OutboxMessage.objects.sms_to(recipient, _start_of_day()).count() >= settings.SMS_DAILY_LIMIT:
            message.status, message.last_error = Status.SKIPPED, "daily limit reached"
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        if key and OutboxMessage.objects.filter(idempotency_key=key).exists():
            return None  # already queued (a reminder sent once, a repeated request)
        raise
    if message.status == Status.QUEUED:
        schedule_delivery([message.pk])
    return message


def schedule_delivery(ids):
    """Hand the rows to a worker once the current transaction commits (at once outside one)."""
    ids = list(ids)

    def enqueue():
        from .tasks import deliver

        try:
            deliver.delay(ids)
        except Exception:  # the broker is down: the rows stay queued and the sweep (retry_due) sends them
            logger.warning("outbox: could not hand %d message(s) to a worker", len(ids), exc_info=True)

    transaction.on_commit(enqueue)


# Delivery


def _send_email(message, connection):
    EmailMessage(message.subject, message.body, None, [message.recipient], connection=connection).send()


def _send_sms(message):
    text = sms.make_message(message.recipient, message.body, kind=message.kind, params=message.sms_params)
    sms.get_backend().send(text)
    logger.info("outbox: SMS %s to %s", message.kind, mask_mobile(message.recipient))


def _send_inbox(message):
    Notification.objects.create(
        recipient=message.user, kind=message.kind, subject=message.subject, body=message.body, url=message.url
    )


def _is_temporary(error):
    if isinstance(error, sms.TemporaryError | socket.timeout | ConnectionError | TimeoutError):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused | sms.PermanentError | ValueError):
        return False
    return isinstance(error, smtplib.SMTPException | OSError)


def retry_delay(attempts):
    return timedelta(seconds=settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def deliver(ids, *, final=False):
    """Deliver these queued rows (others are left alone); e-mails share one connection.

    Returns the ids to try again later. With `final`, a temporary failure is final too (no worker to retry)."""
    connection = None
    retry = []
    try:
        for pk in ids:
            with transaction.atomic():
                message = (
                    OutboxMessage.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, status=Status.QUEUED)
                    .first()
                )
                if message is None:
                    continue  # sent, failed or being sent by another worker
                message.attempts += 1
                try:
                    if message.channel == Channel.EMAIL:
                        if connection is None:
                            connection = get_connection()
                        _send_email(message, connection)
                    elif message.channel == Channel.SMS:
                        _send_sms(message)
                    else:
                        _send_inbox(message)
                except Exception as error:  # noqa: BLE001 - every failure is recorded on the row
                    message.last_error = f"{type(error).__name__}: {error}"[:2000]
                    if _is_temporary(error) and not final and message.attempts < settings.OUTBOX_MAX_ATTEMPTS:
                        message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
                        retry.append(message.pk)
                    else:
                        message.status = Status.FAILED
                        message.next_attempt_at = None
                    logger.warning("outbox: %s %s attempt %d failed: %s", message.channel, message.kind,
                                   message.attempts, message.last_error)
                else:
                    message.status, message.sent_at, message.next_attempt_at = Status.SENT, timezone.now(), None
                    message.last_error = ""
                message.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "sent_at"])
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001
                logger.debug("outbox: closing the mail connection failed", exc_info=True)
    return retry


def resend(message):
    """A failed (or not sent) message queued again, with its attempts counted afresh (staff, in the admin)."""
    if message.status == Status.SENT:
        return False
    message.status, message.attempts, message.next_attempt_at = Status.QUEUED, 0, None
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    schedule_delivery([message.pk])
    return True
