"""Who the evaluation tells what: its rules in the portal's one notification table (core.notifications)."""

from django.utils.translation import gettext_lazy as _

from core.notifications import Audience, Rule, register_rule
from members.audiences import organization_team

RULES = {
    "evaluation_opened": Rule(
        subject=lambda c: _("Evaluation %(cycle)s: fill in your self-assessment") % {"cycle": c["cycle"].name},
        template="evaluation/email/evaluation_opened.txt",
        audience=lambda c: organization_team(c["organization"]),
        url=lambda c: c.get("portal_url", ""),
    ),
    "evaluation_published": Rule(
        subject=lambda c: _("Evaluation %(cycle)s: your result is published") % {"cycle": c["cycle"].name},
        template="evaluation/email/evaluation_published.txt",
        audience=lambda c: organization_team(c["organization"]),
        url=lambda c: c.get("portal_url", ""),
    ),
    "evaluation_assigned": Rule(
        subject=lambda c: _("Evaluation %(cycle)s: a dossier to assess") % {"cycle": c["cycle"].name},
        template="evaluation/email/evaluation_assigned.txt",
        audience=lambda c: Audience(users=[c["assessor"]], emails=[]),
        url=lambda c: c.get("assess_url", ""),
    ),
}


def register():
    for kind, rule in RULES.items():
        register_rule(kind, rule)
