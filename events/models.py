import base64
import re
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Avg, Count, Exists, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import int_to_base36
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import ChangeRecord, SmsOptOut
from core.party_building import five_m_field, three_h_field
from core.pictures import PictureField, upload_path
from core.search import clean_term, finds
from core.validators import FULL_WIDTH, mask_mobile, validate_mobile
from members.models import Community, Organization

# The monthly activity duty is counted in the street's own time, whatever the server's time zone.
DUTY_TIME_ZONE = ZoneInfo("Asia/Shanghai")


# What proves that a community activity was held, for the monthly duty (settings.MONTHLY_DUTY_PROOF): what staff
# read on the duty's pages.
DUTY_PROOFS = {
    "check_in": _("at least one person checked in at the door"),
    "photos": _("an after-event report with photos"),
    "check_in_or_photos": _("at least one person checked in at the door, or an after-event report with photos"),
    "report": _("the after-event report alone"),
}


def duty_proof_label(proof=None):
    """What proves, for the monthly duty, that an activity was held (MONTHLY_DUTY_PROOF), for people."""
    return DUTY_PROOFS[proof or settings.MONTHLY_DUTY_PROOF]


def rating_is_public(count):
    """Whether an average of `count` ratings is shown on public pages: from FEEDBACK_PUBLIC_MINIMUM on, so that
    one or two votes do not stand for an event or an organization. Comments are never public."""
    return count >= settings.FEEDBACK_PUBLIC_MINIMUM


def month_bounds(year, month):
    """The first instant of a month and of the next one, in Shanghai time (aware datetimes)."""
    start = datetime(year, month, 1, tzinfo=DUTY_TIME_ZONE)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=DUTY_TIME_ZONE)
    return start, end


SHORT_CODE = re.compile(r"[0-9a-z]+[0-9A-Za-z_-]{8}")  # Registration.short_code


def new_token():
    return secrets.token_urlsafe(24)


def new_check_in_code():
    return f"{secrets.randbelow(10**6):06d}"


