from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import ChangeRecord
from core.pictures import PictureField, upload_path
from core.search import clean_term, finds
from core.validators import validate_credit_code, validate_phone


class Community(models.Model):
    """A neighbourhood community (居委会) of the street."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # The neighbourhood's public page belongs to the communities app, a URL name not an import.
        return reverse("communities:detail", kwargs={"code": self.code})


class ServiceField(models.Model):
    """A field of service; the fixed list lives in `Code`, rows exist so organizations can pick several."""

    class Code(models.TextChoices):
        ELDERLY = "elderly", _("Elderly care")
        CHILDREN_YOUTH = "children_youth", _("Children and youth")
        DISABILITY = "disability", _("Disability support")
        POVERTY_FOOD = "poverty_food", _("Poverty relief and food aid")
        ENVIRONMENT = "environment", _("Environment")
        CULTURE_ARTS = "culture_arts", _("Culture and arts")
        EDUCATION = "education", _("Education")
        EMPLOYMENT = "employment", _("Employment and entrepreneurship")
        GOVERNANCE = "governance", _("Community governance")
        VOLUNTEERING = "volunteering", _("Volunteering")
        HEALTH = "health", _("Health")
        PARTY_BUILDING = "party_building", _("Party building")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=30, choices=Code.choices, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("service field")
        verbose_name_plural = _("service fields")

    def __str__(self):
        return str(self.get_code_display())


class Grade(models.IntegerChoices):
    """A grade of the social-organization evaluation (社会组织等级评估): 1A–5A, or none."""

    NONE = 0, _("No grade")
    A1 = 1, "1A"
    A2 = 2, "2A"
    A3 = 3, "3A"
    A4 = 4, "4A"
    A5 = 5, "5A"


class OrganizationQuerySet(models.QuerySet):
    def public(self):
        """What residents may see: organizations marked public."""
        return self.filter(is_public=True)

    def members(self):
        """Organizations whose membership is active."""
        return self.filter(membership__status=Membership.Status.ACTIVE)

    def incubating(self):
        return self.filter(incubation_status=Organization.Incubation.INCUBATING)

    def search(self, term):
        """Name or short description contains the term (core.search: indexed on PostgreSQL)."""
        term = clean_term(term)
        if not term:
            return self
        return self.filter(finds(["name", "summary"], term))

    def for_directory(self):
        """Public organizations with what a directory card shows, in a fixed number of queries."""
        return (
            self.public()
            .select_related("membership")
            .prefetch_related("service_fields")
            .order_by("-star_rating", "name")
        )


class Organization(models.Model):
    """A social organization of the street, member of the federation or not."""

    class Type(models.TextChoices):
        SOCIAL_GROUP = "social_group", _("Social group")
        SERVICE_AGENCY = "service_agency", _("Social service agency")
        FOUNDATION = "foundation", _("Foundation")
        COMMUNITY_TEAM = "community_team", _("Community team (filed)")

    class Incubation(models.TextChoices):
        NONE = "none", _("Not incubated")
        INCUBATING = "incubating", _("Incubating")
        GRADUATED = "graduated", _("Graduated")

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True, allow_unicode=True, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, as on the registration certificate. Not needed for filed community teams."),
        error_messages={"unique": _("Another organization already has this unified social credit code.")},
    )
    org_type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.SOCIAL_GROUP)
    service_fields = models.ManyToManyField(
        ServiceField, verbose_name=_("service fields"), blank=True, related_name="organizations"
    )
    founded_on = models.DateField(_("registered on"), null=True, blank=True)
    deregistered_on = models.DateField(
        _("deregistered on"), null=True, blank=True,
        help_text=_("The day it was deregistered (注销) or its filing cancelled; empty while it exists."),
    )
    registration_authority = models.CharField(_("registration authority"), max_length=100, blank=True)
    communities = models.ManyToManyField(
        Community, verbose_name=_("communities served"), blank=True, related_name="organizations"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)
    website = models.CharField(
        _("website"), max_length=200, blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    logo = PictureField(
        _("logo"), upload_to=upload_path("logos"), blank=True, widths=(128, 256),
        width_field="logo_width", height_field="logo_height",
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    summary = models.CharField(_("short description"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    government_funded = models.BooleanField(
        _("government-funded background"),
        default=False,
        help_text=_("Set up or mainly funded by a government body."),
    )
    star_rating = models.PositiveSmallIntegerField(
        _("star rating"),
        default=0,
        validators=[MaxValueValidator(5)],
        help_text=_(
            "0 = not rated; 1–5 stars. Written when staff publish the results of a star-rating evaluation (with its "
            "period); staff may also set it."
        ),
    )
    star_rating_valid_from = models.DateField(_("star rating valid from"), null=True, blank=True, editable=False)
    star_rating_valid_until = models.DateField(_("star rating valid until"), null=True, blank=True, editable=False)
    grade = models.PositiveSmallIntegerField(
        _("evaluation grade"), choices=Grade.choices, default=Grade.NONE, editable=False,
        help_text=_("The grade of the latest published evaluation (等级评估), written when staff publish its results."),
    )
    grade_valid_until = models.DateField(_("grade valid until"), null=True, blank=True, editable=False)
    incubation_status = models.CharField(
        _("incubation"), max_length=20, choices=Incubation.choices, default=Incubation.NONE
    )
    incubating_since = models.DateField(_("incubating since"), null=True, blank=True)
    graduated_on = models.DateField(_("graduated on"), null=True, blank=True)
    has_party_organization = models.BooleanField(_("has a party organization"), default=False)
    is_public = models.BooleanField(
        _("shown publicly"), default=True, help_text=_("Shown in the public directory.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[service_fields, communities], excluded_fields=["updated_at", "logo_width", "logo_height"]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.CheckConstraint(condition=Q(star_rating__lte=5), name="organization_star_rating_max_5"),
        ]
        indexes = [models.Index(fields=["updated_at"])]  # core.caching.data_version

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.credit_code:
            self.credit_code = None  # NULLs do not collide in the unique index
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("members:organization-detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()
        elif self.org_type != self.Type.COMMUNITY_TEAM:
            errors["credit_code"] = _("Registered organizations must give their unified social credit code.")
        if self.incubation_status == self.Incubation.INCUBATING and not self.incubating_since:
            errors["incubating_since"] = _("Give the date incubation started.")
        if self.incubation_status == self.Incubation.GRADUATED and not self.graduated_on:
            errors["graduated_on"] = _("Give the date the organization graduated from the incubation base.")
        if self.founded_on and self.deregistered_on and self.deregistered_on < self.founded_on:
            errors["deregistered_on"] = _("Deregistration cannot come before registration.")
        if self.incubating_since and self.graduated_on and self.graduated_on < self.incubating_since:
            errors["graduated_on"] = _("Graduation cannot come before the start of incubation.")
        if errors:
            raise ValidationError(errors)

    def _unique_slug(self):
        base = slugify(self.name, allow_unicode=True)[:120] or "org"
        slug, n = base, 2
        while Organization.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    @property
    def is_incubating(self):
        return self.incubation_status == self.Incubation.INCUBATING

    @property
    def is_incubation_graduate(self):
        """Graduated from the street's incubation base (孵化基地出壳): the organization page says so, with the year."""
        return self.incubation_status == self.Incubation.GRADUATED and self.graduated_on is not None

    @property
    def is_member(self):
        membership = getattr(self, "membership", None)
        return membership is not None and membership.status == Membership.Status.ACTIVE

    @property
    def stars(self):
        return range(self.star_rating)

    def current_grade(self, on=None):
        """The published evaluation grade in force on a day (today by default): Grade.NONE once it expired."""
        on = on or timezone.localdate()
        if self.grade_valid_until is not None and self.grade_valid_until < on:
            return Grade.NONE
        return Grade(self.grade)

    def meets_grade(self, minimum, on=None):
        """Whether the grade in force on the day is `minimum` or above (every organization meets Grade.NONE)."""
        return self.current_grade(on) >= minimum


