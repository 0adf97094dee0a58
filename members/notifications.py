"""Who is told what: the one place that decides the recipients of every notification.

Each kind of event has a rule: its audience (portal users, who also get an inbox entry, and plain
email addresses such as residents'), a subject and a text template. Services call
`notify(kind, **context)` after their transaction commits; nothing else sends notifications.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import Notification, Organization, OrganizationAccount


@dataclass(frozen=True)
class Audience:
    users: list
    emails: list


def organization_team(organization):
    """An organization's administrators (inbox + email) and its public email address."""
    admins = [
        account.user
        for account in OrganizationAccount.objects.filter(
            organization=organization, role=OrganizationAccount.Role.ADMIN, user__is_active=True
        ).select_related("user")
    ]
    return Audience(users=admins, emails=[organization.email])


def staff_team():
    users = list(get_user_model().objects.filter(is_staff=True, is_active=True))
    return Audience(users=users, emails=[])


def all_members():
    """Administrators of every active member organization (e.g. a new call for proposals)."""
    admins = [
        account.user
        for account in OrganizationAccount.objects.filter(
            organization__in=Organization.objects.members(), role=OrganizationAccount.Role.ADMIN, user__is_active=True
        ).select_related("user")
    ]
    return Audience(users=admins, emails=[])


def address_only(email):
    """Someone without an account (a resident, an invited colleague): email only."""
    return Audience(users=[], emails=[email])


@dataclass(frozen=True)
class Rule:
    subject: Callable  # context -> str (called in the site language)
    template: str
    audience: Callable  # context -> Audience
    url: Callable = lambda context: ""


RULES = {
    "membership_applied": Rule(
        subject=lambda c: _("New membership application: %(organization)s") % {"organization": c["organization"]},
        template="members/email/new_application.txt",
        audience=lambda c: staff_team(),
        url=lambda c: c.get("admin_url", ""),
    ),
    "membership_decided": Rule(
        subject=lambda c: _("Your membership: %(status)s") % {"status": c["membership"].get_status_display()},
        template="members/email/membership_decision.txt",
        audience=lambda c: organization_team(c["organization"]),
        url=lambda c: c.get("portal_url", ""),
    ),
    "invitation": Rule(
        subject=lambda c: _("Invitation to the %(organization)s portal") % {"organization": c["organization"]},
        template="members/email/invitation.txt",
        audience=lambda c: address_only(c["invitation"].email),
    ),
}


def register_rule(kind, rule):
    """Apps above members add their rules here (from AppConfig.ready); the table stays in one place."""
    RULES[kind] = rule


def notify(kind, **context):
    """Tell the audience of `kind`: an inbox entry for each portal user, and one email per address."""
    rule = RULES[kind]
    audience = rule.audience(context)
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
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

