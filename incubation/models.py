"""The incubation base (孵化基地): filing (备案) of community teams with the street, incubation with cohorts, mentors
and milestone plans, and graduation to a registered organization. Organization.incubation_status and its two dates
(members) are kept in step by incubation.services, so lower apps show them without importing this app."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import CommunityAccount
from core.models import ChangeRecord
from core.validators import validate_mobile
from members.models import Community, Organization

MIN_TEAM_MEMBERS = 10
REMIND_DAYS_BEFORE = 30  # the yearly re-confirmation is asked for this many days before the anniversary
LAPSE_DAYS_AFTER = 60  # without it this many days after the anniversary, the filing lapses
NUMBER_PREFIX = "CS-BA"


def add_years(day, years=1):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class FilingQuerySet(models.QuerySet):
    def awaiting_community(self, community=None):
        """Submitted filings waiting for a neighbourhood committee's first opinion (of `community`'s teams)."""
        filings = self.filter(status=TeamFiling.Status.SUBMITTED)
        return filings if community is None else filings.filter(communities=community).distinct()

    def awaiting_decision(self):
        """Filings staff decide: the committee has given its opinion, or none of the team's communities has a
        committee account to give one."""
        return self.filter(
            models.Q(status=TeamFiling.Status.COMMUNITY_REVIEWED)
            | models.Q(status=TeamFiling.Status.SUBMITTED) & ~models.Exists(
                CommunityAccount.objects.filter(community__team_filings=models.OuterRef("pk"))
            )
        )

    def filed(self):
        """Teams on file now: approved, not lapsed, and still community teams (a graduate is registered)."""
        return self.filter(status=TeamFiling.Status.APPROVED, organization__org_type=Organization.Type.COMMUNITY_TEAM)

    def lapsed(self):
        return self.filter(status=TeamFiling.Status.LAPSED)

    def due_for_reminder(self, today=None):
        """Filed teams whose anniversary is within REMIND_DAYS_BEFORE days and who have not been reminded of it."""
        today = today or timezone.localdate()
        return (
            self.filed()
            .filter(confirm_by__lte=today + timedelta(days=REMIND_DAYS_BEFORE))
            .exclude(reminded_for=models.F("confirm_by"))
        )

    def due_to_lapse(self, today=None):
        """Filed teams that have not re-confirmed within LAPSE_DAYS_AFTER days of their anniversary."""
        today = today or timezone.localdate()
        return self.filed().filter(confirm_by__lt=today - timedelta(days=LAPSE_DAYS_AFTER))


class TeamFiling(models.Model):
    """A community team's filing (备案) with the street: the committee gives its first opinion, staff decide; an
    approved team has a filing number and re-confirms every year on the anniversary."""

    class Category(models.TextChoices):
        CONSULTATION = "consultation", pgettext_lazy("team category", "Consultation")
        HARMONY = "harmony", pgettext_lazy("team category", "Harmony")
        SERVICE = "service", pgettext_lazy("team category", "Service")
        CULTURE_SPORTS = "culture_sports", pgettext_lazy("team category", "Culture and sports")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for the community's opinion")
        COMMUNITY_REVIEWED = "community_reviewed", _("Waiting for the street's decision")
        APPROVED = "approved", _("Filed")
        REJECTED = "rejected", pgettext_lazy("filing status", "Not filed")
        LAPSED = "lapsed", _("Filing lapsed")

    class Opinion(models.TextChoices):
        AGREE = "agree", _("Agrees")
        DISAGREE = "disagree", _("Disagrees")

    # Staff decide a submitted filing directly only when no committee can give its opinion (`can_be_decided`).
    TRANSITIONS = {
        Status.SUBMITTED: {Status.COMMUNITY_REVIEWED, Status.APPROVED, Status.REJECTED},
        Status.COMMUNITY_REVIEWED: {Status.APPROVED, Status.REJECTED},
        Status.APPROVED: {Status.LAPSED},
    }

    organization = models.OneToOneField(
        Organization, verbose_name=_("team"), on_delete=models.CASCADE, related_name="filing"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    member_names = models.TextField(
        _("members"), help_text=_("One name a line, at least 10: the team's regular members (names only).")
    )
    leader_name = models.CharField(_("leader"), max_length=50)
    leader_mobile = models.CharField(_("leader's mobile"), max_length=20, validators=[validate_mobile])
    activity_time = models.CharField(_("activity time"), max_length=100, help_text=_("E.g. every Tuesday 9:00–11:00."))
    activity_place = models.CharField(_("activity place"), max_length=200)
    communities = models.ManyToManyField(
        Community, verbose_name=_("service communities"), related_name="team_filings"
    )
    charter = models.FileField(_("charter"), upload_to="charters/%Y/", blank=True)
    uses_model_charter = models.BooleanField(
        _("uses the model charter"), default=False, help_text=_("The street's model charter for community teams.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    community_opinion = models.CharField(_("community's opinion"), max_length=10, choices=Opinion.choices, blank=True)
    community_note = models.TextField(_("community's note"), blank=True)
    community_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opinion by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True, help_text=_("Given to the team when the filing is refused."))
    number = models.CharField(_("filing number"), max_length=20, unique=True, null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    confirm_by = models.DateField(
        _("re-confirm by"), null=True, blank=True,
        help_text=_("The next anniversary: the team confirms it is still active every year."),
    )
    reminded_for = models.DateField(_("reminded for"), null=True, blank=True, editable=False)
    lapsed_on = models.DateField(_("lapsed on"), null=True, blank=True)

    objects = FilingQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("team filing")
        verbose_name_plural = _("team filings")
        permissions = [("decide_filing", _("Can decide filings of community teams"))]
        indexes = [models.Index(fields=["status", "confirm_by"])]

    def __str__(self):
        return f"{self.number or '—'} · {self.organization}"

    @property
    def members(self):
        return [name.strip() for name in self.member_names.splitlines() if name.strip()]

    def clean(self):
        if self.member_names and len(self.members) < MIN_TEAM_MEMBERS:
            raise ValidationError(
                {
                    "member_names": _("A team needs at least %(count)d members to be filed.")
                    % {"count": MIN_TEAM_MEMBERS}
                }
            )

    def can_change_to(self, status):
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def is_awaiting_community(self):
        return self.status == self.Status.SUBMITTED

    @property
    def is_awaiting_decision(self):
        return self.status == self.Status.COMMUNITY_REVIEWED

    @property
    def has_committee(self):
        """Whether a neighbourhood committee of the team's communities has an account to give its opinion."""
        return CommunityAccount.objects.filter(community__team_filings=self).exists()

    @property
    def can_be_decided(self):
        """Staff decide after the committee's opinion, or at once when no committee has an account."""
        return self.is_awaiting_decision or (self.is_awaiting_community and not self.has_committee)

    @property
    def is_filed(self):
        return self.status == self.Status.APPROVED

    def can_confirm(self, today=None):
        """The team may re-confirm from REMIND_DAYS_BEFORE days before its anniversary until it lapses."""
        today = today or timezone.localdate()
        return self.is_filed and today >= self.confirm_by - timedelta(days=REMIND_DAYS_BEFORE)


