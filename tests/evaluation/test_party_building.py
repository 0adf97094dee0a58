"""The party-building ledger and /staff/party-building/: organizational and work coverage by month (x / N), the
members not covered, the 4f services and 3h/5m tags per quarter, the Excel download; never public."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.party_building import FiveM, ThreeH
from evaluation import party_building
from evaluation.models import PartyOrganizationRecord
from members.models import SupportSession
from tests.events.factories import EventFactory
from tests.members.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import PublicProjectFactory

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def ledger(org, other_org, clerk):
    """Three members since 2025: org covered (联建) since March 2026, other_org recorded as not covered but served
    (4f) in April and holding a party-building activity in May, a third with no record at all."""
    third = OrganizationFactory(name="Third Member")
    MembershipFactory(organization=third)
    for organization in (org, other_org, third):
        organization.membership.joined_on = datetime.date(2025, 1, 1)
        organization.membership.save()
    PartyOrganizationRecord.objects.create(organization=org, form="uncovered", on=datetime.date(2025, 6, 1))
    PartyOrganizationRecord.objects.create(
        organization=org, form="joint", on=datetime.date(2026, 3, 15), party_members=4, in_charter=True
    )
    PartyOrganizationRecord.objects.create(organization=other_org, form="uncovered", on=datetime.date(2025, 6, 1))
    SupportSession.objects.create(organization=other_org, kind="consultation", on=datetime.date(2026, 4, 2),
                                  hours=Decimal(2), logged_by=clerk)
    SupportSession.objects.create(organization=org, kind="incubation", on=datetime.date(2026, 8, 2), logged_by=clerk)
    EventFactory(
        organization=other_org, kind="party_building", starts_at=datetime.datetime(2026, 5, 20, 9, tzinfo=SHANGHAI),
        state="completed", party_building_3h=ThreeH.PROMOTION, party_building_5m=FiveM.DUTIES,
    )
    PublicProjectFactory(organization=org, starts_on=datetime.date(2026, 7, 1), party_building_3h=ThreeH.EVALUATION)
    return third


def test_the_record_in_force_is_the_latest_on_the_day(org, ledger):
    on_feb = PartyOrganizationRecord.objects.filter(organization=org).in_force(datetime.date(2026, 2, 28)).get()
    on_apr = PartyOrganizationRecord.objects.filter(organization=org).in_force(datetime.date(2026, 4, 1)).get()
    assert (on_feb.form, on_apr.form, on_apr.is_covered) == ("uncovered", "joint", True)


def test_coverage_by_month(ledger):
    rows = {row["month"].month: row for row in party_building.coverage_by_month(datetime.date(2026, 6, 1), 6)}
    assert (rows[2]["members"], rows[2]["organizational"], rows[2]["work"]) == (3, 0, 0)
    assert (rows[3]["organizational"], rows[3]["work"]) == (1, 1)
    assert (rows[4]["organizational"], rows[4]["work"]) == (1, 2)  # the 4f consultation
    assert (rows[5]["organizational"], rows[5]["work"]) == (1, 2)  # the party-building activity
    assert (rows[6]["organizational"], rows[6]["work"]) == (1, 1)


def test_the_members_not_covered(org, other_org, ledger):
    uncovered = list(party_building.uncovered_organizations(datetime.date(2026, 6, 30)))
    assert [o.name for o in uncovered] == sorted([other_org.name, ledger.name])
    assert {o.name: o.last_service for o in uncovered}[other_org.name] == datetime.date(2026, 4, 2)


def test_counts_per_quarter(ledger):
    counts = party_building.counts_by_quarter(2026)
    sessions = dict(counts["sessions"])
    assert sessions[SupportSession.Kind.CONSULTATION.label] == [0, 1, 0, 0]
    assert sessions[SupportSession.Kind.INCUBATION.label] == [0, 0, 1, 0]
    three_h = dict(counts["three_h"])
    assert three_h[ThreeH.PROMOTION.label] == [(0, 0), (1, 0), (0, 0), (0, 0)]
    assert three_h[ThreeH.EVALUATION.label] == [(0, 0), (0, 0), (0, 1), (0, 0)]
    assert dict(counts["five_m"])[FiveM.DUTIES.label][1] == (1, 0)


@pytest.mark.clock(2026, 6, 20, 10)
def test_the_page_shows_coverage_and_the_4f_and_3h_counts(client, clerk, ledger, django_assert_max_num_queries):
    client.force_login(clerk)
    with django_assert_max_num_queries(28):
        page = client.get(reverse("evaluation:party-building"), {"year": "2026"})
    assert page.status_code == 200
    assert "1 / 3" in page.text and "2 / 3" in page.text
    assert ledger.name in page.text
    assert "Consultation" in page.text and "Project promotion" in page.text


@pytest.mark.clock(2026, 6, 20, 10)
def test_the_excel_download(client, clerk, ledger):
    client.force_login(clerk)
    response = client.get(reverse("evaluation:party-building-export", args=["xlsx"]), {"year": "2026"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert ("Work coverage", "2026-04", 2, 3) in rows
    assert ("4f: Consultation", "2026 Q2", 1, None) in rows or ("4f: Consultation", "2026 Q2", 1, "") in rows


def test_the_ledger_is_never_public(client, org, ledger):
    PartyOrganizationRecord.objects.filter(organization=org).update(note="secret note")
    page = client.get(org.get_absolute_url())
    assert "secret note" not in page.text and "Joint party organization" not in page.text
    assert client.get(reverse("evaluation:party-building")).status_code == 302  # to the login


def test_organizers_tag_their_events_and_projects_with_3h_and_5m(org):
    from events.forms import EventForm
    from projects.forms import ProjectForm

    event_form, project_form = EventForm(organization=org), ProjectForm()
    for form in (event_form, project_form):
        assert dict(form.fields["party_building_3h"].choices)[ThreeH.PROMOTION] == ThreeH.PROMOTION.label
        assert not form.fields["party_building_5m"].required
