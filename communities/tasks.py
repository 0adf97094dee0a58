"""Periodic jobs of the communities app, run by Celery beat (CELERY_BEAT_SCHEDULE in settings.py)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def confirm_unreviewed_activities():
    """Nightly: activities nobody in their community looked at confirm themselves COMMUNITY_CONFIRMATION_DAYS
    after their end."""
    return services.confirm_unreviewed_activities()
