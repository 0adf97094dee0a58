"""Background work of the shared kernel (Celery): delivering the outbox and sweeping what is due."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import outbox
from .models import OutboxMessage


@shared_task(bind=True, ignore_result=True)
def deliver(self, ids):
    """Deliver outbox rows; temporary failures come back after their wait (outbox.retry_delay)."""
    retry = outbox.deliver(ids, final=bool(self.request.is_eager))
    if retry:
        wait = min(m.next_attempt_at for m in OutboxMessage.objects.filter(pk__in=retry)) - timezone.now()
        deliver.apply_async([retry], countdown=max(wait.total_seconds(), 1))


@shared_task(ignore_result=True)
def retry_due():
    """Every minute (beat): rows whose retry time has come, or that never reached a worker (broker down)."""
    stale = timezone.now() - timedelta(seconds=settings.OUTBOX_SWEEP_AFTER_SECONDS)
    due = OutboxMessage.objects.due().filter(created_at__lte=stale)
    ids = list(due.order_by("created_at").values_list("pk", flat=True)[:500])
    if ids:
        outbox.deliver(ids)
