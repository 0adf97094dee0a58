"""Each figure against values computed by hand on fixed data, with month and year edges in Shanghai time."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from events.models import Event, EventReport
from members.models import Membership, MembershipChange, Organization
from projects.models import FundingSource, Project
from stats import charts, figures
from stats.figures import Filters
from tests.contracts.factories import ContractFactory, pay
from tests.events.factories import EventFactory, EventReportFactory, completed_activity
from tests.members.factories import CommunityFactory, MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)


def shanghai(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def test_events_count_in_the_shanghai_month_they_start():
    EventFactory(starts_at=shanghai(2025, 12, 31, 23, 30))  # 15:30 UTC: December 2025
    EventFactory(starts_at=shanghai(2026, 1, 1, 0, 10))  # still 31 December in UTC: January 2026
    EventFactory(starts_at=shanghai(2026, 1, 31, 23, 30))  # January
    EventFactory(starts_at=shanghai(2026, 2, 1, 0, 10), kind=Event.Kind.TRAINING)  # still 31 January in UTC
    EventFactory(starts_at=shanghai(2026, 2, 3, 10), state=Event.State.DRAFT)  # drafts are not counted
    months, _kinds, counts, held = figures.events_by_month_and_kind(Filters(year=2026), now=NOW)
    assert months == [date(2026, month, 1) for month in range(1, 12)]
    assert counts == {
        (date(2026, 1, 1), Event.Kind.COMMUNITY_ACTIVITY): 2,
        (date(2026, 2, 1), Event.Kind.TRAINING): 1,
    }
    assert held == {}  # published, not held yet
    _months, _kinds, previous, _held = figures.events_by_month_and_kind(Filters(year=2025), now=NOW)
    assert previous == {(date(2025, 12, 1), Event.Kind.COMMUNITY_ACTIVITY): 1}


def test_activities_held_are_those_counting_for_the_duty():
    organization = MembershipFactory(joined_on=date(2020, 1, 1)).organization
    completed_activity(organization, shanghai(2026, 1, 31, 23, 30))
    completed_activity(organization, shanghai(2026, 2, 1, 0, 10))
    # completed without a report
    EventFactory(organization=organization, starts_at=shanghai(2026, 2, 5, 10), state=Event.State.COMPLETED)
    completed_activity(organization, shanghai(2026, 2, 6, 10), kind=Event.Kind.TRAINING)  # not a community activity
    _months, _kinds, counts, held = figures.events_by_month_and_kind(Filters(year=2026), now=NOW)
    assert held == {date(2026, 1, 1): 1, date(2026, 2, 1): 1}
    assert sum(counts.values()) == 4


def test_events_by_community():
    here, there = CommunityFactory(), CommunityFactory()
    EventFactory(starts_at=shanghai(2026, 3, 5, 10), community=here)
    EventFactory(starts_at=shanghai(2026, 3, 6, 10), community=there)
    _months, _kinds, counts, _held = figures.events_by_month_and_kind(Filters(year=2026, community=here), now=NOW)
    assert counts == {(date(2026, 3, 1), Event.Kind.COMMUNITY_ACTIVITY): 1}


def test_beneficiaries_per_month_from_reports():
    EventReportFactory(event=EventFactory(starts_at=shanghai(2025, 1, 31, 23, 30)), beneficiaries_served=15)
    EventReportFactory(event=EventFactory(starts_at=shanghai(2025, 2, 1, 0, 10)), beneficiaries_served=7)
    EventReportFactory(event=EventFactory(starts_at=shanghai(2025, 2, 20, 9)), beneficiaries_served=3, attendance=9)
    EventReportFactory(event=EventFactory(starts_at=shanghai(2024, 12, 31, 23, 59)), beneficiaries_served=100)
    rows = figures.beneficiaries_by_month(Filters(year=2025), now=NOW)
    assert len(rows) == 12
    assert rows[0] == {"month": date(2025, 1, 1), "events": 1, "beneficiaries": 15, "attendance": 20}
    assert rows[1] == {"month": date(2025, 2, 1), "events": 2, "beneficiaries": 10, "attendance": 29}
    assert sum(row["beneficiaries"] for row in rows) == 25


def test_registered_organizations_growth_and_government_share():
    OrganizationFactory(founded_on=date(2020, 3, 1), government_funded=True)
    OrganizationFactory(founded_on=date(2020, 12, 31))
    OrganizationFactory(founded_on=date(2021, 6, 1), government_funded=True)
    OrganizationFactory(founded_on=date(2021, 6, 1), org_type=Organization.Type.COMMUNITY_TEAM)  # only filed
    OrganizationFactory(founded_on=date(2023, 1, 1))
    OrganizationFactory(founded_on=date(2025, 1, 1))  # after the year asked for
    rows = figures.organizations_by_year(until=2023, now=NOW)
    assert [(row["year"], row["registered"], row["total"], row["growth"]) for row in rows] == [
        (2020, 2, 2, None),
        (2021, 1, 3, 50.0),
        (2022, 0, 3, 0.0),
        (2023, 1, 4, 33.3),
    ]
    assert [(row["government_funded"], row["government_share"]) for row in rows] == [
        (1, 50.0),
        (2, 66.7),
        (2, 66.7),
        (2, 50.0),
    ]


def test_member_units_at_the_end_of_each_year():
    first = MembershipFactory(status=Membership.Status.WITHDRAWN, joined_on=date(2019, 5, 1))
    MembershipFactory(joined_on=date(2019, 9, 1))
    MembershipFactory(joined_on=date(2020, 2, 1))
    MembershipFactory(status=Membership.Status.APPLIED, joined_on=None)
    # Withdrawn at 00:30 on 1 January 2021 Shanghai time (still 2020 in UTC): a member until the end of 2020.
    MembershipChange.objects.create(
        membership=first, from_status="active", to_status="withdrawn", changed_at=shanghai(2021, 1, 1, 0, 30)
    )
    applicant = MembershipFactory(status=Membership.Status.WITHDRAWN, joined_on=None)
    MembershipChange.objects.create(
        membership=applicant, from_status="applied", to_status="withdrawn", changed_at=shanghai(2020, 5, 1)
    )
    rows = figures.member_units_by_year(until=2021, now=NOW)
    assert [(row["year"], row["on"], row["total"]) for row in rows] == [
        (2019, date(2019, 12, 31), 2),
        (2020, date(2020, 12, 31), 3),
        (2021, date(2021, 12, 31), 2),
    ]
    # The current year's point is today.
    assert figures.member_units_by_year(until=2026, now=NOW)[-1] == {"year": 2026, "on": date(2026, 11, 20), "total": 2}


def test_members_on_a_date_keep_their_past():
    """A suspension or withdrawal does not rewrite the past; applicants never count; a member whose joining date
    is not recorded counts from today on."""
    today = NOW.date()
    suspended = MembershipFactory(status=Membership.Status.SUSPENDED, joined_on=date(2024, 3, 1))
    MembershipChange.objects.create(
        membership=suspended, from_status="active", to_status="suspended", changed_at=shanghai(2025, 6, 1, 10)
    )
    # Suspended and withdrawn without a recorded change: the last decision is when it left.
    MembershipFactory(
        status=Membership.Status.WITHDRAWN, joined_on=date(2024, 3, 1), decided_at=shanghai(2025, 1, 1, 9)
    )
    MembershipFactory(joined_on=date(2025, 5, 31))
    MembershipFactory(joined_on=None)  # joined, date not recorded
    MembershipFactory(status=Membership.Status.APPLIED, joined_on=None)
    MembershipFactory(status=Membership.Status.REJECTED, joined_on=None)
    days = [date(2024, 2, 29), date(2024, 3, 1), date(2024, 12, 31), date(2025, 1, 1), date(2025, 5, 31),
            date(2025, 6, 1), today]
    assert figures.members_on(days, now=NOW) == {
        date(2024, 2, 29): 0,
        date(2024, 3, 1): 2,
        date(2024, 12, 31): 2,
        date(2025, 1, 1): 1,  # withdrawn at 09:00 that day
        date(2025, 5, 31): 2,
        date(2025, 6, 1): 1,  # suspended at 10:00 that day
        today: 2,
    }


def test_registered_organizations_on_a_date():
    OrganizationFactory(founded_on=date(2024, 12, 31), government_funded=True)
    OrganizationFactory(founded_on=date(2025, 1, 1), org_type=Organization.Type.SOCIAL_GROUP)
    OrganizationFactory(founded_on=date(2025, 1, 1), org_type=Organization.Type.FOUNDATION)
    OrganizationFactory(founded_on=date(2020, 1, 1), org_type=Organization.Type.COMMUNITY_TEAM)  # filed only
    OrganizationFactory(founded_on=None)  # registered, date not recorded: counts from today on
    today = NOW.date()
    assert figures.organizations_on([date(2024, 12, 31), date(2025, 1, 1), today], now=NOW) == {
        date(2024, 12, 31): (1, 1),
        date(2025, 1, 1): (3, 1),
        today: (4, 1),
    }


def test_projects_by_field_and_funding_source():
    here = CommunityFactory()
    here_project = ProjectFactory(
        state=Project.State.IN_PROGRESS, starts_on=date(2025, 3, 1), service_field="elderly",
        funding_source=FundingSource.GOVERNMENT_PURCHASE, funding_amount=Decimal("1"), communities=[here],
    )
    elsewhere = ProjectFactory(state=Project.State.COMPLETED, starts_on=date(2025, 12, 31), service_field="elderly",
                               funding_source=FundingSource.GOVERNMENT_PURCHASE, funding_amount=Decimal("2"))
    # The government-purchased amount is the contracts' (signed in the year; paid in the year beside it), not the
    # projects' funding amounts.
    signed = ContractFactory(project=here_project, signed_on=date(2025, 3, 1), starts_on=date(2025, 3, 1),
                             ends_on=date(2026, 2, 28), amount=Decimal("50000"))
    ContractFactory(project=elsewhere, signed_on=date(2025, 12, 31), starts_on=date(2026, 1, 1),
                    ends_on=date(2026, 12, 31), amount=Decimal("20000.50"))
    earlier = ContractFactory(project=elsewhere, signed_on=date(2024, 5, 1), starts_on=date(2024, 5, 1),
                              ends_on=date(2024, 12, 31), amount=Decimal("9000"))
    pay(signed, "20000", paid_on=date(2025, 3, 10))
    pay(earlier, "3600", paid_on=date(2024, 5, 10))
    pay(earlier, "100", paid_on=date(2025, 1, 5))
    ProjectFactory(state=Project.State.APPROVED, starts_on=date(2025, 6, 1), service_field="environment",
                   funding_source=FundingSource.CHARITY, funding_amount=Decimal("3000"))
    ProjectFactory(state=Project.State.UNDER_REVIEW, starts_on=date(2025, 6, 1), service_field="environment",
                   funding_source=FundingSource.CHARITY, funding_amount=Decimal("99999"))  # not decided
    ProjectFactory(state=Project.State.COMPLETED, starts_on=date(2024, 6, 1), service_field="health")  # last year
    by_field = figures.projects_by_field(Filters(year=2025), now=NOW)
    assert [(row["field"], row["projects"]) for row in by_field] == [("elderly", 2), ("environment", 1)]
    by_funding = figures.projects_by_funding(Filters(year=2025), now=NOW)
    assert [(row["source"], row["projects"], row["amount"], row["paid"]) for row in by_funding] == [
        ("government_purchase", 2, Decimal("70000.50"), Decimal("20100")),
        ("charity", 1, Decimal("3000"), None),
    ]
    in_community = figures.projects_by_funding(Filters(year=2025, community=here), now=NOW)
    assert [(row["source"], row["amount"], row["paid"]) for row in in_community] == [
        ("government_purchase", Decimal("50000"), Decimal("20000"))
    ]
    assert figures.purchased_amounts(Filters(year=2024)) == {"signed": Decimal("9000"), "paid": Decimal("3600")}


def test_a_project_counts_in_every_year_it_runs():
    def running(year):
        return sorted(row_project.title for row_project in figures._projects(Filters(year=year), now=NOW))

    ProjectFactory(title="Three years", state=Project.State.IN_PROGRESS, starts_on=date(2023, 9, 1),
                   ends_on=date(2025, 1, 31))
    ProjectFactory(title="Open-ended", state=Project.State.IN_PROGRESS, starts_on=date(2024, 12, 31))
    ProjectFactory(title="Done, no end date", state=Project.State.COMPLETED, starts_on=date(2024, 3, 1))
    ProjectFactory(title="Undated", state=Project.State.APPROVED)  # counts this year only
    ProjectFactory(title="Next year", state=Project.State.APPROVED, starts_on=date(2027, 1, 1))
    ProjectFactory(title="Draft", state=Project.State.DRAFT, starts_on=date(2024, 1, 1))
    assert running(2022) == []
    assert running(2023) == ["Three years"]
    assert running(2024) == ["Done, no end date", "Open-ended", "Three years"]
    assert running(2025) == ["Open-ended", "Three years"]
    assert running(2026) == ["Open-ended", "Undated"]
    by_field = figures.projects_by_field(Filters(year=2024), now=NOW)
    assert [(row["field"], row["projects"]) for row in by_field] == [("elderly", 3)]


def test_activities_per_community_fewest_first():
    busy, quiet = CommunityFactory(name="Busy"), CommunityFactory(name="Quiet")
    EventFactory(community=busy, starts_at=shanghai(2025, 4, 1, 10))
    EventFactory(community=busy, starts_at=shanghai(2025, 12, 31, 23, 30))
    EventFactory(community=busy, starts_at=shanghai(2026, 1, 1, 0, 10))  # next year
    EventFactory(community=quiet, starts_at=shanghai(2025, 4, 1, 10), kind=Event.Kind.TRAINING)  # not an activity
    EventFactory(community=quiet, starts_at=shanghai(2025, 4, 2, 10), state=Event.State.DRAFT)
    rows = figures.activities_by_community(Filters(year=2025))
    assert [(row["community"].name, row["activities"]) for row in rows] == [("Quiet", 0), ("Busy", 2)]


def test_compliance_rate_per_month():
    keen = MembershipFactory(joined_on=date(2024, 1, 1)).organization
    MembershipFactory(joined_on=date(2024, 1, 1))
    MembershipFactory(joined_on=date(2025, 6, 15))  # a member from June
    completed_activity(keen, shanghai(2025, 3, 31, 23, 30))
    completed_activity(keen, shanghai(2025, 7, 1, 0, 10))
    rows = {row["month"]: row for row in figures.compliance_by_month(Filters(year=2025), now=NOW)}
    assert (rows[date(2025, 3, 1)]["members"], rows[date(2025, 3, 1)]["met"], rows[date(2025, 3, 1)]["rate"]) == (
        2, 1, 50.0,
    )
    assert rows[date(2025, 4, 1)]["rate"] == 0.0
    assert (rows[date(2025, 7, 1)]["members"], rows[date(2025, 7, 1)]["rate"]) == (3, 33.3)


def test_headline_figures():
    host = OrganizationFactory(government_funded=True, founded_on=date(2020, 1, 1))
    OrganizationFactory(founded_on=date(2021, 1, 1))
    OrganizationFactory(founded_on=date(2026, 11, 21))  # registered tomorrow
    OrganizationFactory()  # registered, date not recorded
    OrganizationFactory(government_funded=True, org_type=Organization.Type.COMMUNITY_TEAM)  # not registered
    MembershipFactory(organization=host, status="active", joined_on=date(2025, 1, 1))
    completed_activity(host, shanghai(2026, 1, 1, 0, 10))
    training = EventFactory(organization=host, kind=Event.Kind.TRAINING, starts_at=shanghai(2026, 3, 1, 10))
    EventReportFactory(event=training, beneficiaries_served=12)  # residents served, not a community activity
    completed_activity(host, shanghai(2025, 12, 31, 23, 30))  # last year
    ProjectFactory(organization=host, state=Project.State.IN_PROGRESS, starts_on=date(2025, 1, 1))
    ProjectFactory(
        organization=host, state=Project.State.COMPLETED, starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31)
    )
    ProjectFactory(organization=host, state=Project.State.DRAFT)
    this_year = figures.headline_figures(now=NOW)
    beneficiaries = 12 + EventReport.objects.get(event__starts_at=shanghai(2026, 1, 1, 0, 10)).beneficiaries_served
    assert this_year == {
        "year": 2026,
        "on": date(2026, 11, 20),
        "members": 1,
        "organizations": 3,
        "government_funded": 1,
        "government_share": 33.3,
        "projects": 1,
        "activities": 1,
        "beneficiaries": beneficiaries,
    }
    last_year = figures.headline_figures(Filters(year=2025), now=NOW)
    assert (last_year["on"], last_year["members"], last_year["organizations"], last_year["government_share"]) == (
        date(2025, 12, 31), 1, 2, 50.0,
    )
    assert (last_year["projects"], last_year["activities"]) == (1, 1)
    # The statistics page's figures give the same headline (`page_headline`).
    for filters in (Filters(year=2026), Filters(year=2025)):
        page = figures.page_headline(filters, figures.page_figures(filters, now=NOW), now=NOW)
        assert page == figures.headline_figures(filters, now=NOW)


def test_bar_chart_scales_to_a_round_maximum_and_stacks_series():
    chart = charts.bar_chart("t", "Title", "Description", ["Jan", "Feb"], [("A", [1, 3]), ("B", [1, 0])])
    assert [tick["total"] for tick in chart["ticks"]] == [2, 3]
    assert chart["grid"][-1]["label"] == "5"  # 3 rounds up to 5
    heights = [bar["height"] for bar in chart["bars"]]
    plot = chart["baseline"] - charts.TOP
    assert heights == [round(plot / 5, 1), round(plot / 5, 1), round(plot * 3 / 5, 1)]
    assert chart["table"]["rows"] == [{"label": "Jan", "values": [1, 1]}, {"label": "Feb", "values": [3, 0]}]
    assert [item["name"] for item in chart["legend"]] == ["A", "B"]


def test_line_chart_skips_missing_values_and_marks_empty_charts():
    chart = charts.line_chart("t", "Title", "Description", ["2020", "2021"], [("Share", [None, 50.0])], unit="%")
    assert len(chart["lines"][0]["points"]) == 1
    assert chart["title"] == "Title"
    assert chart["lines"][0]["points"][0]["title"] == "2021: 50.0%"  # one series: its name is the chart's
    two = charts.line_chart("t", "Title", "", ["2020"], [("A", [1]), ("B", [2])])
    assert [line["points"][0]["title"] for line in two["lines"]] == ["2020 · A: 1", "2020 · B: 2"]
    assert not chart["is_empty"]
    assert charts.bar_chart("e", "Empty", "", ["Jan"], [("A", [0])])["is_empty"]
