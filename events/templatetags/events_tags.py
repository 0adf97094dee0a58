"""Presentation helpers of the events app. No queries here."""

from django import template
from django.utils import formats, timezone

from events.forms import FeedbackForm

register = template.Library()

STATE_CLASSES = {
    "draft": "text-bg-secondary",
    "published": "text-bg-primary",
    "cancelled": "text-bg-dark",
    "completed": "text-bg-success",
}
REGISTRATION_CLASSES = {
    "confirmed": "text-bg-success",
    "waitlisted": "text-bg-warning",
    "cancelled": "text-bg-secondary",
    "attended": "text-bg-primary",
}


@register.filter
def state_badge(state):
    return STATE_CLASSES.get(state, "text-bg-light")


@register.filter
def registration_badge(status):
    return REGISTRATION_CLASSES.get(status, "text-bg-light")


@register.simple_tag
def event_when(event):
    """'2026-05-03 09:00–11:30', or both dates when the event spans several days (Shanghai time)."""
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    first = formats.date_format(start, "Y-m-d H:i")
    if start.date() == end.date():
        return f"{first}–{formats.time_format(end, 'H:i')}"
    return f"{first} – {formats.date_format(end, 'Y-m-d H:i')}"


@register.simple_tag
def new_feedback_form():
    """An empty rating form (events.forms.FeedbackForm), for the private sign-up page's feedback section."""
    return FeedbackForm()
