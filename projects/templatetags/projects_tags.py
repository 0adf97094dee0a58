"""Presentation helpers of the projects app. No queries here."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

register = template.Library()

# What an organization reads on its proposal's page while others have the next step.
PORTAL_NOTES = {
    "submitted": _("Your proposal has been submitted. It will be reviewed after the call closes."),
    "under_review": _("Reviewers are scoring your proposal. You will be emailed when the street office decides."),
}

STATE_BADGES = {
    "draft": "text-bg-light border",
    "submitted": "text-bg-info",
    "under_review": "text-bg-info",
    "approved": "text-bg-primary",
    "rejected": "text-bg-secondary",
    "in_progress": "text-bg-success",
    "completed": "text-bg-dark",
    # calls and needs
    "open": "text-bg-success",
    "reviewing": "text-bg-info",
    "decided": "text-bg-dark",
    "matched": "text-bg-primary",
    "closed": "text-bg-secondary",
}


@register.filter
def state_badge(state):
    """Bootstrap badge classes for a project, call or need state."""
    return STATE_BADGES.get(str(state), "text-bg-light border")


@register.filter
def portal_note(state):
    """The note above a proposal in the portal while it waits for the call or the reviewers ("" otherwise)."""
    return PORTAL_NOTES.get(str(state), "")


@register.filter
def score(value, digits=1):
    """A score with one decimal, or an em dash when there is none (no reviews yet)."""
    if value is None or value == "":
        return "—"
    return number_format(round(float(value), int(digits)), decimal_pos=int(digits))


@register.filter
def next_sort(current, key):
    """The sort parameter a column header links to: descending first, a second click flips it."""
    if current == f"-{key}":
        return key
    if current == key:
        return f"-{key}"
    return key if key == "title" else f"-{key}"


@register.filter
def sort_indicator(current, key):
    if current == key:
        return "▲"
    if current == f"-{key}":
        return "▼"
    return ""


@register.filter
def sort_state(current, key):
    """aria-sort value for a column header."""
    if current == key:
        return "ascending"
    if current == f"-{key}":
        return "descending"
    return "none"