class FilingChange(ChangeRecord):
    filing = models.ForeignKey(TeamFiling, verbose_name=_("filing"), on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(_("from"), max_length=20, choices=TeamFiling.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=TeamFiling.Status.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("filing change")
        verbose_name_plural = _("filing history")

    def __str__(self):
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class CohortQuerySet(models.QuerySet):
    def current(self):
        return self.order_by("-starts_on").first()


class Cohort(models.Model):
    """A cohort (期) of the incubation base."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    starts_on = models.DateField(_("starts on"))

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self):
        return self.name


class IncubationQuerySet(models.QuerySet):
    def active(self):
        """In the base now: admitted and not yet graduated or withdrawn."""
        return self.filter(stage__in=Incubation.ACTIVE_STAGES)

    def graduated(self):
        return self.filter(stage=Incubation.Stage.GRADUATED)

    def for_mentor(self, user):
        return self.filter(mentor=user)


class Incubation(models.Model):
    """A team or young organization in the incubation base: its cohort, mentor, plan of milestones and stage."""

    class Stage(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("incubation stage", "Applied")
        ADMITTED = "admitted", _("Admitted")
        INCUBATING = "incubating", _("Incubating")
        ASSESSMENT = "assessment", _("Graduation assessment")
        GRADUATED = "graduated", _("Graduated")
        EXTENDED = "extended", _("Extended")
        WITHDRAWN = "withdrawn", _("Left the base")

    ACTIVE_STAGES = [Stage.APPLIED, Stage.ADMITTED, Stage.INCUBATING, Stage.ASSESSMENT, Stage.EXTENDED]
    # Graduation has its own service (a credit code is needed); the other changes go through change_stage.
    TRANSITIONS = {
        Stage.APPLIED: {Stage.ADMITTED, Stage.WITHDRAWN},
        Stage.ADMITTED: {Stage.INCUBATING, Stage.WITHDRAWN},
        Stage.INCUBATING: {Stage.ASSESSMENT, Stage.EXTENDED, Stage.WITHDRAWN},
        Stage.ASSESSMENT: {Stage.GRADUATED, Stage.EXTENDED, Stage.WITHDRAWN},
        Stage.EXTENDED: {Stage.ASSESSMENT, Stage.WITHDRAWN},
    }
    DEFAULT_MILESTONES = [
        _("Charter"), _("Financial rules"), _("First public-benefit activity"), _("Volunteer team"),
        _("Project proposal"), _("Registration"),
    ]

    organization = models.OneToOneField(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="incubation"
    )
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="incubations", null=True, blank=True,
        help_text=_("Empty while the organization has only applied."),
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("mentor"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="mentored_incubations",
        help_text=_("A person of a member organization, or staff: confirms the milestones."),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.ADMITTED)
    graduated_on = models.DateField(_("graduated on"), null=True, blank=True)

    objects = IncubationQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "organization__name"]
        verbose_name = _("incubation")
        verbose_name_plural = _("incubations")
        permissions = [("manage_incubation", _("Can admit, move and graduate organizations in the incubation base"))]

    def __str__(self):
        return f"{self.organization} · {self.get_stage_display()}"

    def can_change_to(self, stage):
        return stage in self.TRANSITIONS.get(self.stage, set())

    def next_stages(self):
        """The stages change_stage may move to (admission and graduation have their own forms)."""
        return [
            stage for stage in self.Stage
            if self.can_change_to(stage) and stage not in (self.Stage.ADMITTED, self.Stage.GRADUATED)
        ]

    @property
    def is_active(self):
        return self.stage in self.ACTIVE_STAGES

    @classmethod
    def default_milestone_titles(cls):
        """The default plan's titles in the site's language: they are stored as text, whoever admits."""
        with translation.override(settings.LANGUAGE_CODE):
            return [str(title) for title in cls.DEFAULT_MILESTONES]

    @property
    def is_applied(self):
        return self.stage == self.Stage.APPLIED

    @property
    def can_graduate(self):
        return self.can_change_to(self.Stage.GRADUATED)


class StageChange(ChangeRecord):
    incubation = models.ForeignKey(
        Incubation, verbose_name=_("incubation"), on_delete=models.CASCADE, related_name="changes"
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=Incubation.Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Incubation.Stage.choices)
    reason = models.TextField(_("reason"))

    class Meta(ChangeRecord.Meta):
        verbose_name = _("stage change")
        verbose_name_plural = _("stage history")

    def __str__(self):
        return f"{self.get_from_stage_display() or '—'} → {self.get_to_stage_display()}"


class MilestoneQuerySet(models.QuerySet):
    def overdue(self, today=None):
        """Milestones of organizations in the base past their date and not confirmed by the mentor."""
        today = today or timezone.localdate()
        return self.filter(
            incubation__stage__in=Incubation.ACTIVE_STAGES, due_on__lt=today, confirmed_at__isnull=True
        )

    def to_confirm(self):
        return self.filter(ticked_at__isnull=False, confirmed_at__isnull=True)


class Milestone(models.Model):
    """One step of an incubation plan: the organization ticks it off with evidence, the mentor confirms it."""

    incubation = models.ForeignKey(
        Incubation, verbose_name=_("incubation"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    due_on = models.DateField(_("due on"))
    evidence = models.TextField(_("evidence"), blank=True)
    ticked_at = models.DateTimeField(_("ticked off at"), null=True, blank=True)
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ticked off by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["incubation", "position", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title

    @property
    def is_ticked(self):
        return self.ticked_at is not None

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    @property
    def can_tick(self):
        return not self.is_confirmed and self.incubation.is_active

    @property
    def can_confirm(self):
        return self.is_ticked and not self.is_confirmed

    def is_overdue(self, today=None):
        return not self.is_confirmed and self.due_on < (today or timezone.localdate())
