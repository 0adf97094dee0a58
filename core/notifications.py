"""Who is told what: the one table (`RULES`) that decides the recipients and text of every notification.

Each kind of event has a rule: its audience (portal users, who also get an inbox entry, and plain
email addresses such as residents'), a subject and a text template. Apps add their rules with
`register_rule()` from their AppConfig.ready(); services call `notify(kind, **context)` after their
transaction commits; nothing else sends notifications.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from .models import Notification
from .sites import site_url


@dataclass(frozen=True)
class Audience:
    users: list
    emails: list


def staff_team():
    users = list(get_user_model().objects.filter(is_staff=True, is_active=True))
    return Audience(users=users, emails=[])


def address_only(email):
    """Someone without an account (a resident, an invited colleague): email only."""
    return Audience(users=[], emails=[email])


@dataclass(frozen=True)
class Rule:
    subject: Callable  # context -> str (called in the site language)
    template: str
    audience: Callable  # context -> Audience
    url: Callable = lambda context: ""


RULES: dict[str, Rule] = {}


def register_rule(kind, rule):
    """Apps add their rules here (from AppConfig.ready); the table stays in one place."""
    RULES[kind] = rule


def notify(kind, **context):
    """Tell the audience of `kind`: an inbox entry for each portal user, and one email per address."""
    rule = RULES[kind]
    audience = rule.audience(context)
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_url": site_url(), **context}
        subject = str(rule.subject(context))
        body = render_to_string(rule.template, context)
        url = rule.url(context)
    users = {user.pk: user for user in audience.users}.values()
    Notification.objects.bulk_create(
        [Notification(recipient=user, kind=kind, subject=subject, body=body, url=url) for user in users]
    )
    addresses = sorted({address for address in [*audience.emails, *(user.email for user in users)] if address})
    if addresses:
        # One message per recipient: addresses of residents and organizations are never shown to each other.
        for address in addresses:
            send_mail(subject, body, None, [address])
    return audience


def unread_count(user):
    if not user.is_authenticated:
        return 0
    return Notification.objects.for_user(user).unread().count()
