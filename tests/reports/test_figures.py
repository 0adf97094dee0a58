"""The period figures of stats.figures that the reporting pack and /staff/stats/ share: the edges of a period in
Shanghai time, each sheet's figure on fixed data, and the agreement with the year figures of the statistics page."""

from datetime import date

import pytest

from stats import figures
from stats.figures import Filters, Period
from tests.reports.factories import quarter_data

pytestmark = [pytest.mark.django_db, pytest.mark.clock(2026, 10, 15, 10)]

Q3 = Period(2026, "Q", 3)


def test_periods_parse_and_bound_in_shanghai_time():
    assert Period.parse("2026-q3") == Q3 and str(Q3) == "2026-Q3"
    assert (Q3.first, Q3.last) == (date(2026, 7, 1), date(2026, 9, 30))
    assert Q3.end.isoformat() == "2026-10-01T00:00:00+08:00"  # 16:00 UTC on 30 September
    assert (Period.parse("2026-H2").first, Period.parse("2026").last) == (date(2026, 7, 1), date(2026, 12, 31))
    for bad in ("2026-Q5", "2026-H3", "26-Q1", "2026-X1", ""):
        with pytest.raises(ValueError):
            Period.parse(bad)


def test_the_periods_offered_have_begun_and_the_default_is_the_last_quarter_that_ended(clock):
    offered = [str(period) for period in figures.periods()]
    assert offered[:7] == ["2026-Q4", "2026-Q3", "2026-Q2", "2026-Q1", "2026-H2", "2026-H1", "2026"]
    assert figures.last_ended_quarter() == Q3
    clock.move_to(2026, 3, 31, 23, 59)
    assert figures.last_ended_quarter() == Period(2025, "Q", 4)
    assert "2026-Q2" not in [str(period) for period in figures.periods()]


def test_an_event_at_23_30_on_30_september_is_in_q3_and_one_at_00_10_on_1_october_in_q4():
    quarter_data()
    q3 = figures.activities_by_kind_and_community(Q3)["kinds"]["community_activity"]
    q4 = figures.activities_by_kind_and_community(Period(2026, "Q", 4))["kinds"]["community_activity"]
    assert q3["events"] == 2  # 1 July 00:00 and 30 September 23:30
    assert q4["events"] == 1  # 1 October 00:10
    assert q3["participants"] == 40 and q3["beneficiaries"] == 30 and q3["volunteers"] == 8


def test_organizations_by_type_count_new_and_closed_in_the_period():
    quarter_data()
    data = figures.organizations_by_type(Q3)
    rows = {row["type"]: row for row in data["rows"]}
    assert rows["service_agency"]["new"] == 1
    assert rows["community_team"]["new"] == 1 and rows["community_team"]["total"] == 1
    assert rows["foundation"] == {**rows["foundation"], "total": 0, "closed": 1}
    assert data["total"]["total"] == sum(row["total"] for row in data["rows"])
    on = Q3.as_of()
    assert data["registered"] == figures.organizations_on([on])[on][0]  # the statistics page's figure


def test_members_party_coverage_government_services_and_idle_members():
    made = quarter_data()
    members = figures.member_changes(Q3)
    assert (members["start"], members["joined"], members["left"]) == (3, 2, 1)
    assert members["end"] == figures.members_on([Q3.last])[Q3.last] == 3
    assert [change["organization"] for change in members["changes"]] == [
        figures.MembershipChange.objects.get().membership.organization.name
    ]
    party = figures.party_coverage(Q3)
    assert (party["members"], party["with_party"], party["without_party"]) == (3, 1, 2)
    government = figures.government_purchased_services(Q3)
    assert (government["projects"], government["amount"]) == (1, 50000)
    assert figures.brand_and_selected_projects(Q3)["brand"] == 1
    assert figures.members_without_activity(Q3) == [made["team"].name]


def test_party_coverage_is_the_ledger_record_in_force_at_the_end_of_the_period():
    from evaluation.models import PartyOrganizationRecord

    made = quarter_data()
    ledger = PartyOrganizationRecord.objects.filter(organization=made["old_group"])
    ledger.create(organization=made["old_group"], form="uncovered", on=date(2026, 9, 1))  # its branch dissolved
    ledger.create(organization=made["new_agency"], form="functional", on=date(2026, 10, 1))  # after Q3: not yet
    party = figures.party_coverage(Q3)
    assert (party["members"], party["with_party"], party["without_party"]) == (3, 0, 3)
    assert figures.party_coverage(Period(2026, "Q", 2))["with_party"] == 1  # the joint branch until then


def test_a_year_period_agrees_with_the_year_figures_of_the_statistics_page():
    quarter_data()
    year = Period(2026)
    filters = Filters(year=2026)
    months, kinds, counts, _held = figures.events_by_month_and_kind(filters)
    activities = figures.activities_by_kind_and_community(year)["kinds"]
    for kind in kinds:
        assert activities.get(kind, {}).get("events", 0) == sum(counts.get((month, kind), 0) for month in months)
    assert sum(row["beneficiaries"] for row in activities.values()) == sum(
        row["beneficiaries"] for row in figures.beneficiaries_by_month(filters)
    )
    funding = {row["source"]: row for row in figures.projects_by_funding(filters)}
    government = figures.government_purchased_services(year)
    assert government["amount"] == funding["government_purchase"]["amount"]
    assert government["paid"] == funding["government_purchase"]["paid"]
    assert figures.organizations_by_type(year)["registered"] == figures.organizations_by_year(2026)[-1]["total"]
    assert figures.member_changes(year)["end"] == figures.member_units_by_year(2026)[-1]["total"]
