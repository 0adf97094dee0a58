"""The tags of the party-building mechanism "5m + 4f + 3h" that events and projects carry (events and projects
share them, so they live here; the 4f service log is members.SupportSession)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ThreeH(models.TextChoices):
    """"3h": 项目推广、规范管理、专业评估."""

    PROMOTION = "promotion", pgettext_lazy("3h tag", "Project promotion")
    MANAGEMENT = "management", pgettext_lazy("3h tag", "Standardised management")
    EVALUATION = "evaluation", pgettext_lazy("3h tag", "Professional evaluation")


class FiveM(models.TextChoices):
    """"5m", the five clarifications: 职能定位、组织结构、人员构成、工作职责、经费来源."""

    FUNCTION = "function", pgettext_lazy("5m topic", "Function and position")
    STRUCTURE = "structure", pgettext_lazy("5m topic", "Organizational structure")
    STAFFING = "staffing", pgettext_lazy("5m topic", "Staffing")
    DUTIES = "duties", pgettext_lazy("5m topic", "Duties")
    FUNDING = "funding", pgettext_lazy("5m topic", "Funding sources")


def three_h_field():
    return models.CharField(
        _("party building: 3h"), max_length=20, choices=ThreeH.choices, blank=True,
        help_text=_("Where it applies: which of the 3h (项目推广、规范管理、专业评估) it serves."),
    )


def five_m_field():
    return models.CharField(
        _("party building: 5m"), max_length=20, choices=FiveM.choices, blank=True,
        help_text=_("Where it applies: which of the 5m topics it clarifies."),
    )
