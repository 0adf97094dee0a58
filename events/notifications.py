"""Who the events app tells what: its rules in the portal's one notification table (core.notifications)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.notifications import Rule, register_rule, resident
from members.audiences import organization_team

from .models import Registration


def _registration_subject(context):
    registration, title = context["registration"], context["event"].title
    if registration.status == Registration.Status.WAITLISTED:
        return _("You are on the waiting list for %(event)s") % {"event": title}
    return _("Your place at %(event)s") % {"event": title}


def _resident(context):
    registration = context["registration"]
    return resident(email=registration.email, mobile=registration.mobile)


def _sms_params(context):
    """The parameters of the providers' approved templates: short values (a provider limits each to ~20–35)."""
    event = context["event"]
    params = {"event": event.title[:20], "time": timezone.localtime(event.starts_at).strftime("%m-%d %H:%M")}
    if "registration" in context:
        params["code"] = context["registration"].short_code
    return params


def _resident_rule(subject, kind):
    return Rule(
        subject=subject,
        template=f"events/email/{kind}.txt",
        audience=_resident,
        sms_template=f"events/sms/{kind}.txt",
        sms_params=_sms_params,
    )


RULES = {
    # Residents have no account: e-mail when they left an address, otherwise a text message to their mobile.
    "event_registration_received": _resident_rule(_registration_subject, "registration_received"),
    "event_registration_promoted": _resident_rule(
        lambda c: _("Your place at %(event)s") % {"event": c["event"].title}, "registration_promoted"
    ),
    "event_changed": _resident_rule(
        lambda c: _("New time or place: %(event)s") % {"event": c["event"].title}, "event_changed"
    ),
    "event_cancelled": _resident_rule(
        lambda c: _("Cancelled: %(event)s") % {"event": c["event"].title}, "event_cancelled"
    ),
    "event_reminder": _resident_rule(
        lambda c: _("Reminder: %(event)s") % {"event": c["event"].title}, "event_reminder"
    ),
    # After the event, to those checked in: rate it (events.services.send_feedback_invitations).
    "event_feedback_invitation": _resident_rule(
        lambda c: _("How was %(event)s? Please rate it") % {"event": c["event"].title}, "feedback_invitation"
    ),
    # The code that lets a resident see their sign-ups (/events/my/): by text message only.
    "event_lookup_code": Rule(
        subject=lambda c: _("Your code"),
        template="events/sms/lookup_code.txt",
        audience=lambda c: resident(mobile=c["mobile"]),
        sms_template="events/sms/lookup_code.txt",
        sms_params=lambda c: {"code": c["code"]},
    ),
    # The code a resident needs to sign up for an event whose organizer asks for one: by text message only.
    "event_sign_up_code": Rule(
        subject=lambda c: _("Your code"),
        template="events/sms/sign_up_code.txt",
        audience=lambda c: resident(mobile=c["mobile"]),
        sms_template="events/sms/sign_up_code.txt",
        sms_params=lambda c: {"code": c["code"], "event": c["event"].title[:20]},
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
