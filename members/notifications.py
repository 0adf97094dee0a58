"""Members' notifications: the rules of membership and invitations.

The engine and its one table of rules are `core.notifications`; these rules join it from MembersConfig.ready().
"""

from django.utils.translation import gettext_lazy as _

from core.notifications import Audience, Rule, address_only, register_rule, staff_team

from .audiences import organization_team

RULES = {
    "membership_applied": Rule(
        subject=lambda c: _("New membership application: %(organization)s") % {"organization": c["organization"]},
        template="members/email/new_application.txt",
        audience=lambda c: staff_team(),
        url=lambda c: c.get("admin_url", ""),
    ),
    "membership_application_received": Rule(
        subject=lambda c: _("We received your membership application: %(organization)s")
        % {"organization": c["organization"]},
        template="members/email/application_received.txt",
        audience=lambda c: organization_team(c["organization"]),
        url=lambda c: c.get("portal_url", ""),
    ),
    "membership_decided": Rule(
        subject=lambda c: _("Your membership: %(status)s") % {"status": c["membership"].get_status_display()},
        template="members/email/membership_decision.txt",
        audience=lambda c: organization_team(c["organization"]),
        url=lambda c: c.get("portal_url", ""),
    ),
    "colleague_joined": Rule(
        subject=lambda c: _("%(name)s has joined %(organization)s in the portal")
        % {"name": c["account"].user.get_full_name() or c["account"].user.email, "organization": c["organization"]},
        template="members/email/colleague_joined.txt",
        audience=lambda c: Audience(
            users=[user for user in organization_team(c["organization"]).users if user.pk != c["account"].user_id],
            emails=[],
        ),
        url=lambda c: c.get("people_url", ""),
    ),
    "invitation": Rule(
        subject=lambda c: _("Invitation to the %(organization)s portal") % {"organization": c["organization"]},
        template="members/email/invitation.txt",
        audience=lambda c: address_only(c["invitation"].email),
    ),
}


def register():
    for kind, rule in RULES.items():
        register_rule(kind, rule)
