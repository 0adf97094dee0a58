from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Count, F, FloatField, Max, Min, Prefetch, Q, Value, Window
from django.db.models.functions import Cast, Rank, Round
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import ChangeRecord
from core.numbers import percentages
from core.party_building import five_m_field, three_h_field
from core.pictures import PictureField, upload_path
from core.search import clean_term, finds
from members.models import Community, Grade, Organization, ServiceField


class Criterion(models.TextChoices):
    """The rubric of the article: 公益性强、可操作性好、覆盖面广."""

    PUBLIC_BENEFIT = "public_benefit", _("Public benefit")
    OPERABILITY = "operability", _("Operability")
    COVERAGE = "coverage", _("Coverage")


CRITERIA = [Criterion.PUBLIC_BENEFIT, Criterion.OPERABILITY, Criterion.COVERAGE]
MAX_SCORE = 10


def is_conflict_of_interest(organization_id, reviewer_organization_id):
    """The conflict-of-interest rule of everyone who judges an organization's work (project reviewers, evaluation
    assessors): one who works for that organization may not judge it (and owes it no score).
    `reviewer_organization_id`: the organization they work for, None when they work for none."""
    return reviewer_organization_id is not None and reviewer_organization_id == organization_id


# Calls for proposals


class CallQuerySet(models.QuerySet):
    def public(self):
        """Calls residents may see: every call that has left the draft stage (Call.is_public)."""
        return self.exclude(state=Call.State.DRAFT)

    def accepting(self, now=None):
        """Calls open for proposals right now: state open and within opens_at ≤ now < closes_at."""
        now = now or timezone.now()
        return self.filter(state=Call.State.OPEN, opens_at__lte=now, closes_at__gt=now)

    def assigned_to(self, user):
        """The calls a reviewer is assigned to (none for anonymous users)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(reviewers=user)


class Call(models.Model):
    """A call for proposals (项目征集) run by the street office."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("call state", "Draft")
        OPEN = "open", pgettext_lazy("call state", "Open for proposals")
        REVIEWING = "reviewing", pgettext_lazy("call state", "Under review")
        DECIDED = "decided", pgettext_lazy("call state", "Decided")

    TRANSITIONS = {
        State.DRAFT: {State.OPEN},
        State.OPEN: {State.REVIEWING},
        State.REVIEWING: {State.DECIDED},
        State.DECIDED: set(),
    }

    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens at"), default=timezone.now)
    closes_at = models.DateTimeField(
        _("closes at"), help_text=_("Proposals are refused from this moment on (Shanghai time).")
    )
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    weight_public_benefit = models.PositiveSmallIntegerField(
        _("weight: public benefit"), default=1, validators=[MaxValueValidator(100)]
    )
    weight_operability = models.PositiveSmallIntegerField(
        _("weight: operability"), default=1, validators=[MaxValueValidator(100)]
    )
    weight_coverage = models.PositiveSmallIntegerField(
        _("weight: coverage"),
        default=1,
        validators=[MaxValueValidator(100)],
        help_text=_("Weights are relative: 1/1/1 counts the criteria equally, 2/1/1 counts public benefit double."),
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewers"),
        blank=True,
        related_name="assigned_calls",
        help_text=_("Only these people can see and score the proposals of this call."),
    )
    minimum_grade = models.PositiveSmallIntegerField(
        _("minimum grade"), choices=Grade.choices, default=Grade.NONE,
        help_text=_("Only organizations holding this evaluation grade (等级评估) or above, in force, can submit."),
    )
    is_blind = models.BooleanField(
        _("blind review"), default=False, help_text=_("Reviewers do not see which organization applied.")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CallQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=[reviewers])

    class Meta:
        ordering = ["-closes_at"]
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_public_benefit__gt=0) | Q(weight_operability__gt=0) | Q(weight_coverage__gt=0),
                name="call_weights_not_all_zero",
            ),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:call-detail", kwargs={"pk": self.pk})

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("A call must close after it opens.")
        if not (self.weight_public_benefit or self.weight_operability or self.weight_coverage):
            errors["weight_coverage"] = _("At least one criterion needs a weight above zero.")
        if errors:
            raise ValidationError(errors)

    @property
    def weights(self):
        return {
            Criterion.PUBLIC_BENEFIT: self.weight_public_benefit,
            Criterion.OPERABILITY: self.weight_operability,
            Criterion.COVERAGE: self.weight_coverage,
        }

    @property
    def weight_percentages(self):
        """[(criterion label, percent)] for showing the rubric to applicants and reviewers; the per cents add up
        to 100 (1/1/1 shows 34 %, 33 %, 33 %)."""
        labels = [criterion.label for criterion in self.weights]
        return list(zip(labels, percentages(self.weights.values()), strict=True))

    def is_accepting(self, now=None):
        now = now or timezone.now()
        return self.state == self.State.OPEN and self.opens_at <= now < self.closes_at

    def can_change_to(self, state):
        return state in self.TRANSITIONS.get(self.state, set())

    def closes_early(self, state, now=None):
        """True when moving to `state` would end the call before its closing time: starting the review while
        proposals are still accepted. Staff confirm that step (projects.services.change_call_state)."""
        now = now or timezone.now()
        return state == self.State.REVIEWING and self.state == self.State.OPEN and now < self.closes_at

    @property
    def is_public(self):
        """Residents see every call that has left the draft stage (CallQuerySet.public)."""
        return self.state != self.State.DRAFT

    @property
    def is_open(self):
        """Still collecting proposals: the review has not started (whatever the dates)."""
        return self.state == self.State.OPEN

    def reviewer_organization_ids(self):
        """One entry per assigned reviewer: the organization they work for, None if they work for none (one query)."""
        return list(self.reviewers.values_list("org_account__organization", flat=True))