def _local_time(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


class EventQuerySet(models.QuerySet):
    def public(self):
        """What residents may open: every event that has been published, including cancelled and completed ones."""
        return self.filter(state__in=[Event.State.PUBLISHED, Event.State.COMPLETED, Event.State.CANCELLED])

    def listed(self):
        """What the public calendar lists: published and completed events (cancelled ones only on their page)."""
        return self.filter(state__in=[Event.State.PUBLISHED, Event.State.COMPLETED])

    def upcoming(self, now=None):
        """Events that have not ended yet.

        Lists of them go by start, but "not ended" is a condition on the end: the database would sort every
        event not yet ended (thousands, city-wide) to show the first few. Every such event starts at or after
        the earliest start among them, so that bound (read off the (ends_at, starts_at) index alone) is added:
        then the (starts_at, id) index is walked from there and stops after one page. The FILTER (always true)
        keeps PostgreSQL from answering MIN by walking the starts_at index from the far past instead.
        """
        now = now or timezone.now()
        earliest_start = (
            Event.objects.filter(ends_at__gte=now)
            .order_by()
            .annotate(every=Value(1))
            .values("every")
            .annotate(earliest=Min("starts_at", filter=Q(starts_at__isnull=False)))
            .values("earliest")
        )
        return self.filter(ends_at__gte=now, starts_at__gte=Subquery(earliest_start))

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now())

    def for_organization(self, organization):
        """Events an organization organizes."""
        return self.filter(organization=organization)

    def federation(self):
        """Events of the federation itself (no organizer organization), managed by street-office staff."""
        return self.filter(organization__isnull=True)

    def in_month(self, year, month):
        """Events starting in a calendar month, Shanghai time."""
        start, end = month_bounds(year, month)
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def counting_for_duty(self, proof=None):
        """Events that fulfil the monthly activity duty: completed community public-benefit activities of an
        organization with a report, and the proof that they were held which MONTHLY_DUTY_PROOF (or `proof`) names
        (DUTY_PROOFS): at least one person checked in, walk-ins included ("check_in"); a report with photos
        ("photos"); either ("check_in_or_photos", the default); the report alone ("report"). An activity its
        neighbourhood committee disputes does not count while the dispute is open, nor after staff upheld it
        (communities.ActivityConfirmation.counts_for_duty).

        Each proof is an EXISTS on an index (sign-ups by event and status, photos by report): the duty's counts
        stay on the duty index (event_duty_idx) and cost the same however many sign-ups there are.
        """
        proof = proof or settings.MONTHLY_DUTY_PROOF
        held = self.filter(
            kind=Event.Kind.COMMUNITY_ACTIVITY,
            state=Event.State.COMPLETED,
            organization__isnull=False,
        ).filter(Exists(EventReport.objects.filter(event=OuterRef("pk"))))
        held = held.exclude(community_confirmation__counts_for_duty=False)
        checked_in = Exists(Registration.objects.filter(event=OuterRef("pk"), status=Registration.Status.ATTENDED))
        photos = Exists(ReportPhoto.objects.filter(report__event=OuterRef("pk")))
        if proof == "check_in":
            return held.filter(checked_in)
        if proof == "photos":
            return held.filter(photos)
        if proof == "check_in_or_photos":
            return held.filter(checked_in | photos)
        return held

    def with_ratings(self):
        """Each event with `rating_count` and `rating_average` (None without ratings) of its residents' feedback,
        in the same query: correlated subqueries on the feedback's (event, created_at) index."""
        ratings = Feedback.objects.filter(event=OuterRef("pk")).order_by().values("event")
        return self.annotate(
            rating_count=Coalesce(Subquery(ratings.annotate(n=Count("pk")).values("n")), Value(0)),
            rating_average=Subquery(ratings.annotate(average=Avg("rating")).values("average")),
        )

    def search(self, term):
        """Title, description, place or organizer's name contains the term (core.search: indexed on PostgreSQL)."""
        term = clean_term(term)
        if not term:
            return self
        return self.filter(self.matching(term))

    @staticmethod
    def matching(term):
        """The condition of `search`. The organizers are looked up first (a few ids): a condition on the joined
        organization's name would keep the database from combining the indexes of the event's own columns."""
        return finds(["title", "description", "place"], term) | Q(
            organization__in=list(Organization.objects.filter(name__finds=term).values_list("pk", flat=True)[:100])
        )

    def with_place_counts(self):
        """Each event with `taken_count` (confirmed or attended) and `waitlist_count`, in the same query.

        Correlated subqueries on the (event, status) index, not a join with GROUP BY: they cost the same for a
        page of 20 events out of a million sign-ups, and `count()` (pagination) leaves them out.
        """

        def counted(statuses):
            registrations = (
                Registration.objects.filter(event=OuterRef("pk"), status__in=statuses)
                .order_by()
                .values("event")
                .annotate(n=Count("pk"))
                .values("n")
            )
            return Coalesce(Subquery(registrations), Value(0))

        return self.annotate(
            taken_count=counted(Registration.HOLDING_PLACE),
            waitlist_count=counted([Registration.Status.WAITLISTED]),
        )

    def for_cards(self):
        """What an event card shows, in a fixed number of queries."""
        return self.select_related("organization", "community").with_place_counts().order_by("starts_at", "pk")


