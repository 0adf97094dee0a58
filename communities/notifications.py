"""Who the communities app tells what: its rules in the portal's one notification table (core.notifications)."""

from django.utils.translation import gettext_lazy as _

from core.notifications import Audience, Rule, register_rule, staff_team
from members.audiences import organization_team


def _organizer_and_staff(context):
    organizer, staff = organization_team(context["organization"]), staff_team()
    return Audience(users=[*organizer.users, *staff.users], emails=organizer.emails)


RULES = {
    "activity_disputed": Rule(
        subject=lambda c: _("%(community)s disputes the activity %(event)s")
        % {"community": c["community"], "event": c["event"].title},
        template="communities/email/activity_disputed.txt",
        audience=_organizer_and_staff,
        url=lambda c: c.get("admin_url", ""),
    ),
    "dispute_resolved": Rule(
        subject=lambda c: _("Staff have decided the dispute about %(event)s") % {"event": c["event"].title},
        template="communities/email/dispute_resolved.txt",
        audience=lambda c: organization_team(c["organization"]),
        url=lambda c: c.get("portal_url", ""),
    ),
}


RULES |= {
    "community_need_posted": Rule(
        subject=lambda c: _("%(community)s posted a need: %(need)s")
        % {"community": c["community"], "need": c["need"].title},
        template="communities/email/need_posted.txt",
        audience=lambda c: staff_team(),
        url=lambda c: c["admin_url"],
    ),
    "need_response_proposed": Rule(
        subject=lambda c: _("%(community)s proposes a response to accept: %(need)s")
        % {"community": c["community"], "need": c["need"].title},
        template="communities/email/need_response_proposed.txt",
        audience=lambda c: staff_team(),
        url=lambda c: c["staff_url"],
    ),
}


def register():
    for kind, rule in RULES.items():
        register_rule(kind, rule)