# Projects


class FundingSource(models.TextChoices):
    GOVERNMENT_PURCHASE = "government_purchase", _("Government-purchased service")
    FEDERATION_FUND = "federation_fund", _("Federation fund")
    CHARITY = "charity", _("Charitable donations")
    SELF_RAISED = "self_raised", _("Self-raised")
    MIXED = "mixed", _("Mixed")


# ?sort= of the staff ranking page → what ProjectQuerySet.ranked() orders by
RANKING_SORTS = {
    "weighted": "score_key",
    "public_benefit": "mean_public_benefit",
    "operability": "mean_operability",
    "coverage": "mean_coverage",
    "count": "review_count",
    "spread": "spread",
    "title": "title",
}
DEFAULT_RANKING_SORT = "-weighted"


class ProjectAction(NamedTuple):
    """A state change someone may make on a project now (Project.available_actions)."""

    to: str
    label: str


class ProjectQuerySet(models.QuerySet):
    def public(self):
        """What residents may see: approved, running and completed projects of public organizations.

        Drafts, proposals under review and rejected proposals are never public, nor is anything of an organization
        kept out of the directory. The same rule for one project: Project.is_public.
        """
        return self.filter(state__in=Project.PUBLIC_STATES, organization__is_public=True)

    def for_organization(self, organization):
        return self.filter(organization=organization)

    def for_call(self, call):
        """The proposals of a call: everything submitted to it (drafts stay with their organization)."""
        return self.filter(call=call).exclude(state=Project.State.DRAFT)

    def search(self, term):
        """Title, summary or organization name contains the term (core.search: indexed on PostgreSQL)."""
        term = clean_term(term)
        if not term:
            return self
        return self.filter(self.matching(term))

    @staticmethod
    def matching(term):
        """The condition of `search`; the organizations are looked up first (see EventQuerySet.matching)."""
        return finds(["title", "summary"], term) | Q(
            organization__in=list(Organization.objects.filter(name__finds=term).values_list("pk", flat=True)[:100])
        )

    def showcase(self):
        """Public projects with what a showcase card shows, brand projects first, then selected, newest first."""
        return (
            self.public()
            .select_related("organization")
            .prefetch_related("communities")
            .order_by("-is_brand", "-is_selected", "-starts_on", "-pk")
        )

    def with_reviews(self):
        return self.prefetch_related(
            Prefetch("reviews", queryset=Review.objects.select_related("reviewer").order_by("pk"))
        )

    def with_scores(self, weights):
        """Each proposal's review figures, computed in the database (the rules of projects.scoring):
        `review_count`; `mean_public_benefit`, `mean_operability`, `mean_coverage`; `weighted_mean`, the mean of
        the reviews' weighted scores under the call's `weights`; `spread`, the highest minus the lowest weighted
        score. Without a review the means and the spread are None: a missing review is not a zero.
        """
        total = sum(weights[criterion] for criterion in CRITERIA)
        if total <= 0:
            raise ValueError("At least one weight must be positive.")
        first, *rest = (Value(weights[criterion]) * F(f"reviews__{criterion.value}") for criterion in CRITERIA)
        weighted_sum = sum(rest, first)
        weighted = Cast(weighted_sum, FloatField()) / Value(float(total))
        return self.annotate(
            review_count=Count("reviews"),
            **{
                f"mean_{criterion.value}": Avg(Cast(f"reviews__{criterion.value}", FloatField()))
                for criterion in CRITERIA
            },
            weighted_mean=Avg(weighted),
            spread=Max(weighted) - Min(weighted),
        )

    def ranked(self, weights, *, sort=DEFAULT_RANKING_SORT):
        """Proposals with their review figures (`with_scores`) and `rank`: by weighted mean, highest first, equal
        scores (to six decimals) sharing a rank, unscored proposals after every scored one. Ordered by `sort`, a
        RANKING_SORTS key ("-" first for descending; anything else: the weighted mean); proposals without a value
        come last, then by title.

        The rank is numbered over every proposal before any slicing, so each page of the ranking goes on where the
        previous one stopped, and a page costs one query however many proposals and reviews there are.
        """
        descending = sort.startswith("-")
        field = RANKING_SORTS.get(sort.removeprefix("-"))
        if field is None:
            field, descending = RANKING_SORTS[DEFAULT_RANKING_SORT.removeprefix("-")], True
        order = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
        return (
            self.with_scores(weights)
            .annotate(score_key=Round(F("weighted_mean"), 6))
            .annotate(rank=Window(Rank(), order_by=F("score_key").desc(nulls_last=True)))
            .order_by(order, "title", "pk")
        )


