"""Periodic jobs of the contracts app, run by Celery beat (CELERY_BEAT_SCHEDULE in settings.py)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def remind_overdue_self_assessments():
    """Nightly: one reminder for each self-assessment overdue (14 days after its due date)."""
    return services.remind_overdue_self_assessments()
