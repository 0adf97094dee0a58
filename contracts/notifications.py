"""Who the contracts app tells what: its rules in the portal's one notification table (core.notifications)."""

from django.utils.translation import gettext_lazy as _

from core.notifications import Audience, Rule, register_rule, staff_team
from members.audiences import organization_team


def _organization_and_staff(context):
    organization, staff = organization_team(context["organization"]), staff_team()
    return Audience(users=[*organization.users, *staff.users], emails=organization.emails)


RULES = {
    "contract_signed": Rule(
        subject=lambda c: _("Contract %(number)s signed: %(project)s")
        % {"number": c["contract"].number, "project": c["contract"].project.title},
        template="contracts/email/contract_signed.txt",
        audience=lambda c: organization_team(c["organization"]),
        url=lambda c: c["portal_url"],
    ),
    "contract_evaluators": Rule(
        subject=lambda c: _("A contract to evaluate: %(project)s") % {"project": c["contract"].project.title},
        template="contracts/email/evaluators.txt",
        audience=lambda c: Audience(users=list(c["evaluators"]), emails=[]),
        url=lambda c: c["evaluate_url"],
    ),
    "self_assessment_filed": Rule(
        subject=lambda c: _("Self-assessment filed: %(project)s") % {"project": c["contract"].project.title},
        template="contracts/email/self_assessment_filed.txt",
        audience=lambda c: Audience(users=list(c["contract"].evaluators.all()), emails=[]),
        url=lambda c: c["evaluate_url"],
    ),
    "evaluation_decided": Rule(
        subject=lambda c: _("%(evaluation)s of %(project)s: %(verdict)s")
        % {
            "evaluation": c["evaluation"].get_kind_display(),
            "project": c["contract"].project.title,
            "verdict": c["evaluation"].get_verdict_display(),
        },
        template="contracts/email/evaluation_decided.txt",
        audience=_organization_and_staff,
        url=lambda c: c["portal_url"],
    ),
    "contract_paused": Rule(
        subject=lambda c: _("Contract %(number)s is paused") % {"number": c["contract"].number},
        template="contracts/email/contract_paused.txt",
        audience=_organization_and_staff,
        url=lambda c: c["portal_url"],
    ),
    "self_assessment_overdue": Rule(
        subject=lambda c: _("Your self-assessment for %(project)s is overdue")
        % {"project": c["contract"].project.title},
        template="contracts/email/self_assessment_overdue.txt",
        audience=lambda c: organization_team(c["organization"]),
        url=lambda c: c["portal_url"],
    ),
}


def register():
    for kind, rule in RULES.items():
        register_rule(kind, rule)
