"""The shared kernel's rows: the audit-trail base, the portal inbox and the data version of the caches."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChangeRecord(models.Model):
    """What every audit-trail row has: when and by whom. Apps add what changed (and why)."""

    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-pk"]


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_user(self, user):
        return self.filter(recipient=user)


class Notification(models.Model):
    """A message in a user's portal inbox; core.notifications decides who gets which."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        db_table = "members_notification"  # moved from members; the table kept its name
        indexes = [models.Index(fields=["recipient", "read_at"], name="members_not_recipie_6c9a84_idx")]

    def __str__(self):
        return self.subject


class DataVersion(models.Model):
    """A counter that every committed change of the public data moves on (core.caching): the one authority
    for "has anything changed?" of every process and server, with a shared cache or without one."""

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    version = models.BigIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return f"{self.name} {self.version}"


class OutboxMessageQuerySet(models.QuerySet):
    def due(self, now=None):
        """Queued messages whose time has come: never tried, or a retry whose wait is over."""
        now = now or timezone.now()
        return self.filter(status=OutboxMessage.Status.QUEUED).filter(
            models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now)
        )

    def sms_to(self, mobile, since):
        """SMS to a mobile that were or will be sent since a moment (the daily limit)."""
        return self.filter(
            channel=OutboxMessage.Channel.SMS,
            recipient=mobile,
            created_at__gte=since,
            status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.SENT],
        )


class OutboxMessage(models.Model):
    """One message to one recipient on one channel, written in the same transaction as the change that causes
    it and delivered by a worker after the commit (core.outbox). Nothing is sent inside a request."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        INBOX = "inbox", _("Portal inbox")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True, help_text=_("E-mail address or mobile."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    sms_params = models.JSONField(_("SMS template parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    about = models.CharField(
        _("about"), max_length=100, blank=True, db_index=True,
        help_text=_("The record the message is about (e.g. a sign-up), so that erasing it erases the message."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["channel", "recipient"])]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.kind} · {self.subject}"


class SmsOptOut(models.Model):
    """A mobile that asked for no more messages (the stop link, or 回复TD退订 at the provider)."""

    mobile = models.CharField(_("mobile"), max_length=20, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("SMS opt-out")
        verbose_name_plural = _("SMS opt-outs")

    def __str__(self):
        return self.mobile
