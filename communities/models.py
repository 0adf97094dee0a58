"""Neighbourhood committees (居委会) as a party of 三社联动: their accounts, their word on the activities held in
their community (confirmed, or disputed until staff decide), and their quarterly rating of the organizations that
served it."""

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import DUTY_TIME_ZONE, Event, month_bounds
from members.models import Community, InvitationBase, Organization


class CommunityAccount(models.Model):
    """A user who works for a neighbourhood committee in the community portal (/community/)."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", pgettext_lazy("community account role", "Member")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="community_account"
    )
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="accounts"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["community", "role", "user__username"]
        verbose_name = _("community account")
        verbose_name_plural = _("community accounts")

    def __str__(self):
        return f"{self.user} · {self.community} ({self.get_role_display()})"

    @property
    def is_admin(self):
        return self.role == self.Role.ADMIN


class CommunityInvitation(InvitationBase):
    """An invitation (by staff or the committee's administrator) to a neighbourhood committee's portal."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=CommunityAccount.Role.choices, default=CommunityAccount.Role.MEMBER
    )

    class Meta(InvitationBase.Meta):
        verbose_name = _("community invitation")
        verbose_name_plural = _("community invitations")

    def __str__(self):
        return f"{self.email} → {self.community}"


def activities_held_in(community, *, now=None):
    """Members' community activities held in `community` (any community when None) that have ended by `now`:
    what a neighbourhood committee confirms or disputes. Cancelled and draft events are not activities held."""
    events = Event.objects.filter(
        kind=Event.Kind.COMMUNITY_ACTIVITY,
        organization__isnull=False,
        state__in=[Event.State.PUBLISHED, Event.State.COMPLETED],
        ends_at__lte=now or timezone.now(),
    )
    if community is None:
        return events.filter(community__isnull=False)
    return events.filter(community=community)


class ActivityConfirmationQuerySet(models.QuerySet):
    def disputes(self):
        """Disputes staff have not decided yet."""
        return self.filter(state=ActivityConfirmation.State.DISPUTED)


