"""Evidence from the portal's own records, shown next to the leaf a scheme says it supports (Indicator.evidence).

Each source reads the definitions of the app that owns the records — the monthly duty of events.compliance, the
residents' ratings of events.Feedback, the projects' brand/selected flags, the council seats of members — over the
cycle's period, and says what it found as a figure with links to the records. Nothing here redefines a figure.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events import compliance
from events.models import DUTY_TIME_ZONE, Event, EventReport, Feedback
from members.models import CouncilSeat, Organization
from projects.models import Project

from .models import Evidence, PartyOrganizationRecord


@dataclass
class Finding:
    """What one source found: a figure ("11/12 months met"), a sentence, links to the records."""

    source: str
    figure: str
    detail: str = ""
    links: list = field(default_factory=list)  # [(text, url)]

    @property
    def label(self):
        return Evidence(self.source).label


def _bounds(cycle):
    start = datetime.datetime.combine(cycle.period_start, datetime.time(), DUTY_TIME_ZONE)
    end = datetime.datetime.combine(cycle.period_end + datetime.timedelta(days=1), datetime.time(), DUTY_TIME_ZONE)
    return start, end


def monthly_duty(organization, cycle):
    """Months of the period in which the monthly duty was met (events.compliance), of the months it applied."""
    # Up to the end of the period, or today while the period runs (the months to come are not missed yet).
    now = min(datetime.datetime.combine(cycle.period_end, datetime.time(12), DUTY_TIME_ZONE), timezone.now())
    last = compliance.this_month(now)
    months_so_far = (last.year - cycle.period_start.year) * 12 + last.month - cycle.period_start.month + 1
    months = compliance.organization_history(organization, months=max(months_so_far, 1), now=now)
    counted = [m for m in months if m.is_counted and not m.is_in_progress]
    met = sum(1 for m in counted if m.is_met)
    return Finding(
        Evidence.MONTHLY_DUTY,
        _("%(met)s/%(months)s months met") % {"met": met, "months": len(counted)},
        _("Months with at least one community public-benefit activity counted for the duty."),
        [(_("The organization's activities"), reverse("members:organization-detail", args=[organization.slug]))],
    )


def _held_events(organization, cycle):
    start, end = _bounds(cycle)
    return (
        Event.objects.for_organization(organization)
        .filter(state__in=[Event.State.PUBLISHED, Event.State.COMPLETED], starts_at__gte=start, starts_at__lt=end)
        .order_by()
    )


def reports(organization, cycle):
    """Of the events held in the period (published or completed), how many have their after-event report."""
    counts = _held_events(organization, cycle).aggregate(
        held=Count("pk"), reported=Count("pk", filter=Q(report__isnull=False))
    )
    held, reported = counts["held"], counts["reported"]
    share = round(100 * reported / held) if held else 0
    return Finding(
        Evidence.REPORTS,
        _("%(reported)s of %(held)s events reported (%(share)s %%)") % {
            "reported": reported, "held": held, "share": share
        },
        links=[(_("The organization's activities"), reverse("members:organization-detail", args=[organization.slug]))],
    )


def attendance(organization, cycle):
    """People checked in at the door, as the after-event reports of the period recorded them."""
    start, end = _bounds(cycle)
    total = EventReport.objects.filter(
        event__organization=organization, event__starts_at__gte=start, event__starts_at__lt=end
    ).aggregate(checked_in=Sum("checked_in"), reports=Count("pk"))
    return Finding(
        Evidence.ATTENDANCE,
        _("%(people)s people checked in at %(events)s events") % {
            "people": total["checked_in"] or 0, "events": total["reports"]
        },
    )


def feedback(organization, cycle):
    """Residents' ratings (events.Feedback) of the organization's events of the period."""
    summary = Feedback.objects.for_organization(organization).of_events_starting(
        cycle.period_start, cycle.period_end
    ).summary()
    if not summary["count"]:
        return Finding(Evidence.FEEDBACK, _("No ratings"))
    return Finding(
        Evidence.FEEDBACK,
        _("%(average).1f / 5 from %(count)s ratings") % {"average": summary["average"], "count": summary["count"]},
    )


def community_ratings(organization, cycle):
    """Hook for the neighbourhood committees' quarterly ratings (issue 18): no rating model exists yet, so this
    says so. When communities has one, read its per-organization definition here."""
    return Finding(Evidence.COMMUNITY_RATINGS, _("Not recorded in the portal yet"))


def projects(organization, cycle):
    """Projects completed in the period's years, and the organization's brand and selected projects."""
    own = Project.objects.for_organization(organization)
    counts = own.aggregate(
        completed=Count("pk", filter=Q(state=Project.State.COMPLETED, ends_on__gte=cycle.period_start,
                                       ends_on__lte=cycle.period_end)),
        brand=Count("pk", filter=Q(is_brand=True)),
        selected=Count("pk", filter=Q(is_selected=True)),
    )
    flagged = own.public().filter(Q(is_brand=True) | Q(is_selected=True)).order_by("-is_brand", "title")[:5]
    return Finding(
        Evidence.PROJECTS,
        _("%(completed)s completed · %(brand)s brand · %(selected)s selected") % counts,
        links=[(project.title, project.get_absolute_url()) for project in flagged],
    )


def membership(organization, cycle):
    """Membership of the federation and the council seats held in terms overlapping the period."""
    membership = getattr(organization, "membership", None)
    seats = (
        CouncilSeat.objects.filter(organization=organization, term__starts_on__lte=cycle.period_end)
        .filter(Q(term__ends_on__gte=cycle.period_start) | Q(term__ends_on__isnull=True))
        .select_related("term")
    )
    roles = "、".join(f"{seat.get_role_display()}（{seat.term}）" for seat in seats)
    status = membership.get_status_display() if membership else _("Not a member")
    since = f" · {membership.joined_on:%Y-%m}" if membership and membership.joined_on else ""
    return Finding(Evidence.MEMBERSHIP, f"{status}{since}", roles, [(_("Council"), reverse("members:about"))])


PROFILE_FIELDS = [
    "summary", "description", "logo", "address", "contact_person", "contact_phone", "email", "website",
    "founded_on", "registration_authority",
]


def profile(organization, cycle):
    """Share of the profile filled in: the fields above, its service fields and the communities it serves."""
    filled = sum(1 for name in PROFILE_FIELDS if getattr(organization, name))
    filled += organization.service_fields.exists() + organization.communities.exists()
    total = len(PROFILE_FIELDS) + 2
    return Finding(
        Evidence.PROFILE,
        _("%(filled)s of %(total)s profile items filled in") % {"filled": filled, "total": total},
        links=[(_("Public page"), reverse("members:organization-detail", args=[organization.slug]))],
    )


def party_building(organization, cycle):
    """The party-building record in force at the end of the period."""
    record = PartyOrganizationRecord.objects.filter(organization=organization).in_force(cycle.period_end).first()
    if record is None:
        return Finding(Evidence.PARTY_BUILDING, _("No record"))
    charter = _("in the charter") if record.in_charter else _("not in the charter")
    return Finding(
        Evidence.PARTY_BUILDING,
        record.get_form_display(),
        _("%(members)s party members · %(charter)s · since %(since)s") % {
            "members": record.party_members, "charter": charter, "since": record.on.isoformat()
        },
    )


SOURCES = {
    Evidence.MONTHLY_DUTY: monthly_duty,
    Evidence.REPORTS: reports,
    Evidence.ATTENDANCE: attendance,
    Evidence.FEEDBACK: feedback,
    Evidence.COMMUNITY_RATINGS: community_ratings,
    Evidence.PROJECTS: projects,
    Evidence.MEMBERSHIP: membership,
    Evidence.PROFILE: profile,
    Evidence.PARTY_BUILDING: party_building,
}


def findings_for(dossier, sources):
    """{source: Finding} for the sources a dossier's leaves ask for, each computed once."""
    organization = Organization.objects.select_related("membership").get(pk=dossier.organization_id)
    return {source: SOURCES[source](organization, dossier.cycle) for source in set(sources) if source}
