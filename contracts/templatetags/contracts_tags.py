"""Presentation helpers of the contracts app. No queries here."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()

STATE_BADGES = {"active": "text-bg-success", "paused": "text-bg-danger", "completed": "text-bg-dark"}
VERDICT_BADGES = {"pass": "text-bg-success", "rectify": "text-bg-warning", "fail": "text-bg-danger"}


@register.filter
def contract_badge(state):
    return STATE_BADGES.get(str(state), "text-bg-light border")


@register.filter
def verdict_badge(verdict):
    return VERDICT_BADGES.get(str(verdict), "text-bg-light border")


@register.filter
def money(value):
    """¥200,000 or ¥1,234.50: cents only when there are any."""
    if value is None or value == "":
        return "—"
    text = f"{value:.2f}".removesuffix(".00")
    whole, _, cents = text.partition(".")
    return f"¥{intcomma(int(whole))}{'.' + cents if cents else ''}"


@register.filter
def figure(value):
    """A figure without trailing zeros (14, 92.5)."""
    if value is None or value == "":
        return "—"
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


@register.filter
def percent_of(actual, target):
    """actual as a whole per cent of target ("65 %"), or — without either."""
    if actual is None or not target:
        return "—"
    return f"{round(100 * actual / target)} %"


@register.filter
def overdue_on(evaluation, today):
    """Whether the self-assessment is overdue on `today` (Evaluation.is_overdue)."""
    return evaluation.is_overdue(today)