class ActivityConfirmation(models.Model):
    """The neighbourhood committee's word on an activity held in its community. No row: nobody has looked yet
    (待确认). A dispute stops the activity counting for the monthly duty (`counts_for_duty`, read by
    events.EventQuerySet.counting_for_duty) until staff dismiss it; upheld, it never counts."""

    class State(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        DISPUTED = "disputed", _("Disputed")
        UPHELD = "upheld", _("Dispute upheld")
        DISMISSED = "dismissed", _("Dispute dismissed")

    # state -> the states it may move to
    TRANSITIONS = {
        State.DISPUTED: {State.UPHELD, State.DISMISSED},
    }
    NOT_COUNTING = {State.DISPUTED, State.UPHELD}
    REASON_MIN_LENGTH = 10

    event = models.OneToOneField(
        Event, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="community_confirmation"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    counts_for_duty = models.BooleanField(
        _("counts for the duty"), default=True, editable=False,
        help_text=_("No while a dispute is open or after it was upheld."),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Empty: confirmed by itself, nobody having looked within the deadline."),
    )
    confirmed_at = models.DateTimeField(_("at"))
    reason = models.TextField(_("reason for the dispute"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    resolution = models.TextField(_("staff's reason"), blank=True)

    objects = ActivityConfirmationQuerySet.as_manager()

    class Meta:
        ordering = ["-confirmed_at"]
        verbose_name = _("activity confirmation")
        verbose_name_plural = _("activity confirmations")
        permissions = [
            ("resolve_dispute", _("Can decide disputed activities")),
            ("view_coverage", _("Can see the communities' coverage by activities")),
        ]

    def __str__(self):
        return f"{self.event} · {self.get_state_display()}"

    def save(self, *args, **kwargs):
        self.counts_for_duty = self.state not in self.NOT_COUNTING
        if kwargs.get("update_fields") and "state" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "counts_for_duty"}
        super().save(*args, **kwargs)

    def can_change_to(self, state):
        return state in self.TRANSITIONS.get(self.state, set())

    @property
    def is_open_dispute(self):
        return self.state == self.State.DISPUTED

    @property
    def is_disputed(self):
        """Disputed, whatever staff decided (the 有异议 column)."""
        return self.state != self.State.CONFIRMED

    def clean(self):
        if self.state == self.State.DISPUTED and len(self.reason.strip()) < self.REASON_MIN_LENGTH:
            raise ValidationError({"reason": _("Please give a reason of at least 10 characters.")})


# Quarters: a quarter is the date of its first day (2026-07-01 is 2026-Q3), in Shanghai time.

QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")


def quarter_of(moment=None):
    """The first day of the quarter of `moment` (now by default) in Shanghai time."""
    local = (moment or timezone.now()).astimezone(DUTY_TIME_ZONE)
    return date(local.year, 3 * ((local.month - 1) // 3) + 1, 1)


def shift_quarter(quarter, delta):
    index = quarter.year * 4 + (quarter.month - 1) // 3 + delta
    return date(index // 4, (index % 4) * 3 + 1, 1)


def parse_quarter(value, default=None):
    """'2026-Q3' → date(2026, 7, 1); anything unreadable gives the default."""
    match = QUARTER_RE.match((value or "").strip())
    if not match:
        return default
    return date(int(match[1]), (int(match[2]) - 1) * 3 + 1, 1)


def quarter_label(quarter):
    return f"{quarter.year}-Q{(quarter.month - 1) // 3 + 1}"


def quarter_bounds(quarter):
    """The first instant of the quarter and of the next one (aware, Shanghai time)."""
    start, _ = month_bounds(quarter.year, quarter.month)
    following = shift_quarter(quarter, 1)
    end, _ = month_bounds(following.year, following.month)
    return start, end


def rateable_quarters(now=None):
    """The quarters a committee may rate now: the current one (as its activities happen) and the one before (a
    quarter stays open to rating until the end of the next), latest first."""
    current = quarter_of(now)
    return [current, shift_quarter(current, -1)]


def organizations_to_rate(community, quarter, *, now=None):
    """The organizations that held activities in `community` in `quarter` (ended by now): whom its committee
    rates."""
    start, end = quarter_bounds(quarter)
    held = activities_held_in(community, now=now).filter(starts_at__gte=start, starts_at__lt=end)
    return Organization.objects.filter(pk__in=held.values("organization")).order_by("name")


class QuarterlyRatingQuerySet(models.QuerySet):
    def for_community(self, community):
        return self.filter(community=community)

    def in_quarter(self, quarter):
        return self.filter(quarter=quarter)


class QuarterlyRating(models.Model):
    """A neighbourhood committee's rating (1–5, optional comment) of an organization that held activities in its
    community in a quarter. Staff read them per organization and quarter; the organization never sees who rated
    it, and no public page shows them."""

    MIN_SCORE, MAX_SCORE = 1, 5

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="organization_ratings"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="community_ratings"
    )
    quarter = models.DateField(_("quarter"), help_text=_("The first day of the quarter."))
    score = models.PositiveSmallIntegerField(
        pgettext_lazy("a committee's rating of an organization", "rating"),
        validators=[MinValueValidator(MIN_SCORE), MaxValueValidator(MAX_SCORE)],
    )
    comment = models.TextField(_("comment"), blank=True, max_length=500)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(_("at"), default=timezone.now)

    objects = QuarterlyRatingQuerySet.as_manager()

    class Meta:
        ordering = ["-quarter", "organization", "community"]
        verbose_name = _("community's rating of an organization")
        verbose_name_plural = _("communities' ratings of organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "organization", "quarter"], name="one_rating_per_community_organization_quarter"
            ),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="community_rating_from_1_to_5"),
        ]

    def __str__(self):
        return f"{self.community} → {self.organization} · {quarter_label(self.quarter)}: {self.score}"

    @property
    def quarter_label(self):
        return quarter_label(self.quarter)