class Project(models.Model):
    """A public-benefit project: a proposal to a call while it is reviewed, a running project once approved."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("project state", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("project state", "Submitted")
        UNDER_REVIEW = "under_review", pgettext_lazy("project state", "Under review")
        APPROVED = "approved", pgettext_lazy("project state", "Approved")
        REJECTED = "rejected", pgettext_lazy("project state", "Rejected")
        IN_PROGRESS = "in_progress", pgettext_lazy("project state", "In progress")
        COMPLETED = "completed", pgettext_lazy("project state", "Completed")

    class Actor(models.TextChoices):
        """Who changes a project's state: the organization that runs it, or the street office."""

        ORGANIZATION = "organization", _("the project's organization")
        STAFF = "staff", _("the street office")

    # Which state may follow which, and who makes each change: from-state → {to-state: actors}.
    # Every change goes through projects.services.change_project_state, which enforces this table;
    # pages, templates and the admin offer what available_actions() returns.
    TRANSITIONS = {
        State.DRAFT: {State.SUBMITTED: {Actor.ORGANIZATION}},
        State.SUBMITTED: {State.DRAFT: {Actor.ORGANIZATION}, State.UNDER_REVIEW: {Actor.STAFF}},
        State.UNDER_REVIEW: {State.APPROVED: {Actor.STAFF}, State.REJECTED: {Actor.STAFF}},
        State.APPROVED: {State.IN_PROGRESS: {Actor.ORGANIZATION, Actor.STAFF}},
        State.IN_PROGRESS: {State.COMPLETED: {Actor.ORGANIZATION, Actor.STAFF}},
        State.REJECTED: {},
        State.COMPLETED: {},
    }
    # What the button that makes a project reach each state says.
    ACTION_LABELS = {
        State.SUBMITTED: _("Submit to the call"),
        State.DRAFT: _("Withdraw to draft"),
        State.UNDER_REVIEW: _("Start the review"),
        State.APPROVED: _("Approve"),
        State.REJECTED: _("Reject"),
        State.IN_PROGRESS: _("Mark as started"),
        State.COMPLETED: _("Mark as completed"),
    }
    # The states of an approved proposal: it runs, reports progress and, if its organization is public, residents
    # see it (is_public, ProjectQuerySet.public).
    PUBLIC_STATES = [State.APPROVED, State.IN_PROGRESS, State.COMPLETED]
    DECIDED_STATES = [State.APPROVED, State.REJECTED, State.IN_PROGRESS, State.COMPLETED]

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="projects"
    )
    call = models.ForeignKey(
        Call,
        verbose_name=_("call for proposals"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=170, unique=True, allow_unicode=True, blank=True)
    summary = models.CharField(_("summary"), max_length=300, help_text=_("One or two sentences for residents."))
    description = models.TextField(_("description"), blank=True)
    service_field = models.CharField(
        _("service field"), max_length=30, choices=ServiceField.Code.choices, default=ServiceField.Code.OTHER
    )
    communities = models.ManyToManyField(
        Community, verbose_name=pgettext_lazy("a project's", "communities"), blank=True, related_name="projects"
    )
    beneficiaries = models.CharField(
        _("target beneficiaries"), max_length=200, blank=True, help_text=_("Who the project serves, and how many.")
    )
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    funding_source = models.CharField(
        _("funding source"), max_length=30, choices=FundingSource.choices, default=FundingSource.SELF_RAISED
    )
    funding_amount = models.DecimalField(
        _("funding amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("What the funding source pays: at most the budget."),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    cover = PictureField(
        _("cover image"), upload_to=upload_path("projects/covers"), blank=True,
        width_field="cover_width", height_field="cover_height",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False)
    is_selected = models.BooleanField(_("selected project"), default=False, help_text=_("优秀项目, chosen by staff."))
    party_building_3h = three_h_field()
    party_building_5m = five_m_field()
    is_brand = models.BooleanField(
        _("brand project"), default=False, help_text=_("品牌项目: shown first in the showcase and on the home page.")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    decision_reason = models.TextField(
        _("reason for the decision"), blank=True, editable=False, help_text=_("The organization reads this.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=[communities], excluded_fields=["updated_at", "cover_width", "cover_height"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["state", "is_brand"]),
            # The showcase's order (ProjectQuerySet.showcase): a page is read off the index, however deep.
            models.Index(fields=["-is_brand", "-is_selected", "-starts_on", "-id"], name="project_showcase_order"),
            models.Index(fields=["updated_at"]),  # core.caching.data_version
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(funding_amount__isnull=True) | Q(budget__isnull=True) | Q(funding_amount__lte=F("budget")),
                name="project_funding_within_budget",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("A project cannot end before it starts.")
        if self.budget is not None and self.funding_amount is not None and self.funding_amount > self.budget:
            errors["funding_amount"] = _(
                "The funding amount (¥%(amount)s) cannot be more than the project's budget (¥%(budget)s)."
            ) % {"amount": f"{self.funding_amount:,.2f}", "budget": f"{self.budget:,.2f}"}
        if errors:
            raise ValidationError(errors)

    def _unique_slug(self):
        base = slugify(self.title, allow_unicode=True)[:150] or "project"
        slug, n = base, 2
        while Project.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def can_change_to(self, state, actor=None):
        """True when the project may go from its state to `state` (made by `actor`, if one is given)."""
        actors = self.TRANSITIONS.get(self.state, {}).get(state)
        return actors is not None and (actor is None or actor in actors)

    @classmethod
    def is_action_of(cls, actor, state):
        """True when `actor` makes the change to `state` from some state (organizations submit, never approve)."""
        return any(actor in targets.get(state, ()) for targets in cls.TRANSITIONS.values())

    def available_actions(self, actor):
        """The changes `actor` may make now, in TRANSITIONS' order, as (to, label) pairs for buttons and actions.

        A draft is offered for submission only once it names its call; the services refuse what else a change
        needs (an open call, an active membership, a reason) with a message.
        """
        return [
            ProjectAction(state, self.ACTION_LABELS[state])
            for state, actors in self.TRANSITIONS.get(self.state, {}).items()
            if actor in actors and (state != self.State.SUBMITTED or self.call_id is not None)
        ]

    @property
    def is_decidable(self):
        """Waiting for the street office to approve or reject it."""
        return self.can_change_to(self.State.APPROVED, self.Actor.STAFF)

    @property
    def is_public(self):
        """Residents may see this project: the rule of ProjectQuerySet.public for one project.

        Reads the organization: select_related("organization") where many projects are asked.
        """
        return self.state in self.PUBLIC_STATES and self.organization.is_public

    @property
    def is_decided(self):
        return self.state in self.DECIDED_STATES

    @property
    def has_been_approved(self):
        """Approved, running or completed, whether residents see it or not."""
        return self.state in self.PUBLIC_STATES

    @property
    def is_editable(self):
        """Organizations edit a proposal only while it is a draft; afterwards they post progress updates."""
        return self.state == self.State.DRAFT

    @property
    def accepts_updates(self):
        """Progress is reported once the proposal is approved."""
        return self.has_been_approved

    @property
    def accepts_reviews(self):
        """Reviewers give or change scores only while the proposal and its call are under review."""
        return (
            self.state == self.State.UNDER_REVIEW
            and self.call is not None
            and self.call.state == Call.State.REVIEWING
        )

    @property
    def beneficiaries_reached(self):
        """Residents reached, summed over the progress updates (uses prefetched updates when present)."""
        return sum(update.beneficiaries_reached for update in self.updates.all())

    def conflicts_with(self, reviewer_organization_id):
        """The conflict-of-interest rule (`is_conflict_of_interest`) for this project's organization. Reviews, review
        pages and the ranking's expected reviews all ask this."""
        return is_conflict_of_interest(self.organization_id, reviewer_organization_id)

    def has_conflict_of_interest(self, user):
        """conflicts_with() for a user: the organization they work for (cached on the user)."""
        from members.permissions import organization_of

        organization = organization_of(user)
        return self.conflicts_with(organization.pk if organization else None)


class ProjectStateChange(ChangeRecord):
    """One change of a project's state: who, when, from what to what, and why. Kept forever."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="changes")
    from_state = models.CharField(_("from"), max_length=20, choices=Project.State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=Project.State.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("project state change")
        verbose_name_plural = _("project history")

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


class ProgressUpdate(models.Model):
    """A progress report of a running project: what happened and how many residents it reached."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("what happened"))
    beneficiaries_reached = models.PositiveIntegerField(
        _("beneficiaries reached"), default=0, help_text=_("Residents served since the previous update.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("posted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self):
        return f"{self.project} · {self.on}"


class ProjectPhoto(models.Model):
    """A photo of the project's gallery, optionally taken for a progress update."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="photos")
    update = models.ForeignKey(
        ProgressUpdate,
        verbose_name=_("progress update"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
    )
    image = PictureField(
        _("photo"), upload_to=upload_path("projects/photos"), width_field="image_width", height_field="image_height"
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    caption = models.CharField(_("caption"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.caption or f"{self.project} #{self.pk}"


# Reviews


class ReviewQuerySet(models.QuerySet):
    def by(self, user):
        return self.filter(reviewer=user)


score_validators = [MinValueValidator(0), MaxValueValidator(MAX_SCORE)]


class Review(models.Model):
    """One reviewer's scores (0–10 per criterion) and comment on one proposal."""

    project = models.ForeignKey(Project, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.CASCADE, related_name="reviews"
    )
    public_benefit = models.PositiveSmallIntegerField(_("public benefit"), validators=score_validators)
    operability = models.PositiveSmallIntegerField(_("operability"), validators=score_validators)
    coverage = models.PositiveSmallIntegerField(_("coverage"), validators=score_validators)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReviewQuerySet.as_manager()

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["project", "pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["project", "reviewer"], name="one_review_per_reviewer_and_project"),
            models.CheckConstraint(
                condition=Q(public_benefit__lte=MAX_SCORE) & Q(operability__lte=MAX_SCORE) & Q(coverage__lte=MAX_SCORE),
                name="review_scores_at_most_10",
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.reviewer}"

    @property
    def scores(self):
        return {criterion: getattr(self, criterion.value) for criterion in CRITERIA}


# Community needs


class CommunityNeedQuerySet(models.QuerySet):
    def public(self):
        """Every need staff posted: open ones to answer, matched and closed ones as a record."""
        return self.all()

    def open(self):
        return self.filter(state=CommunityNeed.State.OPEN)

    def for_community(self, community):
        """The needs of one neighbourhood community (what its committee sees and manages)."""
        return self.filter(community=community)

    def search(self, term):
        """Title or description contains the term (core.search: indexed on PostgreSQL)."""
        term = clean_term(term)
        if not term:
            return self
        return self.filter(finds(["title", "description"], term))

    def for_board(self):
        """Needs with their community and accepted response, open ones first, in a fixed number of queries."""
        return (
            self.select_related("community")
            .prefetch_related(
                Prefetch(
                    "responses",
                    queryset=NeedResponse.objects.filter(is_accepted=True).select_related(
                        "organization", "project__organization"
                    ),
                    to_attr="accepted_responses",
                )
            )
            .order_by(
                models.Case(models.When(state=CommunityNeed.State.OPEN, then=0), default=1),
                "-posted_at",
                "-pk",
            )
        )


class CommunityNeed(models.Model):
    """A need of a neighbourhood community (社区需求), posted by staff or by the community's own neighbourhood
    committee for member organizations to answer."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("need state", "Open")
        MATCHED = "matched", pgettext_lazy("need state", "Matched")
        CLOSED = "closed", pgettext_lazy("need state", "Closed")

    class Poster(models.TextChoices):
        STREET_OFFICE = "street_office", _("The street office")
        COMMITTEE = "committee", _("The neighbourhood committee")

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="needs"
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"))
    service_field = models.CharField(
        _("service field"), max_length=30, choices=ServiceField.Code.choices, default=ServiceField.Code.OTHER
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN, editable=False)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    poster = models.CharField(
        _("posted on behalf of"), max_length=20, choices=Poster.choices, default=Poster.STREET_OFFICE,
        editable=False, help_text=_("Who speaks for the need: the street office, or the community's committee."),
    )
    posted_at = models.DateTimeField(_("posted at"), default=timezone.now)
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True, editable=False)

    objects = CommunityNeedQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-posted_at", "-pk"]
        verbose_name = _("community need")
        verbose_name_plural = _("community needs")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:need-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self):
        return self.state == self.State.OPEN

    @property
    def is_posted_by_committee(self):
        return self.poster == self.Poster.COMMITTEE

    @property
    def accepted_response(self):
        """The response staff accepted (uses the for_board() prefetch when present)."""
        if hasattr(self, "accepted_responses"):
            return self.accepted_responses[0] if self.accepted_responses else None
        return self.responses.filter(is_accepted=True).select_related("organization", "project__organization").first()


class NeedResponse(models.Model):
    """A member organization's offer to meet a community need, optionally with one of its projects."""

    need = models.ForeignKey(
        CommunityNeed, verbose_name=_("community need"), on_delete=models.CASCADE, related_name="responses"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="need_responses"
    )
    message = models.TextField(
        pgettext_lazy("response to a need", "message"),
        help_text=_("What your organization offers, when and with whom."),
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="need_responses",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(pgettext_lazy("response to a need", "sent at"), auto_now_add=True)
    is_accepted = models.BooleanField(_("accepted"), default=False, editable=False)
    accepted_at = models.DateTimeField(
        pgettext_lazy("response to a need", "accepted at"), null=True, blank=True, editable=False
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # The committee that posted the need proposes the response it wants (staff confirm it, or it is accepted at
    # once: settings.COMMUNITY_NEEDS_ACCEPT_DIRECTLY); one proposal per need at a time.
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True, editable=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["need", "created_at", "pk"]
        verbose_name = _("response to a need")
        verbose_name_plural = _("responses to needs")
        constraints = [
            models.UniqueConstraint(fields=["need", "organization"], name="one_response_per_organization_and_need"),
            models.UniqueConstraint(
                fields=["need"], condition=Q(is_accepted=True), name="one_accepted_response_per_need"
            ),
            models.UniqueConstraint(
                fields=["need"], condition=Q(proposed_at__isnull=False), name="one_proposed_response_per_need"
            ),
        ]

    def __str__(self):
        return f"{self.organization} → {self.need}"

    @property
    def is_proposed(self):
        return self.proposed_at is not None
