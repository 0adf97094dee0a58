"""Who the events app tells what: its rules in the portal's one notification table (core.notifications)."""

from django.utils.translation import gettext_lazy as _

from core.notifications import Rule, address_only, register_rule
from members.audiences import organization_team

from .models import Registration


def _registration_subject(context):
    registration, title = context["registration"], context["event"].title
    if registration.status == Registration.Status.WAITLISTED:
        return _("You are on the waiting list for %(event)s") % {"event": title}
    return _("Your place at %(event)s") % {"event": title}


RULES = {
    # Residents have no account: email only, to the address they left.
    "event_registration_received": Rule(
        subject=_registration_subject,
        template="events/email/registration_received.txt",
        audience=lambda c: address_only(c["registration"].email),
    ),
    "event_registration_promoted": Rule(
        subject=lambda c: _("Your place at %(event)s") % {"event": c["event"].title},
        template="events/email/registration_promoted.txt",
        audience=lambda c: address_only(c["registration"].email),
    ),
    "event_cancelled": Rule(
        subject=lambda c: _("Cancelled: %(event)s") % {"event": c["event"].title},
        template="events/email/event_cancelled.txt",
        audience=lambda c: address_only(c["email"]),
    ),
    # The organization's administrators (inbox and email) and its own address.
    "monthly_duty_reminder": Rule(
        subject=lambda c: _("Reminder: no community activity planned for %(month)s") % {"month": c["month_label"]},
        template="events/email/monthly_duty_reminder.txt",
        audience=lambda c: organization_team(c["organization"]),
        url=lambda c: c["create_url"],
    ),
}


def register():
    for kind, rule in RULES.items():
        register_rule(kind, rule)
