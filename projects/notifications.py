"""Who the projects app tells what: its rules in the portal's one notification table (core.notifications)."""

from django.utils.translation import gettext_lazy as _

from core.notifications import Audience, Rule, register_rule, staff_team
from members.audiences import all_members, organization_team

RULES = {
    # Every member organization hears about a call that opens.
    "call_opened": Rule(
        subject=lambda c: _("New call for proposals: %(call)s") % {"call": c["call"].title},
        template="projects/email/call_opened.txt",
        audience=lambda c: all_members(),
        url=lambda c: c["call_url"],
    ),
    # The call's reviewers, when its proposals are ready to score.
    "review_requested": Rule(
        subject=lambda c: _("Proposals to review: %(call)s") % {"call": c["call"].title},
        template="projects/email/review_invitation.txt",
        audience=lambda c: Audience(users=list(c["call"].reviewers.all()), emails=[]),
        url=lambda c: c["review_url"],
    ),
    # The applicant's administrators (inbox and email) and its own address.
    "project_decided": Rule(
        subject=lambda c: _("Your proposal “%(title)s”: %(state)s")
        % {"title": c["project"].title, "state": c["project"].get_state_display()},
        template="projects/email/project_decision.txt",
        audience=lambda c: organization_team(c["project"].organization),
        url=lambda c: c["portal_url"],
    ),
    "need_response_received": Rule(
        subject=lambda c: _("New response to the community need “%(need)s”") % {"need": c["need"].title},
        template="projects/email/need_response.txt",
        audience=lambda c: staff_team(),
        url=lambda c: c["admin_url"],
    ),
    # The committee member who posted the need hears of each response (they propose one to accept).
    "need_response_for_poster": Rule(
        subject=lambda c: _("New response to your community's need “%(need)s”") % {"need": c["need"].title},
        template="projects/email/need_response_for_poster.txt",
        audience=lambda c: Audience(users=[c["need"].posted_by], emails=[]),
        url=lambda c: c["need_url"],
    ),
    "need_matched": Rule(
        subject=lambda c: _("Your response was accepted: %(need)s") % {"need": c["need"].title},
        template="projects/email/need_matched.txt",
        audience=lambda c: organization_team(c["response"].organization),
        url=lambda c: c["need_url"],
    ),
}


def register():
    for kind, rule in RULES.items():
        register_rule(kind, rule)
