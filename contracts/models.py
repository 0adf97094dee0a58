"""Government-purchased services (政府购买服务): contracts on approved projects, with indicators and tranches; the
organization's self-assessments at each evaluation, third-party evaluators' verdicts that unlock the tranches, and
the payments staff record.

Money rules the database enforces itself (migration 0002, triggers on SQLite and PostgreSQL): no payment on a tranche
that is still locked or of a paused contract, and never more paid than the contract's amount.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import ChangeRecord
from core.pictures import PictureField, upload_path
from projects.models import Project

# A self-assessment not filed this many days after its due date is overdue (逾期): staff see it, the organization
# is reminded.
OVERDUE_DAYS = 14
EVALUATOR_GROUP = "第三方评估人员"
CENT = Decimal("0.01")


def yuan(value):
    """An amount rounded to the cent."""
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


class ContractQuerySet(models.QuerySet):
    def for_organization(self, organization):
        return self.filter(project__organization=organization)

    def assigned_to(self, user):
        """The contracts an evaluator is assigned to (none for anonymous users)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(evaluators=user)

    def with_paid(self):
        """Each contract with `paid_amount`, the sum of its payments (a correlated subquery)."""
        paid = (
            Payment.objects.filter(tranche__contract=OuterRef("pk"))
            .order_by()
            .values("tranche__contract")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return self.annotate(
            paid_amount=Coalesce(models.Subquery(paid), Decimal("0"), output_field=models.DecimalField())
        )

    def overdue(self, today=None):
        """Contracts with a self-assessment overdue (`EvaluationQuerySet.overdue`)."""
        return self.filter(Exists(Evaluation.objects.overdue(today).filter(contract=OuterRef("pk"))))


class Contract(models.Model):
    """A government-purchased service: the street buys a project's service from its organization."""

    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("contract state", "In service")
        PAUSED = "paused", pgettext_lazy("contract state", "Paused")
        COMPLETED = "completed", pgettext_lazy("contract state", "Completed")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="contracts"
    )
    purchaser = models.CharField(
        _("purchaser"), max_length=100, default="长寿路街道办事处", help_text=_("Who buys the service.")
    )
    number = models.CharField(_("contract number"), max_length=50, unique=True)
    signed_on = models.DateField(_("signed on"), default=timezone.localdate)
    starts_on = models.DateField(_("service starts on"))
    ends_on = models.DateField(_("service ends on"))
    amount = models.DecimalField(
        _("contract amount (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.ACTIVE, editable=False)
    paused_reason = models.TextField(_("why the contract is paused"), blank=True, editable=False)
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluators"),
        blank=True,
        related_name="evaluated_contracts",
        help_text=_("Only these people see the contract and rule on its evaluations."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContractQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=[evaluators], excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_amount_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="contract_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.number} · {self.project}"

    def get_absolute_url(self):
        return reverse("contracts:staff-detail", args=[self.pk])

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The service cannot end before it starts.")})

    @property
    def is_paused(self):
        return self.state == self.State.PAUSED

    @property
    def stage(self):
        """Where the contract stands, for people: paused, completed, rectifying, mid-term passed, or signed.

        Reads the evaluations (prefetch them where many contracts are shown)."""
        if self.state != self.State.ACTIVE:
            return self.get_state_display()
        evaluations = list(self.evaluations.all())
        if any(evaluation.verdict == Evaluation.Verdict.RECTIFY for evaluation in evaluations):
            return pgettext_lazy("contract stage", "Rectifying")
        if any(e.kind == Evaluation.Kind.MIDTERM and e.verdict == Evaluation.Verdict.PASS for e in evaluations):
            return pgettext_lazy("contract stage", "Mid-term passed")
        return pgettext_lazy("contract stage", "Signed")

    def paid_total(self):
        """What has been paid on the contract (the `with_paid` annotation when present)."""
        if hasattr(self, "paid_amount"):
            return yuan(self.paid_amount)
        return yuan(Payment.objects.filter(tranche__contract=self).aggregate(total=Sum("amount"))["total"])

    def remaining(self):
        return yuan(self.amount) - self.paid_total()

    def has_evaluator_conflict(self, user):
        """The reviewers' conflict-of-interest rule (Project.has_conflict_of_interest): someone who works for the
        organization that runs the project may not evaluate its contract."""
        return self.project.has_conflict_of_interest(user)


class Indicator(models.Model):
    """A target the contract sets (服务人次 ≥ 1,200; 活动 ≥ 24 场; 满意度 ≥ 90 %), and where its actual figure comes
    from when the organization assesses itself."""

    class Measure(models.TextChoices):
        ACTIVITIES = "activities", _("Activities held (verified, from the linked events)")
        ATTENDANCE = "attendance", _("Attendance of the activities held (from their reports)")
        BENEFICIARIES = "beneficiaries", _("Residents reached (from the progress updates)")
        MANUAL = "manual", _("Entered by the organization")

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indicator"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20, help_text=_("For example 人次, 场 or %."))
    target = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    measure = models.CharField(_("actual figure from"), max_length=20, choices=Measure.choices, default=Measure.MANUAL)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.CheckConstraint(condition=Q(target__gt=0), name="indicator_target_positive")]

    def __str__(self):
        return f"{self.name} ≥ {Decimal(self.target).normalize():f} {self.unit}"


class Tranche(models.Model):
    """A part of the contract's amount and what it waits for: the signing, or a passed evaluation. A tranche is
    payable once unlocked (`unlocked_at`); the database refuses payments on a locked one."""

    class Condition(models.TextChoices):
        SIGNING = "signing", _("On signing")
        MIDTERM = "midterm", _("After a mid-term pass")
        FINAL = "final", _("After a final pass")

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="tranches"
    )
    position = models.PositiveSmallIntegerField(_("number"), default=1)
    percent = models.DecimalField(
        _("share (%)"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    condition = models.CharField(_("payable"), max_length=10, choices=Condition.choices)
    unlocked_at = models.DateTimeField(_("payable since"), null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "position", "pk"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            models.CheckConstraint(condition=Q(percent__gt=0) & Q(percent__lte=100), name="tranche_percent_range"),
            models.UniqueConstraint(fields=["contract", "condition"], name="one_tranche_per_condition"),
        ]

    def __str__(self):
        return f"{self.position}. {self.get_condition_display()} · {Decimal(self.percent).normalize():f}%"

    @property
    def amount(self):
        """The tranche's share of the contract's amount, to the cent."""
        return yuan(self.contract.amount * self.percent / 100)

    @property
    def is_unlocked(self):
        return self.unlocked_at is not None

    def paid_total(self):
        """Paid on this tranche (uses prefetched payments when present)."""
        return yuan(sum(payment.amount for payment in self.payments.all()))

    def remaining(self):
        return self.amount - self.paid_total()


class RubricCriterion(models.Model):
    """A criterion of the evaluators' rubric, with the most points it gives; staff configure the rubric here."""

    name = models.CharField(_("criterion"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    max_points = models.PositiveSmallIntegerField(
        _("most points"), default=25, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("number"), default=1)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("evaluation rubric")

    def __str__(self):
        return self.name


class EvaluationQuerySet(models.QuerySet):
    def overdue(self, today=None):
        """Self-assessments still not filed OVERDUE_DAYS after their due date, of contracts in service."""
        today = today or timezone.localdate()
        return self.filter(
            state__in=[Evaluation.State.DUE, Evaluation.State.RECTIFYING],
            due_on__lt=today - timedelta(days=OVERDUE_DAYS),
            contract__state=Contract.State.ACTIVE,
        )

    def for_organization(self, organization):
        return self.filter(contract__project__organization=organization)


class Evaluation(models.Model):
    """A mid-term or final evaluation: the organization's self-assessment, due on a date, then an evaluator's verdict
    on the rubric: 合格 (pass: the tranche waiting for it becomes payable), 整改 (rectify by a deadline and file
    again) or 不合格 (fail: the contract is paused)."""

    class Kind(models.TextChoices):
        MIDTERM = "midterm", _("Mid-term evaluation")
        FINAL = "final", _("Final evaluation")

    class State(models.TextChoices):
        DUE = "due", pgettext_lazy("evaluation state", "Waiting for the self-assessment")
        FILED = "filed", pgettext_lazy("evaluation state", "Waiting for the verdict")
        RECTIFYING = "rectifying", pgettext_lazy("evaluation state", "Rectifying")
        DECIDED = "decided", pgettext_lazy("evaluation state", "Decided")

    class Verdict(models.TextChoices):
        PASS = "pass", pgettext_lazy("verdict", "Pass (合格)")
        RECTIFY = "rectify", pgettext_lazy("verdict", "Rectify (整改)")
        FAIL = "fail", pgettext_lazy("verdict", "Fail (不合格)")

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="evaluations"
    )
    kind = models.CharField(_("evaluation"), max_length=10, choices=Kind.choices)
    due_on = models.DateField(_("self-assessment due on"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DUE, editable=False)
    narrative = models.TextField(_("self-assessment"), blank=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True, editable=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices, blank=True, editable=False)
    verdict_reason = models.TextField(_("reason for the verdict"), blank=True, editable=False)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True, editable=False)
    scores = models.JSONField(_("rubric scores"), default=dict, blank=True, editable=False)
    total_score = models.PositiveSmallIntegerField(_("total score"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("evaluator"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True, editable=False)

    objects = EvaluationQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "due_on", "pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["contract", "kind"], name="one_evaluation_per_kind"),
            models.CheckConstraint(
                condition=~Q(verdict="rectify") | Q(rectify_by__isnull=False), name="rectify_has_deadline"
            ),
        ]

    def __str__(self):
        return f"{self.contract.number} · {self.get_kind_display()}"

    @property
    def accepts_self_assessment(self):
        """The organization files (or files again after 整改) while the contract is in service."""
        return self.state in (self.State.DUE, self.State.RECTIFYING) and self.contract.state == Contract.State.ACTIVE

    @property
    def accepts_verdict(self):
        return self.state == self.State.FILED and self.contract.state == Contract.State.ACTIVE

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return (
            self.state in (self.State.DUE, self.State.RECTIFYING)
            and self.due_on < today - timedelta(days=OVERDUE_DAYS)
            and self.contract.state == Contract.State.ACTIVE
        )

    @property
    def tranche_condition(self):
        return Tranche.Condition.MIDTERM if self.kind == self.Kind.MIDTERM else Tranche.Condition.FINAL


class IndicatorResult(models.Model):
    """An indicator's actual figure in a self-assessment, and what the portal's records said (`prefilled`)."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="results"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+")
    actual = models.DecimalField(_("actual figure"), max_digits=12, decimal_places=2)
    prefilled = models.DecimalField(
        _("from the portal's records"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["evaluation", "indicator"]
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"], name="one_result_per_indicator"),
        ]

    def __str__(self):
        return f"{self.indicator.name}: {self.actual}"

    @property
    def percent_of_target(self):
        return round(100 * self.actual / self.indicator.target) if self.indicator.target else None


class SelfAssessmentAttachment(models.Model):
    """A page of evidence filed with a self-assessment (a photo or scan of the ledger, a sign-in sheet, a receipt):
    images only, checked and re-encoded like every upload (core.pictures)."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="attachments"
    )
    image = PictureField(
        _("attachment"), upload_to=upload_path("contracts/self-assessments"), width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["evaluation", "pk"]
        verbose_name = _("self-assessment attachment")
        verbose_name_plural = _("self-assessment attachments")

    def __str__(self):
        return f"{self.evaluation} #{self.pk}"


class Payment(models.Model):
    """A payment staff made on a tranche (date, amount, voucher). The database refuses one on a locked tranche or a
    paused contract, and any that would take the contract's payments above its amount (migration 0002)."""

    tranche = models.ForeignKey(Tranche, verbose_name=_("tranche"), on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("paid on"), default=timezone.localdate)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    voucher = models.CharField(_("voucher number"), max_length=50, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self):
        return f"{self.voucher} · ¥{self.amount}"


class ContractChange(ChangeRecord):
    """The contract's audit trail as staff read it: every change, verdict and payment, by whom, when."""

    class Action(models.TextChoices):
        SIGNED = "signed", _("Signed")
        EDITED = "edited", _("Edited")
        EVALUATORS = "evaluators", _("Evaluators assigned")
        SELF_ASSESSED = "self_assessed", _("Self-assessment filed")
        VERDICT = "verdict", _("Verdict")
        UNLOCKED = "unlocked", _("Tranche payable")
        PAID = "paid", _("Payment recorded")
        PAUSED = "paused", _("Paused")
        RESUMED = "resumed", _("Resumed")
        COMPLETED = "completed", pgettext_lazy("contract change", "Completed")
        REMINDED = "reminded", _("Reminder sent")

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("contract change")
        verbose_name_plural = _("contract history")

    def __str__(self):
        return f"{self.contract.number} · {self.get_action_display()}"
