"""Evidence-based evaluation (社会组织等级评估 and the street's 星级) and the party-building ledger.

A `Scheme` is data: a tree of indicators (areas → items → leaves with maximum points), grade thresholds, the years a
result stays valid and the eligibility checklist. Staff open a `Cycle` on a scheme; each participating organization
gets a `Dossier` with one `Entry` per leaf (self-score, evidence; the assessor's score and reason). Publishing a cycle
writes each organization's grade (or star rating) with its validity onto `members.Organization`, which the public
page and the calls' minimum grade read.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import ChangeRecord
from members.models import Grade, Organization

ZERO = Decimal("0")


class Evidence(models.TextChoices):
    """What the portal's own records can show for a leaf (evaluation.evidence computes each one)."""

    MONTHLY_DUTY = "monthly_duty", _("Monthly activity duty")
    REPORTS = "reports", _("After-event reports filed")
    ATTENDANCE = "attendance", _("Verified attendance")
    FEEDBACK = "feedback", _("Residents' ratings")
    COMMUNITY_RATINGS = "community_ratings", _("Neighbourhood committees' ratings")
    PROJECTS = "projects", _("Projects completed, brand and selected")
    MEMBERSHIP = "membership", _("Membership and council roles")
    PROFILE = "profile", _("Profile completeness")
    PARTY_BUILDING = "party_building", _("Party-building records")


class SchemeQuerySet(models.QuerySet):
    def in_use(self):
        """Schemes a cycle has been opened on: frozen, so that past results stay what they were."""
        return self.filter(cycles__isnull=False).distinct()


class Scheme(models.Model):
    """An evaluation scheme: the indicator tree, the thresholds, the validity and the eligibility checklist."""

    class Kind(models.TextChoices):
        GRADE = "grade", _("Evaluation grade (1A–5A)")
        STARS = "stars", _("Star rating (1–5 stars)")

    name = models.CharField(_("name"), max_length=120)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GRADE)
    validity_years = models.PositiveSmallIntegerField(
        _("validity (years)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("A published result is valid this many years from the day it is published."),
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name", "-version"]
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="scheme_name_version_unique")]

    def __str__(self):
        return _("%(name)s (version %(version)s)") % {"name": self.name, "version": self.version}

    @property
    def is_in_use(self):
        """A scheme a cycle uses cannot change in ways that would change past results: copy it to a new version."""
        return self.pk is not None and self.cycles.exists()

    def leaves(self):
        return self.indicators.filter(children__isnull=True).order_by("position", "code")

    def total_points(self):
        return sum((leaf.max_points for leaf in self.leaves()), ZERO)

    def level_for(self, points):
        """The level (1–5) whose threshold `points` reach, the highest one; 0 below every threshold."""
        reached = [t.level for t in self.thresholds.all() if points >= t.minimum_points]
        return max(reached, default=0)

    def label_of(self, level):
        """'3A' for a grade, '★★★' for a star rating, '—' for none."""
        if not level:
            return "—"
        return Grade(level).label if self.kind == self.Kind.GRADE else "★" * level


class Indicator(models.Model):
    """A node of a scheme's tree: an area (一级指标), an item, or a leaf that is scored (no children)."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. 2.1.3: its place in the tree."))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("What earns the points."))
    max_points = models.DecimalField(
        _("maximum points"), max_digits=6, decimal_places=1, validators=[MinValueValidator(ZERO)]
    )
    evidence = models.CharField(
        _("evidence from the portal"), max_length=30, choices=Evidence.choices, blank=True,
        help_text=_("The portal's own records shown next to this leaf, with their numbers and links."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["scheme", "position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="indicator_code_unique_in_scheme")]

    def __str__(self):
        return f"{self.code} {self.title}"

    def clean(self):
        if self.parent_id and self.scheme_id and self.parent.scheme_id != self.scheme_id:
            raise ValidationError({"parent": _("An indicator belongs to the tree of its own scheme.")})


class GradeThreshold(models.Model):
    """The fewest points a level needs in a scheme (set locally: e.g. 5A ≥ 950, 4A ≥ 900, 3A ≥ 850, 2A ≥ 800)."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="thresholds")
    level = models.PositiveSmallIntegerField(_("level"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    minimum_points = models.DecimalField(_("minimum points"), max_digits=6, decimal_places=1)

    class Meta:
        ordering = ["scheme", "-level"]
        verbose_name = _("grade threshold")
        verbose_name_plural = _("grade thresholds")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "level"], name="threshold_level_unique_in_scheme"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="threshold_level_1_to_5"),
        ]

    def __str__(self):
        return f"{self.scheme.label_of(self.level)} ≥ {self.minimum_points}"


