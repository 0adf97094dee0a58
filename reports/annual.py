"""An organization's annual report (年报) draft for a year, from what the portal knows: its profile, the year's
activities, projects and funding, changes of its contact person and its council seats, its membership and party
building. What the portal does not know is left for the organization to fill in (TO_FILL)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Event
from members.models import CouncilSeat, Membership, MembershipChange
from projects.models import Project
from stats import figures

TO_FILL = gettext_lazy("To be filled in")


def _or_fill(value):
    return value if value not in (None, "") else str(TO_FILL)


def _basic(organization):
    rows = [
        (_("Name"), organization.name),
        (_("Unified social credit code"), organization.credit_code),
        (_("Type"), organization.get_org_type_display()),
        (_("Registered on"), organization.founded_on),
        (_("Registration authority"), organization.registration_authority),
        (_("Legal representative"), None),
        (_("Supervising authority"), None),
        (_("Address"), organization.address),
        (_("Contact person"), organization.contact_person),
        (_("Contact phone"), organization.contact_phone),
        (_("Email"), organization.email),
        (_("Website"), organization.website),
        (_("Service fields"), "、".join(str(field) for field in organization.service_fields.all())),
        (_("Communities served"), "、".join(community.name for community in organization.communities.all())),
        (_("Star rating"), organization.star_rating or None),
        (_("Full-time staff"), None),
    ]
    return [[label, _or_fill(value)] for label, value in rows]


def _activities(organization, period):
    events = (
        Event.objects.listed().for_organization(organization)
        .filter(starts_at__gte=period.start, starts_at__lt=period.end)
        .select_related("report", "community")
        .order_by("starts_at", "pk")
    )
    rows = []
    for event in events:
        report = getattr(event, "report", None)
        rows.append([
            timezone.localtime(event.starts_at, figures.DUTY_TIME_ZONE).date(),
            event.title,
            event.place,
            event.community.name if event.community else "",
            event.get_kind_display(),
            report.attendance if report else str(TO_FILL),
            report.beneficiaries_served if report else str(TO_FILL),
            report.volunteers if report else str(TO_FILL),
        ])
    return rows


def _projects(organization, period):
    projects = (
        figures.projects_running_in(period).for_organization(organization)
        .filter(state__in=Project.PUBLIC_STATES)
        .order_by("starts_on", "pk")
    )
    return [
        [project.title, project.get_state_display(), project.get_funding_source_display(),
         _or_fill(project.funding_amount), _or_fill(project.starts_on), _or_fill(project.ends_on)]
        for project in projects
    ]


def _leaders(organization, period):
    """Changes of the contact person in the year (the profile's history) and the organization's seats on the
    federation's council in terms running in the year."""
    rows = []
    previous = None
    for record in organization.history.filter(history_date__lt=period.end).order_by("history_date", "history_id"):
        if previous is not None and record.contact_person != previous and record.history_date >= period.start:
            rows.append([
                _("Contact person"),
                timezone.localtime(record.history_date, figures.DUTY_TIME_ZONE).date(),
                f"{previous or '-'} → {record.contact_person or '-'}",
            ])
        previous = record.contact_person
    seats = CouncilSeat.objects.filter(organization=organization, term__starts_on__lte=period.last).exclude(
        term__ends_on__lt=period.first
    ).select_related("term")
    for seat in seats.order_by("term__starts_on"):
        rows.append([
            _("Federation council"), seat.term.starts_on,
            f"{seat.term.name}：{seat.get_role_display()} {seat.representative}".strip(),
        ])
    rows.append([_("Meetings and change of term of the organization's own council"), str(TO_FILL), str(TO_FILL)])
    return rows


def _membership(organization, period):
    membership = Membership.objects.filter(organization=organization).first()
    if membership is None:
        return [[_("Membership"), _("Not a member")]]
    rows = [
        [_("Membership"), membership.get_status_display()],
        [_("Member since"), _or_fill(membership.joined_on)],
    ]
    changes = MembershipChange.objects.filter(
        membership=membership, changed_at__gte=period.start, changed_at__lt=period.end
    ).order_by("changed_at")
    rows += [
        [timezone.localtime(change.changed_at, figures.DUTY_TIME_ZONE).date(), change.get_to_status_display()]
        for change in changes
    ]
    rows.append([_("Has a party organization"), _("Yes") if organization.has_party_organization else _("No")])
    rows.append([_("Party members"), str(TO_FILL)])
    return rows


def _finances():
    return [[label, str(TO_FILL)] for label in (
        _("Income of the year (yuan)"), _("Expenses of the year (yuan)"), _("Net assets at the end of the year (yuan)"),
        _("Donations received (yuan)"), _("Donations made (yuan)"),
    )]


def annual_report(organization, year):
    """The sections of the draft: (key, title, header, rows) each, for the printable page and the workbook."""
    period = figures.Period(year)
    return [
        ("basic", _("Basic data"), [_("Item"), _("Content")], _basic(organization)),
        ("activities", _("Activities of the year"), [
            _("Date"), _("Title"), _("Place"), _("Community"), _("Kind"), _("Participants"), _("Beneficiaries"),
            _("Volunteers"),
        ], _activities(organization, period)),
        ("projects", _("Projects and funding"), [
            _("Project"), _("State"), _("Funding source"), _("Amount (yuan)"), _("Starts on"), _("Ends on"),
        ], _projects(organization, period)),
        ("leaders", _("Leaders and council"), [_("Item"), _("Date"), _("Change")], _leaders(organization, period)),
        ("membership", _("Membership and party building"), [_("Item"), _("Content")],
         _membership(organization, period)),
        ("finances", _("Finances and donations"), [_("Item"), _("Content")], _finances()),
    ]
