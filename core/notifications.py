"""Who is told what: the one table (`RULES`) that decides the recipients and text of every notification.

Each kind of event has a rule: its audience (portal users, who also get an inbox entry, plain e-mail addresses
and residents' mobiles), a subject, a text template and, for residents, a short SMS text. Apps add their rules
with `register_rule()` from their AppConfig.ready(); services call `notify(kind, **context)` inside the
transaction of the change, which writes outbox rows that workers deliver after the commit (core.outbox).
Nothing else sends messages.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import translation

from . import outbox
from .models import Notification, OutboxMessage
from .sites import site_url

Channel = OutboxMessage.Channel


@dataclass(frozen=True)
class Audience:
    users: list
    emails: list
    mobiles: list = field(default_factory=list)


def staff_team():
    users = list(get_user_model().objects.filter(is_staff=True, is_active=True))
    return Audience(users=users, emails=[])


def address_only(email):
    """Someone without an account (a resident, an invited colleague): email only."""
    return Audience(users=[], emails=[email])


def resident(email="", mobile=""):
    """A resident: by e-mail when they gave one, otherwise by SMS."""
    if email:
        return Audience(users=[], emails=[email])
    return Audience(users=[], emails=[], mobiles=[mobile] if mobile else [])


@dataclass(frozen=True)
class Rule:
    subject: Callable  # context -> str (called in the site language)
    template: str  # the e-mail and inbox text
    audience: Callable  # context -> Audience
    url: Callable = lambda context: ""
    sms_template: str = ""  # the SMS text (short: a link and the essentials); no SMS without one
    sms_params: Callable = lambda context: {}  # context -> the provider template's parameters


RULES: dict[str, Rule] = {}


def register_rule(kind, rule):
    """Apps add their rules here (from AppConfig.ready); the table stays in one place."""
    RULES[kind] = rule


def notify(kind, *, key=None, about="", **context):
    """Tell the audience of `kind`: an inbox entry for each portal user, an e-mail per address and an SMS per
    mobile, as outbox rows written in the current transaction and delivered after it commits (core.outbox).

    `key` makes the notice idempotent (a reminder sent once); `about` names the record the messages are about
    (a sign-up), so that erasing the record's personal data erases them too."""
    rule = RULES[kind]
    audience = rule.audience(context)
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_url": site_url(), **context}
        subject = str(rule.subject(context))
        body = render_to_string(rule.template, context)
        url = rule.url(context)
        sms_text = render_to_string(rule.sms_template, context).strip() if rule.sms_template else ""
        sms_params = {name: str(value) for name, value in rule.sms_params(context).items()}
    users = {user.pk: user for user in audience.users}.values()

    def key_for(channel, recipient):
        return f"{key}:{channel}:{recipient}" if key else None

    common = {"subject": subject, "body": body, "url": url, "about": about}
    for user in users:
        outbox.queue(kind, channel=Channel.INBOX, user=user, key=key_for("inbox", user.pk), **common)
    # One message per recipient: addresses of residents and organizations are never shown to each other.
    addresses = sorted({address for address in [*audience.emails, *(user.email for user in users)] if address})
    for address in addresses:
        outbox.queue(kind, channel=Channel.EMAIL, recipient=address, key=key_for("email", address), **common)
    if sms_text:
        for mobile in sorted(set(filter(None, audience.mobiles))):
            outbox.queue(
                kind, channel=Channel.SMS, recipient=mobile, subject=subject, body=sms_text, url=url,
                sms_params=sms_params, key=key_for("sms", mobile), about=about,
            )
    return audience


def unread_count(user):
    if not user.is_authenticated:
        return 0
    return Notification.objects.for_user(user).unread().count()