class Event(models.Model):
    """An activity organized by a member organization or by the federation itself."""

    class Kind(models.TextChoices):
        COMMUNITY_ACTIVITY = "community_activity", _("Community public-benefit activity")
        MATCHING_MEETING = "matching_meeting", _("Project matching meeting")
        PROMOTION_MEETING = "promotion_meeting", _("Promotion meeting")
        PARTNER_DAY = "partner_day", _("Public-benefit partner day")
        TRAINING = "training", _("Training")
        PARTY_BUILDING = "party_building", _("Party-building activity")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("Leave empty for an event of the federation itself."),
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("The public-benefit project this event belongs to, if any."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.COMMUNITY_ACTIVITY)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    capacity = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1)], help_text=_("How many residents can take part.")
    )
    registration_opens_at = models.DateTimeField(
        _("sign-up opens"), null=True, blank=True, help_text=_("Empty: as soon as the event is published.")
    )
    registration_closes_at = models.DateTimeField(
        _("sign-up closes"), null=True, blank=True, help_text=_("Empty: when the event starts.")
    )
    signup_needs_code = models.BooleanField(
        _("sign-up needs a text-message code"),
        default=False,
        help_text=_(
            "Residents confirm their mobile number with a code sent by text message before they can sign up. "
            "Stops sign-ups with made-up numbers; residents without a mobile at hand cannot sign up."
        ),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    venue_token = models.CharField(
        _("venue check-in token"), max_length=64, default=new_token, editable=False,
        help_text=_("In the venue QR code shown at the door: lets residents check themselves in during the "
                    "check-in window."),
    )
    cover = PictureField(
        _("cover image"), upload_to=upload_path("events"), blank=True,
        width_field="cover_width", height_field="cover_height",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    party_building_3h = three_h_field()
    party_building_5m = five_m_field()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = EventQuerySet.as_manager()

    # Written only by the services that change the state (events.services): an edit, in the portal or in the
    # admin, never writes them, so a publish or cancel made while someone edits stands.
    SERVICE_FIELDS = frozenset({"state", "published_at", "cancel_reason", "created_by", "created_at", "updated_at"})

    # Registrations are deliberately not audited this way: residents' names and mobiles stay out of history.
    history = HistoricalRecords(excluded_fields=["updated_at", "cover_width", "cover_height"])

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["state", "starts_at"]),
            models.Index(fields=["organization", "starts_at"]),
            models.Index(fields=["updated_at"]),  # data versions of cached figures (core.caching.data_version)
            # upcoming(): the home page, the calendar's default list (see EventQuerySet.upcoming)
            models.Index(fields=["ends_at", "starts_at"]),
            models.Index(fields=["starts_at", "id"]),
            # The monthly activity duty (events.compliance): each member's count of a month and the month's
            # members who met it are read off this index alone (the id joins the report), not off the table.
            # The id is a key column rather than INCLUDEd: SQLite has no INCLUDE, and it costs the same here.
            models.Index(
                fields=["organization", "starts_at", "id"],
                condition=Q(kind="community_activity", state="completed"),
                name="event_duty_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.pk])

    @property
    def public_project(self):
        """The linked project when residents may see it (Project.is_public)."""
        project = self.project
        return project if project is not None and project.is_public else None

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("An event cannot end before it starts.")
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = _("Sign-up must close after it opens.")
        if closes and self.ends_at and closes > self.ends_at:
            errors["registration_closes_at"] = _("Sign-up cannot close after the event has ended.")
        if opens and self.starts_at and opens >= self.starts_at:
            errors["registration_opens_at"] = _("Sign-up must open before the event starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def organizer_name(self):
        return self.organization.name if self.organization_id else _("Changshou Social Organization Federation")

    @property
    def signup_closes_at(self):
        return self.registration_closes_at or self.starts_at

    def signup_state(self, now=None):
        """'open', 'not_yet', 'closed' or 'unavailable' (not published): whether residents may sign up now."""
        now = now or timezone.now()
        if self.state != self.State.PUBLISHED:
            return "unavailable"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet"
        if now >= self.signup_closes_at:
            return "closed"
        return "open"

    @property
    def is_signup_open(self):
        return self.signup_state() == "open"

    # Attendance: people are checked in at the door from CHECK_IN_OPENS_MINUTES before the start until the end.

    @property
    def check_in_opens_at(self):
        return self.starts_at - timedelta(minutes=settings.CHECK_IN_OPENS_MINUTES)

    @property
    def check_in_closes_at(self):
        return self.ends_at

    def check_in_refusal(self, now=None):
        """Why nobody can be checked in to this event now, or None: a published event, inside its window."""
        now = now or timezone.now()
        if self.state != self.State.PUBLISHED:
            return _("Check-ins can no longer be changed for this event.")
        if now < self.check_in_opens_at:
            return _("Check-in opens at %(when)s (%(minutes)d minutes before the start).") % {
                "when": _local_time(self.check_in_opens_at),
                "minutes": settings.CHECK_IN_OPENS_MINUTES,
            }
        if now >= self.check_in_closes_at:
            return _("Check-in closed at %(when)s, when the event ended.") % {
                "when": _local_time(self.check_in_closes_at)
            }
        return None

    @property
    def is_check_in_open(self):
        return self.check_in_refusal() is None

    # Residents' feedback: those checked in rate the event from its end until FEEDBACK_DAYS after.

    @property
    def feedback_closes_at(self):
        return self.ends_at + timedelta(days=settings.FEEDBACK_DAYS)

    @property
    def has_public_rating(self):
        """Whether residents see the event's average rating (`rating_is_public`; needs `with_ratings()`)."""
        return rating_is_public(self.rating_count)

    @property
    def is_editable(self):
        return self.state in (self.State.DRAFT, self.State.PUBLISHED)

    @property
    def is_draft(self):
        return self.state == self.State.DRAFT

    @property
    def is_published(self):
        return self.state == self.State.PUBLISHED

    @property
    def is_cancelled(self):
        return self.state == self.State.CANCELLED

    @property
    def is_completed(self):
        return self.state == self.State.COMPLETED

    @property
    def publish_refusal(self):
        """Why this event cannot be published now, or None: a draft of the federation or of an active member,
        not over yet."""
        if self.state != self.State.DRAFT:
            return _("Only drafts can be published.")
        if self.organization_id and not self.organization.is_member:
            return _("Only active member organizations can publish events.")
        if self.ends_at < timezone.now():
            return _("This event is already over: change its dates before publishing it.")
        return None

    @property
    def can_publish(self):
        return self.publish_refusal is None

    @property
    def can_be_cancelled(self):
        """Drafts and published events can be called off (completed and cancelled ones stay as they are)."""
        return self.state in (self.State.DRAFT, self.State.PUBLISHED)

    @property
    def has_started(self):
        return self.starts_at <= timezone.now()

    @property
    def report_refusal(self):
        """Why the after-event report cannot be filed now, or None: a published event, once it has started."""
        if self.state != self.State.PUBLISHED:
            return _("Only published events can be reported on.")
        if not self.has_started:
            return _("The report can be filed once the event has started.")
        return None

    @property
    def can_file_report(self):
        return self.report_refusal is None

    @property
    def places_left(self):
        """Needs `taken_count` from `with_place_counts()`."""
        return max(self.capacity - self.taken_count, 0)


class RegistrationQuerySet(models.QuerySet):
    def holding_place(self):
        """Registrations that take one of the event's places."""
        return self.filter(status__in=Registration.HOLDING_PLACE)

    def waitlisted(self):
        """The waitlist, first come first served."""
        return self.filter(status=Registration.Status.WAITLISTED).order_by("created_at", "pk")

    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def for_organization(self, organization):
        return self.filter(event__organization=organization)

    def of_mobile(self, mobile):
        """The sign-ups made with a mobile number; none once their personal data has been erased."""
        return self.filter(mobile=mobile, purged_at__isnull=True)

    def find(self, term):
        """The organizer's search of an event's sign-ups (the event page, the check-in page): the check-in code
        (6 digits), the sign-up's short code (from the resident's text message or private link) or number (#123),
        the last digits of the mobile (3 to 11), or part of the name. Full-width digits count as digits."""
        term = (term or "").replace("\x00", "").translate(FULL_WIDTH).strip()
        if not term:
            return self
        if term.startswith("#") and term[1:].isdigit() and len(term) < 19:
            return self.filter(pk=int(term[1:]))
        found = Q(name__icontains=term)
        if term.isascii() and term.isdigit():
            if len(term) == Registration.CHECK_IN_CODE_LENGTH:
                found |= Q(check_in_code=term)
            if 3 <= len(term) <= 11:
                found |= Q(mobile__endswith=term)
        by_code = Registration.from_short_code(term) if SHORT_CODE.fullmatch(term) else None
        if by_code is not None:
            found |= Q(pk=by_code.pk)
        return self.filter(found)

    def current(self, now=None):
        """What "my sign-ups" lists: sign-ups of public events that have not ended or ended in the last
        RECENT_DAYS days (cancelled ones included, so that a resident sees what became of them)."""
        since = (now or timezone.now()) - timedelta(days=Registration.RECENT_DAYS)
        return self.filter(event__in=Event.objects.public(), event__ends_at__gte=since)


class Registration(models.Model):
    """A resident's sign-up for an event; no account needed, the token in the link lets them cancel."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")

    class CheckInMethod(models.TextChoices):
        DOOR = "door", _("the organizer at the door")
        SELF = "self", _("the resident, with the venue QR code")

    HOLDING_PLACE = [Status.CONFIRMED, Status.ATTENDED]
    CHECK_IN_CODE_LENGTH = 6
    # "My sign-ups" (/events/my/) shows those of events that ended up to this many days ago, besides upcoming ones.
    RECENT_DAYS = 30

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(pgettext_lazy("a person's", "name"), max_length=50)
    mobile = models.CharField(_("mobile number"), max_length=11, validators=[validate_mobile])
    email = models.EmailField(_("email"), blank=True)
    consent = models.BooleanField(_("agreed to the privacy notice"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("moved up from the waiting list at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    check_in_code = models.CharField(
        _("check-in code"), max_length=6, blank=True, default="",
        help_text=_("6 digits on the resident's private page (with a QR code): found at the door to check in."),
    )
    checked_in_via = models.CharField(
        _("checked in by"), max_length=20, choices=CheckInMethod.choices, blank=True, default="",
    )
    is_walk_in = models.BooleanField(
        _("walk-in"), default=False, help_text=_("Signed up at the door (现场报名) rather than beforehand.")
    )
    purged_at = models.DateTimeField(
        _("personal data removed at"),
        null=True,
        blank=True,
        help_text=_("Name, mobile and email are removed after the retention period; the sign-up still counts."),
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [
            models.Index(fields=["event", "status", "created_at"]),
            models.Index(fields=["mobile"]),  # "my sign-ups" (/events/my/) finds them by mobile
        ]
        constraints = [
            # One place (or waiting-list spot) per mobile number and event; a cancelled sign-up frees it.
            models.UniqueConstraint(
                fields=["event", "mobile"],
                condition=~Q(status="cancelled") & Q(purged_at__isnull=True),
                name="one_active_registration_per_mobile",
            ),
            # A check-in code finds one person of an event.
            models.UniqueConstraint(
                fields=["event", "check_in_code"], condition=~Q(check_in_code=""), name="one_check_in_code_per_event"
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.event}"

    def get_absolute_url(self):
        return reverse("events:registration", args=[self.token])

    # The short private link of text messages (/r/<code>/): the id in base 36 and a signature of the private
    # token (8 characters, 48 bits), short enough for an SMS template's parameter.
    SHORT_SIGNATURE_LENGTH = 8

    @property
    def short_code(self):
        return f"{int_to_base36(self.pk)}{self._short_signature()}"

    def _short_signature(self):
        digest = salted_hmac("events.registration.short-link", self.token).digest()
        return base64.urlsafe_b64encode(digest).decode()[: self.SHORT_SIGNATURE_LENGTH]

    def get_short_url(self):
        return reverse("events:short-link", args=[self.short_code])

    @classmethod
    def from_short_code(cls, code):
        """The sign-up of a short link, or None (unknown, altered, or erased)."""
        length = cls.SHORT_SIGNATURE_LENGTH
        if len(code) <= length:
            return None
        try:
            pk = int(code[:-length], 36)
        except ValueError:
            return None
        registration = cls.objects.filter(pk=pk).first()
        if registration is None or not constant_time_compare(registration._short_signature(), code[-length:]):
            return None
        return registration

    @property
    def receives_text_messages(self):
        """Whether text messages may go to this sign-up's mobile (False: the resident stopped them with the link
        on the private page, or by replying TD); None when there is no mobile any more (personal data erased)."""
        if not self.mobile:
            return None
        return not SmsOptOut.objects.filter(mobile=self.mobile).exists()

    @property
    def is_confirmed(self):
        return self.status == self.Status.CONFIRMED

    @property
    def is_waitlisted(self):
        return self.status == self.Status.WAITLISTED

    @property
    def has_attended(self):
        return self.status == self.Status.ATTENDED

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def holds_place(self):
        return self.status in self.HOLDING_PLACE

    # What may happen to a sign-up, said once: the resident's page, the organizer's table, the admin and the
    # services (events.services) all ask these. Who may cancel: events.permissions.can_cancel.

    @property
    def cancel_refusal(self):
        """Why this sign-up cannot be cancelled now, or None: a place or a waiting-list spot of a published event
        can be cancelled (also once the event has started; nobody moves up then), nothing else."""
        if self.status == self.Status.CANCELLED:
            return _("This sign-up has already been cancelled.")
        if self.status == self.Status.ATTENDED or self.event.state == Event.State.COMPLETED:
            return _("This event has already taken place.")
        if self.event.state != Event.State.PUBLISHED:
            return _("The event has been cancelled: its sign-ups no longer need cancelling.")
        return None

    @property
    def is_cancellable(self):
        return self.cancel_refusal is None

    @property
    def check_in_refusal(self):
        """Why this person cannot be checked in now, or None: a confirmed place, inside the event's check-in
        window (Event.check_in_refusal)."""
        refusal = self.event.check_in_refusal()
        if refusal:
            return refusal
        if self.status != self.Status.CONFIRMED:
            return _("Only people with a confirmed place can be checked in.")
        return None

    @property
    def can_check_in(self):
        return self.check_in_refusal is None

    @property
    def shows_check_in_code(self):
        """Whether the private page shows the check-in code: a confirmed place of a published event not yet over."""
        return (
            bool(self.check_in_code) and self.is_confirmed and self.event.state == Event.State.PUBLISHED
            and self.event.ends_at > timezone.now()
        )

    @property
    def undo_check_in_refusal(self):
        """Why a check-in cannot be taken back now, or None: a check-in, inside the event's check-in window."""
        refusal = self.event.check_in_refusal()
        if refusal:
            return refusal
        if self.status != self.Status.ATTENDED:
            return _("This person has not been checked in.")
        return None

    @property
    def can_undo_check_in(self):
        return self.undo_check_in_refusal is None

    @property
    def feedback_refusal(self):
        """Why this resident cannot rate the event now, or None: a person checked in at an event that has taken
        place (not cancelled), from its end until FEEDBACK_DAYS after, once."""
        event, now = self.event, timezone.now()
        if event.state == Event.State.CANCELLED:
            return _("The event was cancelled: there is nothing to rate.")
        if self.status != self.Status.ATTENDED:
            return _("Only people checked in at the event can rate it.")
        if now < event.ends_at:
            return _("You can rate the event once it has ended.")
        if self.feedback_given is not None:
            return _("You have rated this event. Thank you!")
        if now >= event.feedback_closes_at:
            return _("Ratings for this event closed on %(when)s.") % {"when": _local_time(event.feedback_closes_at)}
        return None

    @property
    def can_rate(self):
        return self.feedback_refusal is None

    @property
    def feedback_given(self):
        """This sign-up's feedback, or None."""
        try:
            return self.feedback
        except Feedback.DoesNotExist:
            return None

    @property
    def waitlist_position(self):
        if self.status != self.Status.WAITLISTED:
            return None
        return (
            Registration.objects.filter(event=self.event_id, status=self.Status.WAITLISTED)
            .filter(Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, pk__lt=self.pk))
            .count()
            + 1
        )


class EventReport(models.Model):
    """The after-event report: filing it completes the event."""

    event = models.OneToOneField(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="report")
    attendance = models.PositiveIntegerField(_("attendance"), help_text=_("How many people took part."))
    volunteers = models.PositiveIntegerField(_("volunteers"), default=0)
    beneficiaries_served = models.PositiveIntegerField(
        _("beneficiaries served"), default=0, help_text=_("Residents who received a service.")
    )
    summary = models.TextField(pgettext_lazy("after-event report", "summary"))
    checked_in = models.PositiveIntegerField(
        _("checked in"), null=True, blank=True, editable=False,
        help_text=_("People checked in at the door (walk-ins included) when the report was filed."),
    )
    attendance_note = models.TextField(
        _("why the attendance differs from the check-ins"), blank=True,
        help_text=_("Needed when the attendance is not the number of people checked in; staff see it."),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("after-event report")
        verbose_name_plural = _("after-event reports")
        indexes = [models.Index(fields=["updated_at"])]  # core.caching.data_version (statistics)

    def __str__(self):
        return str(self.event)

    @property
    def attendance_differs(self):
        """Whether the attendance reported is not the number of people checked in when it was filed (staff read
        the reason, `attendance_note`). Reports filed before check-ins were counted differ from nothing."""
        return self.checked_in is not None and self.attendance != self.checked_in


class FeedbackQuerySet(models.QuerySet):
    def for_organization(self, organization):
        return self.filter(event__organization=organization)

    def of_events_starting(self, since, until):
        """Ratings of events starting from the day `since` to the day `until`, both included, Shanghai time."""
        start = datetime(since.year, since.month, since.day, tzinfo=DUTY_TIME_ZONE)
        following = until + timedelta(days=1)
        end = datetime(following.year, following.month, following.day, tzinfo=DUTY_TIME_ZONE)
        return self.filter(event__starts_at__gte=start, event__starts_at__lt=end)

    def summary(self):
        """{"count": ratings, "average": their mean or None, "is_public": whether residents may see the average
        (rating_is_public)}, in one query."""
        summary = self.order_by().aggregate(count=Count("pk"), average=Avg("rating"))
        return {**summary, "is_public": rating_is_public(summary["count"])}

    def by_organization(self):
        """Rows of organization (id, None for the federation's own events), organization__name, count and
        average, lowest average first, then by name: one query, grouped in the database."""
        return (
            self.order_by()
            .values("event__organization", "event__organization__name")
            .annotate(count=Count("pk"), average=Avg("rating"))
            .order_by("average", "event__organization__name", "event__organization")
        )


class Feedback(models.Model):
    """A resident's rating of an event they attended (1–5, an optional comment), once per sign-up, from the end of
    the event until FEEDBACK_DAYS after. Comments are never public; the rating outlives the personal-data purge
    (the sign-up keeps no name then)."""

    RATINGS = [(n, str(n)) for n in range(1, 6)]

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="feedback")
    registration = models.OneToOneField(
        "Registration", verbose_name=_("registration"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="feedback",
    )
    rating = models.PositiveSmallIntegerField(_("rating"), choices=RATINGS)
    comment = models.TextField(pgettext_lazy("a resident's feedback", "comment"), blank=True, max_length=500)
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [models.Index(fields=["event", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5), name="feedback_rating_1_to_5"),
        ]

    def __str__(self):
        return f"{self.event} · {self.rating}"


class ReportPhoto(models.Model):
    report = models.ForeignKey(EventReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="photos")
    image = PictureField(
        _("photo"), upload_to=upload_path("event-reports"), width_field="image_width", height_field="image_height"
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    caption = models.CharField(_("caption"), max_length=120, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")

    def __str__(self):
        return self.caption or self.image.name


class EventChange(ChangeRecord):
    """Audit trail of an event: who did what, when."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed with report")
        SIGNUP_CANCELLED = "signup_cancelled", _("Sign-up cancelled")
        CHECKED_IN = "checked_in", _("Checked in")
        CHECK_IN_UNDONE = "check_in_undone", _("Check-in undone")

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="changes")
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("sign-up"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        help_text=_("The sign-up the change was about, if any (its name and number are not copied here)."),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("event change")
        verbose_name_plural = _("event history")

    def __str__(self):
        return f"{self.event} · {self.get_action_display()}"


class LookupCodeQuerySet(models.QuerySet):
    def for_mobile(self, mobile, scope=""):
        """The codes of `mobile` for one use: "" finds sign-ups (/events/my/), "sign-up:<event id>" signs up."""
        return self.filter(mobile=mobile, scope=scope)

    def from_client(self, client):
        return self.filter(client=client)

    def in_last_hour(self, now=None):
        """Codes asked for in the last hour: the limits per mobile and per client count these."""
        return self.filter(created_at__gte=(now or timezone.now()) - timedelta(hours=1))


class LookupCode(models.Model):
    """A one-time code texted to a mobile so that a resident can see its sign-ups (/events/my/), or sign up for
    an event whose organizer asks for one (Event.signup_needs_code); `scope` says which.

    Only a keyed hash of the code is kept, and of the client's address only a keyed hash too. A code works for
    VALID_MINUTES and MAX_ATTEMPTS tries, and only the latest code of a mobile counts; at most PER_MOBILE_PER_HOUR
    codes are asked for a mobile and PER_CLIENT_PER_HOUR from one address in an hour. A row is written for every
    request, also for a number without sign-ups (its code is sent to nobody), so that the limits and the answers
    are the same either way. The nightly purge erases rows older than a day.
    """

    LENGTH = 6
    VALID_MINUTES = 5
    MAX_ATTEMPTS = 5
    PER_MOBILE_PER_HOUR = 3
    PER_CLIENT_PER_HOUR = 10

    mobile = models.CharField(_("mobile number"), max_length=11)
    scope = models.CharField(
        _("used for"), max_length=40, blank=True, default="",
        help_text=_("Empty: finding one's sign-ups; “sign-up:” and an event number: signing up for that event."),
    )
    code_hash = models.CharField(_("code (hashed)"), max_length=64)
    client = models.CharField(
        _("client (hashed)"), max_length=64, blank=True,
        help_text=_("A keyed hash of the address the code was asked from (the limit per address)."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    objects = LookupCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("text-message code")
        verbose_name_plural = _("text-message codes")
        indexes = [
            models.Index(fields=["mobile", "scope", "created_at"], name="events_look_mobile_scope_idx"),
            models.Index(fields=["client", "created_at"]),
        ]

    def __str__(self):
        return f"{mask_mobile(self.mobile)} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @staticmethod
    def new_code():
        return f"{secrets.randbelow(10**LookupCode.LENGTH):0{LookupCode.LENGTH}d}"

    @staticmethod
    def sign_up_scope(event):
        return f"sign-up:{event.pk}"

    @staticmethod
    def hash_code(mobile, code, scope=""):
        # Keyed: six digits are a million guesses away from any unkeyed hash.
        value = f"{mobile}:{code}" if not scope else f"{mobile}:{scope}:{code}"
        return salted_hmac("events.lookup-code", value, algorithm="sha256").hexdigest()

    @staticmethod
    def hash_client(address):
        return salted_hmac("events.lookup-client", address or "", algorithm="sha256").hexdigest()

    @property
    def expires_at(self):
        return self.created_at + timedelta(minutes=self.VALID_MINUTES)

    def is_expired(self, now=None):
        return (now or timezone.now()) >= self.expires_at

    @property
    def tries_left(self):
        return max(self.MAX_ATTEMPTS - self.attempts, 0)

    def matches(self, code):
        return constant_time_compare(self.code_hash, self.hash_code(self.mobile, code, self.scope))