class Membership(models.Model):
    """An organization's membership of the federation, with every change kept in `MembershipChange`."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACTIVE = "active", _("Active member")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REJECTED = "rejected", _("Rejected")

    # Which status may follow which; every change goes through members.services.
    TRANSITIONS = {
        Status.APPLIED: {Status.ACTIVE, Status.REJECTED, Status.WITHDRAWN},
        Status.ACTIVE: {Status.SUSPENDED, Status.WITHDRAWN},
        Status.SUSPENDED: {Status.ACTIVE, Status.WITHDRAWN},
        Status.REJECTED: {Status.APPLIED},
        Status.WITHDRAWN: {Status.APPLIED},
    }

    organization = models.OneToOneField(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="membership"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.APPLIED)
    applied_on = models.DateField(_("applied on"), default=timezone.localdate)
    joined_on = models.DateField(_("member since"), null=True, blank=True)
    is_founding = models.BooleanField(_("founding member"), default=False)
    application_note = models.TextField(_("application note"), blank=True)
    decided_at = models.DateTimeField(_("last decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True, help_text=_("Given to the organization on reject or suspend."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["updated_at"]),  # core.caching.data_version (statistics, headline figures)
        ]

    def __str__(self):
        return f"{self.organization} · {self.get_status_display()}"

    def can_change_to(self, status):
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    @property
    def is_pending(self):
        """An application waiting for the street office's decision."""
        return self.status == self.Status.APPLIED