class EligibilityCriterion(models.Model):
    """A reason an organization is not assessed in a cycle (e.g. missed the annual inspection)."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="eligibility_criteria"
    )
    text = models.CharField(_("text"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["scheme", "position", "pk"]
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility checklist")

    def __str__(self):
        return self.text


class CycleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=Cycle.State.PUBLISHED)


class Cycle(models.Model):
    """One round of evaluation on a scheme: a period assessed, the participating organizations (their dossiers),
    the self-scoring deadline."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("evaluation cycle state", "Open")
        PUBLISHED = "published", pgettext_lazy("evaluation cycle state", "Results published")

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="cycles")
    name = models.CharField(_("name"), max_length=120)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    deadline = models.DateTimeField(
        _("self-scoring deadline"), help_text=_("Organizations fill in their self-scores and evidence until then.")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("evaluation cycle")
        verbose_name_plural = _("evaluation cycles")
        permissions = [("publish_cycle", _("Can publish the results of an evaluation cycle"))]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="cycle_period_order"),
        ]

    def __str__(self):
        return self.name

    def is_self_scoring(self, now=None):
        """Organizations may still change their self-scores: the cycle is open and its deadline not past."""
        return self.state == self.State.OPEN and (now or timezone.now()) < self.deadline

    @property
    def is_published(self):
        return self.state == self.State.PUBLISHED


