"""Who the incubation base tells what: its rules in the portal's one notification table (core.notifications)."""

from django.utils.translation import gettext_lazy as _

from core.notifications import Audience, Rule, register_rule, staff_team
from members.audiences import organization_team


def _committees(context):
    from .services import community_accounts_of

    return Audience(users=[account.user for account in community_accounts_of(context["communities"])], emails=[])


def _mentor(context):
    return Audience(users=[context["mentor"]], emails=[])


RULES = {
    "filing_submitted": Rule(
        subject=lambda c: _("%(team)s asks to be filed: your community's opinion") % {"team": c["organization"]},
        template="incubation/email/filing_submitted.txt",
        audience=_committees,
        url=lambda c: c["community_url"],
    ),
    "filing_reviewed": Rule(
        subject=lambda c: _("Filing of %(team)s: the community has given its opinion") % {"team": c["organization"]},
        template="incubation/email/filing_reviewed.txt",
        audience=lambda c: staff_team(),
        url=lambda c: c["staff_url"],
    ),
    "filing_decided": Rule(
        subject=lambda c: _("The street has decided the filing of %(team)s") % {"team": c["organization"]},
        template="incubation/email/filing_decided.txt",
        audience=lambda c: organization_team(c["organization"]),
        url=lambda c: c["portal_url"],
    ),
    "filing_reminder": Rule(
        subject=lambda c: _("Please re-confirm the filing of %(team)s") % {"team": c["organization"]},
        template="incubation/email/filing_reminder.txt",
        audience=lambda c: organization_team(c["organization"]),
        url=lambda c: c["portal_url"],
    ),
    "filings_lapsed": Rule(
        subject=lambda c: _("%(count)d filings of community teams have lapsed") % {"count": len(c["filings"])},
        template="incubation/email/filings_lapsed.txt",
        audience=lambda c: staff_team(),
        url=lambda c: c["staff_url"],
    ),
    "incubation_applied": Rule(
        subject=lambda c: _("%(organization)s applies to the incubation base") % {"organization": c["organization"]},
        template="incubation/email/incubation_applied.txt",
        audience=lambda c: staff_team(),
        url=lambda c: c["staff_url"],
    ),
    "incubation_admitted": Rule(
        subject=lambda c: _("%(organization)s is admitted to the incubation base")
        % {"organization": c["organization"]},
        template="incubation/email/incubation_admitted.txt",
        audience=lambda c: organization_team(c["organization"]),
        url=lambda c: c["portal_url"],
    ),
    "milestone_ticked": Rule(
        subject=lambda c: _("%(organization)s ticked off a milestone: please confirm")
        % {"organization": c["organization"]},
        template="incubation/email/milestone_ticked.txt",
        audience=_mentor,
        url=lambda c: c["mentor_url"],
    ),
    "incubation_graduated": Rule(
        subject=lambda c: _("%(organization)s has graduated from the incubation base")
        % {"organization": c["organization"]},
        template="incubation/email/incubation_graduated.txt",
        audience=lambda c: organization_team(c["organization"]),
        url=lambda c: c["portal_url"],
    ),
}


def register():
    for kind, rule in RULES.items():
        register_rule(kind, rule)