class MembershipChange(ChangeRecord):
    """One change of a membership's status: kept forever as its history."""

    membership = models.ForeignKey(
        Membership, verbose_name=_("membership"), on_delete=models.CASCADE, related_name="changes"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Membership.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Membership.Status.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("membership change")
        verbose_name_plural = _("membership history")

    def __str__(self):
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class CouncilTermQuerySet(models.QuerySet):
    def current(self, on=None):
        """The term in force on a date (today by default)."""
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on).filter(Q(ends_on__gte=on) | Q(ends_on__isnull=True))


class CouncilTerm(models.Model):
    """A term of the federation's council (理事会)."""

    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    objects = CouncilTermQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("council term")
        verbose_name_plural = _("council terms")

    def __str__(self):
        return self.name

    def clean(self):
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A term cannot end before it starts.")})

    def rotating_chair_on(self, on=None):
        on = on or timezone.localdate()
        return (
            self.rotating_chairs.select_related("organization")
            .filter(starts_on__lte=on, ends_on__gte=on)
            .first()
        )


class CouncilSeat(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice chair")
        SECRETARY_GENERAL = "secretary_general", _("Secretary-general")
        COUNCIL_MEMBER = "council_member", _("Council member")
        SUPERVISOR = "supervisor", _("Supervisor")

    ROLE_ORDER = [Role.CHAIR, Role.VICE_CHAIR, Role.SECRETARY_GENERAL, Role.COUNCIL_MEMBER, Role.SUPERVISOR]

    term = models.ForeignKey(CouncilTerm, verbose_name=_("term"), on_delete=models.CASCADE, related_name="seats")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="council_seats"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.COUNCIL_MEMBER)
    representative = models.CharField(_("representative"), max_length=50, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["term", "role", "organization__name"]
        verbose_name = _("council seat")
        verbose_name_plural = _("council seats")
        constraints = [
            models.UniqueConstraint(fields=["term", "organization"], name="one_seat_per_organization_per_term"),
        ]

    def __str__(self):
        return f"{self.organization} · {self.get_role_display()}"

    @property
    def role_rank(self):
        return self.ROLE_ORDER.index(self.role)


class RotatingChair(models.Model):
    """One turn of the rotating chair (轮值会长) within a council term."""

    term = models.ForeignKey(
        CouncilTerm, verbose_name=_("term"), on_delete=models.CASCADE, related_name="rotating_chairs"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="chair_turns"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["term", "starts_on"]
        verbose_name = _("rotating chair turn")
        verbose_name_plural = _("rotating chair schedule")

    def __str__(self):
        return _("%(name)s (%(starts)s – %(ends)s)") % {
            "name": self.organization, "starts": self.starts_on, "ends": self.ends_on
        }

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A turn cannot end before it starts.")})
        if self.term_id and self.starts_on and self.ends_on:
            overlapping = RotatingChair.objects.filter(
                term=self.term_id, starts_on__lte=self.ends_on, ends_on__gte=self.starts_on
            ).exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(_("This turn overlaps another turn of the same term."))


class SupportSessionQuerySet(models.QuerySet):
    def for_organization(self, organization):
        return self.filter(organization=organization)

    def between(self, start, end):
        """Sessions dated within [start, end] (both included)."""
        return self.filter(on__gte=start, on__lte=end)


class SupportSession(models.Model):
    """One service the street office or the federation gave an organization, as logged by staff: the "4f" of the
    party-building mechanism (孵化、支持、咨询、覆盖). Other apps count these (party-building coverage, incubation)."""

    class Kind(models.TextChoices):
        INCUBATION = "incubation", pgettext_lazy("4f service", "Incubation")
        SUPPORT = "support", pgettext_lazy("4f service", "Support")
        CONSULTATION = "consultation", pgettext_lazy("4f service", "Consultation")
        COVERAGE = "coverage", pgettext_lazy("4f service", "Coverage")

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="support_sessions"
    )
    kind = models.CharField(_("kind of service"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("date"), default=timezone.localdate)
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0.5"))],
        help_text=_("Time spent in hours, to the half hour (e.g. 1.5)."),
    )
    note = models.TextField(_("note"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("logged by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SupportSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("support session")
        verbose_name_plural = _("support sessions (4f)")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="support_session_hours_positive"),
        ]
        indexes = [models.Index(fields=["on", "kind"])]

    def __str__(self):
        return f"{self.organization} · {self.get_kind_display()} · {self.on}"


class OrganizationAccount(models.Model):
    """A user who works for an organization in the portal."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        EDITOR = "editor", _("Editor")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="org_account"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="accounts"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["organization", "role", "user__username"]
        verbose_name = _("organization account")
        verbose_name_plural = _("organization accounts")

    def __str__(self):
        return _("%(user)s · %(organization)s (%(role)s)") % {
            "user": self.user, "organization": self.organization, "role": self.get_role_display()
        }

    @property
    def is_admin(self):
        return self.role == self.Role.ADMIN


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class InvitationBase(models.Model):
    """A link by email to join a portal (an organization's, a neighbourhood committee's): works once, until it
    expires. Subclasses add what the person joins and the role."""

    email = models.EmailField(_("email"))
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_usable(self):
        return self.accepted_at is None and self.expires_at > timezone.now()


class Invitation(InvitationBase):
    """An invitation by an organization admin for a colleague to join the organization's portal."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=OrganizationAccount.Role.choices, default=OrganizationAccount.Role.EDITOR
    )

    class Meta(InvitationBase.Meta):
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.organization}"


class AccountChange(ChangeRecord):
    """Who gave or took away a colleague's access to an organization's portal: kept as its history."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("Registered the organization")
        INVITED = "invited", _("Invited")
        INVITATION_WITHDRAWN = "invitation_withdrawn", _("Invitation withdrawn")
        JOINED = "joined", _("Joined")
        REMOVED = "removed", _("Removed")

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="account_changes"
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    email = models.CharField(_("colleague"), max_length=254, help_text=_("The email of the person concerned."))
    role = models.CharField(_("role"), max_length=10, choices=OrganizationAccount.Role.choices, blank=True)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("account change")
        verbose_name_plural = _("account history")

    def __str__(self):
        return f"{self.organization} · {self.get_action_display()} · {self.email}"


class PersonalDataAccess(models.Model):
    """Who looked at or exported residents' personal data, and when (itself never holds that data)."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    subject = models.CharField(_("what"), max_length=200)
    records = models.PositiveIntegerField(_("records"), default=1)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")

    def __str__(self):
        return f"{self.user} · {self.get_action_display()} · {self.subject}"