class DossierQuerySet(models.QuerySet):
    def for_organization(self, organization):
        return self.filter(organization=organization)

    def assigned_to(self, user):
        """The dossiers an assessor is assigned to (none for anonymous users)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(assessor=user)

    def published(self):
        return self.filter(cycle__state=Cycle.State.PUBLISHED)


class Dossier(models.Model):
    """An organization's evaluation in a cycle: its entries, its assessor, its result."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="dossiers")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="evaluation_dossiers"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessor"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="assessed_dossiers",
        help_text=_("Not someone who works for the organization (the reviewers' conflict-of-interest rule)."),
    )
    submitted_at = models.DateTimeField(_("self-assessment submitted at"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    not_assessed_because = models.ForeignKey(
        EligibilityCriterion, verbose_name=_("not assessed because"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    not_assessed_note = models.TextField(_("note on the reason"), blank=True)
    self_total = models.DecimalField(_("self-score total"), max_digits=7, decimal_places=1, null=True, blank=True)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=1, null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("result"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "organization__name"]
        verbose_name = _("evaluation dossier")
        verbose_name_plural = _("evaluation dossiers")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization"], name="one_dossier_per_organization_per_cycle")
        ]

    def __str__(self):
        return f"{self.cycle} · {self.organization}"

    @property
    def is_excluded(self):
        return self.not_assessed_because_id is not None

    def is_editable_by_organization(self, now=None):
        """The organization changes its self-scores until it submits them or the deadline passes."""
        return not self.is_excluded and self.submitted_at is None and self.cycle.is_self_scoring(now)

    def is_ready_for_assessment(self, now=None):
        """Submitted, or the deadline has passed (missing leaves stay missing): the assessor may score."""
        return not self.is_excluded and self.cycle.state == Cycle.State.OPEN and (
            self.submitted_at is not None or not self.cycle.is_self_scoring(now)
        )

    @property
    def result_label(self):
        return self.cycle.scheme.label_of(self.level) if self.level is not None else "—"

    def status(self, now=None):
        """A short word for lists: excluded, published, assessed, waiting for the assessor, self-scoring, late."""
        if self.is_excluded:
            return _("Not assessed")
        if self.cycle.is_published:
            return _("Published")
        if self.assessed_at:
            return _("Assessed, to be published")
        if self.submitted_at:
            return _("Submitted, with the assessor")
        if self.cycle.is_self_scoring(now):
            return _("Self-scoring")
        return _("Deadline passed, with the assessor")


def evidence_upload_path(instance, filename):
    # A random part: evidence is not public, its address must not be guessable.
    import secrets
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()
    return f"evaluation-evidence/{instance.dossier_id}/{secrets.token_urlsafe(12)}{suffix}"


EVIDENCE_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "docx", "xlsx"]
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


class Entry(models.Model):
    """One leaf of a dossier: the organization's self-score and evidence, the assessor's score and reason."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+")
    self_score = models.DecimalField(_("self-score"), max_digits=6, decimal_places=1, null=True, blank=True)
    evidence_text = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to=evidence_upload_path, blank=True,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
        help_text=_("PDF, picture, Word or Excel, up to 10 MB."),
    )
    score = models.DecimalField(_("assessor's score"), max_digits=6, decimal_places=1, null=True, blank=True)
    reason = models.TextField(_("reason for the deduction"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["dossier", "indicator__position", "indicator__code"]
        verbose_name = _("dossier entry")
        verbose_name_plural = _("dossier entries")
        constraints = [models.UniqueConstraint(fields=["dossier", "indicator"], name="one_entry_per_leaf")]

    def __str__(self):
        return f"{self.dossier} · {self.indicator.code}"

    @property
    def is_deducted(self):
        return self.score is not None and self.score < self.indicator.max_points


class PartyOrganizationRecordQuerySet(models.QuerySet):
    def in_force(self, on=None):
        """Each organization's record in force on a day: its latest dated on or before it (one per organization)."""
        on = on or timezone.localdate()
        latest = (
            PartyOrganizationRecord.objects.filter(organization=models.OuterRef("organization"), on__lte=on)
            .order_by("-on", "-pk")
            .values("pk")[:1]
        )
        return self.filter(pk=models.Subquery(latest))


class PartyOrganizationRecord(models.Model):
    """The party-building ledger of an organization (never public): the form of its party organization from a
    date, the number of party members (a count, no names), whether party building is in its charter (党建入章).
    The latest record on a day is the organization's state on that day; older ones are its history."""

    class Form(models.TextChoices):
        SINGLE = "single", _("Own party organization (单建)")
        JOINT = "joint", _("Joint party organization (联建)")
        FUNCTIONAL = "functional", _("Functional party organization (功能型)")
        INSTRUCTOR = "instructor", _("Party-building instructor or liaison (党建指导员·联络员)")
        UNCOVERED = "uncovered", _("Not covered (未覆盖)")

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="party_records"
    )
    form = models.CharField(_("form of party organization"), max_length=20, choices=Form.choices)
    on = models.DateField(_("since"), default=timezone.localdate)
    party_members = models.PositiveSmallIntegerField(_("party members"), default=0, help_text=_("A count, no names."))
    in_charter = models.BooleanField(_("party building in the charter (党建入章)"), default=False)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PartyOrganizationRecordQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "-on", "-pk"]
        verbose_name = _("party-building record")
        verbose_name_plural = _("party-building ledger")
        indexes = [models.Index(fields=["organization", "on"])]

    def __str__(self):
        return f"{self.organization} · {self.get_form_display()} · {self.on}"

    @property
    def is_covered(self):
        return self.form != self.Form.UNCOVERED


def add_years(day, years):
    """The same day `years` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def end_of_month(day):
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


class EvaluationChange(ChangeRecord):
    """Who did what in a cycle (opened it, assigned an assessor, set a dossier aside, assessed, published): kept
    forever as its audit trail."""

    class Action(models.TextChoices):
        OPENED = "opened", _("Opened the cycle")
        SUBMITTED = "submitted", _("Submitted the self-assessment")
        ASSIGNED = "assigned", _("Assigned the assessor")
        EXCLUDED = "excluded", _("Not assessed")
        ASSESSED = "assessed", _("Assessed")
        PUBLISHED = "published", _("Published the results")

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="changes")
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("evaluation change")
        verbose_name_plural = _("evaluation history")

    def __str__(self):
        return f"{self.cycle} · {self.get_action_display()}"
