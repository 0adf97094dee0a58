"""Periodic jobs of the events app, run by Celery beat (CELERY_BEAT_SCHEDULE in settings.py)."""

from celery import shared_task

from . import compliance, services


@shared_task(ignore_result=True)
def send_event_reminders():
    """Every few minutes: a reminder to everyone with a place at an event within REMINDER_HOURS (once each)."""
    return services.send_event_reminders()


@shared_task(ignore_result=True)
def send_feedback_invitations():
    """Hourly in the daytime: those checked in at an event that has ended are invited to rate it (once each)."""
    return services.send_feedback_invitations()


@shared_task(ignore_result=True)
def remind_monthly_duty():
    """On the 20th: members with no community activity planned this month are reminded (once per month)."""
    month = compliance.this_month()
    for organization in compliance.organizations_to_remind(month):
        services.send_duty_reminder(organization, month=month)


@shared_task(ignore_result=True)
def purge_personal_data():
    """Daily: residents' names, mobiles and e-mails, and the messages sent to them, after the retention period."""
    return services.purge_personal_data()
