"""The party-building page for staff (/staff/party-building/): coverage of the member organizations month by month,
the organizations not covered, and the 4f services and 3h/5m tags counted per quarter, with an Excel download.

Definitions (each once, here):
- organizational coverage (组织覆盖) in a month: members (events.compliance.members_in_month) whose party-building
  record in force at the month's end has a form other than 未覆盖;
- work coverage (工作覆盖) in a month: members covered organizationally, or given a 4f service
  (members.SupportSession) in the month, or holding a party-building activity in it.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.party_building import FiveM, ThreeH
from core.permissions import StaffPermissionRequiredMixin
from core.spreadsheets import FORMATS, spreadsheet_response
from events import compliance
from events.models import DUTY_TIME_ZONE, Event, month_bounds
from members.models import SupportSession
from projects.models import Project

from .models import PartyOrganizationRecord, end_of_month

PERMISSION = "evaluation.view_partyorganizationrecord"


def _record_in_force(on):
    return (
        PartyOrganizationRecord.objects.filter(organization=OuterRef("pk"), on__lte=on)
        .order_by("-on", "-pk")
        .values("form")[:1]
    )


# Organizations annotated with `form=form_in_force(day)` are covered organizationally on that day when this holds.
COVERED = Q(form__isnull=False) & ~Q(form=PartyOrganizationRecord.Form.UNCOVERED)


def form_in_force(on):
    """The form of an organization's party organization on a day (its ledger record in force), for annotating a
    queryset of organizations; None without a record."""
    return Subquery(_record_in_force(on))


def coverage_for_month(month):
    """{"month", "members", "organizational", "work"} for a month (its first day). One query."""
    start, end = month_bounds(month.year, month.month)
    last_day = end_of_month(month)
    form = form_in_force(last_day)
    covered = COVERED
    served = Exists(SupportSession.objects.filter(organization=OuterRef("pk"), on__gte=month, on__lte=last_day))
    held = Exists(
        Event.objects.filter(
            organization=OuterRef("pk"), kind=Event.Kind.PARTY_BUILDING, starts_at__gte=start, starts_at__lt=end,
            state__in=[Event.State.PUBLISHED, Event.State.COMPLETED],
        )
    )
    totals = (
        compliance.members_in_month(month)
        .annotate(form=form, served=served, held=held)
        .aggregate(
            members=Count("pk"),
            organizational=Count("pk", filter=covered),
            work=Count("pk", filter=covered | Q(served=True) | Q(held=True)),
        )
    )
    return {"month": month, **totals}


def coverage_by_month(last_month, months=12):
    first = compliance.shift_month(last_month, -(months - 1))
    return [coverage_for_month(compliance.shift_month(first, offset)) for offset in range(months)]


def uncovered_organizations(on):
    """Members without a party organization covering them on the day, with their record's form (None: no record)
    and the day of their latest 4f service. One query."""
    last_service = (
        SupportSession.objects.filter(organization=OuterRef("pk")).order_by("-on").values("on")[:1]
    )
    month = datetime.date(on.year, on.month, 1)
    return (
        compliance.members_in_month(month)
        .annotate(form=Subquery(_record_in_force(on)), last_service=Subquery(last_service))
        .filter(Q(form__isnull=True) | Q(form=PartyOrganizationRecord.Form.UNCOVERED))
        .order_by("name")
        .only("name", "slug")
    )


def _quarters(year):
    return [(q, datetime.date(year, 3 * q - 2, 1), end_of_month(datetime.date(year, 3 * q, 1))) for q in range(1, 5)]


def _moment(day):
    return datetime.datetime.combine(day, datetime.time(), DUTY_TIME_ZONE)


def counts_by_quarter(year):
    """Rows (label, [count in Q1..Q4]) of the 4f services by kind, and of the events and projects by 3h tag and by
    5m topic (events by their start, projects by their start date). One query per kind of record."""
    quarters = _quarters(year)

    def per_quarter(queryset, field, values, date_of):
        aggregates = {
            f"{value}_{q}": Count("pk", filter=Q(**{field: value}) & date_of(start, end))
            for value in values
            for q, start, end in quarters
        }
        counted = queryset.order_by().aggregate(**aggregates)
        return {value: [counted[f"{value}_{q}"] for q, _, _ in quarters] for value in values}

    sessions = per_quarter(
        SupportSession.objects.all(), "kind", SupportSession.Kind.values,
        lambda start, end: Q(on__gte=start, on__lte=end),
    )
    held = Event.objects.filter(state__in=[Event.State.PUBLISHED, Event.State.COMPLETED])
    event_dates = lambda start, end: Q(  # noqa: E731
        starts_at__gte=_moment(start), starts_at__lt=_moment(end + datetime.timedelta(days=1))
    )
    project_dates = lambda start, end: Q(starts_on__gte=start, starts_on__lte=end)  # noqa: E731
    events_3h = per_quarter(held, "party_building_3h", ThreeH.values, event_dates)
    events_5m = per_quarter(held, "party_building_5m", FiveM.values, event_dates)
    projects_3h = per_quarter(Project.objects.all(), "party_building_3h", ThreeH.values, project_dates)
    projects_5m = per_quarter(Project.objects.all(), "party_building_5m", FiveM.values, project_dates)
    return {
        "sessions": [(label, sessions[value]) for value, label in SupportSession.Kind.choices],
        # (label, [(events, projects) per quarter])
        "three_h": [(label, list(zip(events_3h[v], projects_3h[v], strict=True))) for v, label in ThreeH.choices],
        "five_m": [(label, list(zip(events_5m[v], projects_5m[v], strict=True))) for v, label in FiveM.choices],
    }


def _year(request, today):
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year else today.year


class PartyBuildingView(StaffPermissionRequiredMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "evaluation/staff/party_building.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        year = _year(self.request, today)
        return super().get_context_data(
            year=year,
            years=range(today.year, today.year - 5, -1),
            coverage=coverage_by_month(compliance.this_month()),
            uncovered=uncovered_organizations(today),
            counts=counts_by_quarter(year),
            **kwargs,
        )


class PartyBuildingExportView(StaffPermissionRequiredMixin, View):
    permission_required = PERMISSION

    def get(self, request, file_format):
        if file_format not in FORMATS:
            raise Http404
        today = timezone.localdate()
        year = _year(request, today)
        header = [_("What"), _("Period"), _("Count"), _("Of")]
        rows = []
        for row in coverage_by_month(compliance.this_month()):
            period = f"{row['month']:%Y-%m}"
            rows.append([_("Organizational coverage"), period, row["organizational"], row["members"]])
            rows.append([_("Work coverage"), period, row["work"], row["members"]])
        counts = counts_by_quarter(year)
        for label, values in counts["sessions"]:
            rows += [[_("4f: %(kind)s") % {"kind": label}, f"{year} Q{q}", n, ""] for q, n in enumerate(values, 1)]
        for key, prefix in (("three_h", "3h"), ("five_m", "5m")):
            for label, quarters in counts[key]:
                for q, (events, projects) in enumerate(quarters, 1):
                    rows.append([f"{prefix}: {label} · {_('events')}", f"{year} Q{q}", events, ""])
                    rows.append([f"{prefix}: {label} · {_('projects')}", f"{year} Q{q}", projects, ""])
        return spreadsheet_response(file_format, f"party-building-{year}", header, rows, title=str(year))
