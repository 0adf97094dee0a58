"""Periodic jobs of the incubation base, run by Celery beat (CELERY_BEAT_SCHEDULE in settings.py)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def check_team_filings():
    """Daily: teams are reminded 30 days before their filing's anniversary; filings not re-confirmed within 60
    days after it lapse."""
    lapsed = services.lapse_filings()  # first: a filing that lapses today is not reminded any more
    reminded = services.remind_filings()
    return {"reminded": reminded, "lapsed": len(lapsed)}
