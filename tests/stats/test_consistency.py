"""Every page that shows a headline figure shows the same value for the same date (stats.figures).

The clock is set (the `clock` fixture) to a few moments, among them the date of the report in issue 14 and New Year's
Eve / New Year's Day around midnight in Shanghai (still the old year in UTC); the data is made relative to that
moment, so the test means the same on any day it runs.
"""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from events.models import Event
from members.models import Membership, MembershipChange, Organization
from projects.models import Project
from tests.clock import SHANGHAI
from tests.events.factories import EventFactory, EventReportFactory, completed_activity
from tests.members.factories import CommunityFactory, MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db
MOMENTS = [
    datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI),  # as the issue found it
    datetime(2026, 12, 31, 23, 50, tzinfo=SHANGHAI),  # the year's last minutes
    datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI),  # New Year in Shanghai, still 31 December in UTC
    datetime(2028, 2, 29, 12, 0, tzinfo=SHANGHAI),
]


def _at(day, hour=10):
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def make_world(now):
    """Organizations, members, activities, reports and projects around `now`; returns the figures expected for
    this year (on today) and for last year (on its last day)."""
    today = now.date()
    year, last_year = today.year, today.year - 1
    community = CommunityFactory(name="Changshou")

    # Registered organizations (and a filed community team, which never counts).
    old = OrganizationFactory(name="Old", founded_on=date(year - 5, 3, 1), government_funded=True)
    december = OrganizationFactory(name="December", founded_on=date(last_year, 12, 31))
    fresh = OrganizationFactory(name="Fresh", founded_on=today)  # registered today
    OrganizationFactory(name="Tomorrow", founded_on=today + timedelta(days=1))
    undated = OrganizationFactory(name="Undated", founded_on=None)  # counts from today on
    team = OrganizationFactory(name="Team", org_type=Organization.Type.COMMUNITY_TEAM, credit_code=None,
                               founded_on=date(year - 2, 1, 1))

    # Members: two today; at the end of last year only `old` (`fresh` joins today, `undated` left last June,
    # `december` was suspended 400 days ago).
    MembershipFactory(organization=old, joined_on=date(year - 3, 5, 1))
    MembershipFactory(organization=fresh, joined_on=today)
    withdrawn = MembershipFactory(organization=undated, status=Membership.Status.WITHDRAWN,
                                  joined_on=date(year - 4, 1, 1))
    MembershipChange.objects.create(membership=withdrawn, from_status="active", to_status="withdrawn",
                                    changed_at=_at(date(last_year, 6, 1)))
    suspended = MembershipFactory(organization=december, status=Membership.Status.SUSPENDED,
                                  joined_on=date(year - 5, 1, 1))
    MembershipChange.objects.create(membership=suspended, from_status="active", to_status="suspended",
                                    changed_at=now - timedelta(days=400))
    MembershipFactory(organization=team, status=Membership.Status.APPLIED, joined_on=None)

    # Activities: two held this year (also in its first half hour), one held last year, one planned; a training's
    # report counts in the residents served, not in the activities held.
    this_year = [
        completed_activity(old, now - timedelta(minutes=25), community=community),
        completed_activity(fresh, now - timedelta(minutes=20)),
    ]
    previous = completed_activity(old, datetime(year, 1, 1, tzinfo=SHANGHAI) - timedelta(minutes=50))
    EventFactory(organization=old, starts_at=now + timedelta(days=7))  # planned
    training = EventFactory(organization=old, kind=Event.Kind.TRAINING, starts_at=now - timedelta(minutes=15),
                            ends_at=now - timedelta(minutes=1), state=Event.State.COMPLETED)
    EventReportFactory(event=training, beneficiaries_served=40)
    served = sum(event.report.beneficiaries_served for event in this_year) + 40

    # Projects: running this year are the open-ended one and the one completed since 1 January.
    ProjectFactory(organization=old, state=Project.State.IN_PROGRESS, starts_on=date(year - 2, 4, 1),
                   funding_amount=Decimal(1000), communities=[community])
    ProjectFactory(organization=old, state=Project.State.COMPLETED, starts_on=date(year - 3, 1, 1),
                   ends_on=date(last_year, 12, 31), service_field="health")
    ProjectFactory(organization=old, state=Project.State.COMPLETED, starts_on=date(year, 1, 1),
                   service_field="education")
    ProjectFactory(organization=old, state=Project.State.APPROVED, starts_on=date(year + 1, 1, 1))
    ProjectFactory(organization=old, state=Project.State.DRAFT, starts_on=date(year, 1, 1))

    expected = {
        year: {"members": "2", "organizations": "4", "government_share": "25%", "projects": "2",
               "activities": "2", "beneficiaries": str(served)},
        last_year: {"members": "1", "organizations": "2", "government_share": "50%", "projects": "2",
                    "activities": "1", "beneficiaries": str(previous.report.beneficiaries_served)},
    }
    return expected


def cards(response):
    """The headline figures as the page shows them: {key: text}, without thousands separators."""
    assert response.status_code == 200
    shown = re.findall(r'data-figure="(\w+)">([^<]*)</div>', response.content.decode())
    return {key: value.replace(",", "") for key, value in shown}


def chart_rows(response, chart_id):
    chart = next(chart for chart in response.context["charts"] if chart["id"] == chart_id)
    return [(row["label"], row["values"][0]) for row in chart["table"]["rows"]]


def charts_figures(response):
    """The same figures read off the charts' data tables: the last point of the member and organization series,
    the sums of the year's residents served and projects by field."""
    share = chart_rows(response, "government-share")[-1][1]
    return {
        "members": str(chart_rows(response, "members")[-1][1]),
        "organizations": str(chart_rows(response, "organizations")[-1][1]),
        "government_share": f"{share:g}%",
        "projects": str(sum(value for _label, value in chart_rows(response, "fields"))),
        "beneficiaries": str(sum(value for _label, value in chart_rows(response, "beneficiaries"))),
    }


@pytest.mark.parametrize("moment", MOMENTS, ids=lambda moment: moment.strftime("%Y-%m-%d-%H%M"))
def test_every_page_shows_the_same_figures_for_the_same_date(client, staff_user, clock, moment):
    clock.move_to(moment, tick=False)
    expected = make_world(moment)
    year = moment.year
    now = expected[year]

    home = cards(client.get(reverse("home")))
    assert home == now

    about = client.get(reverse("members:about")).content.decode()
    assert re.search(r"The federation has (\d+) member organization", about).group(1) == now["members"]

    statistics = client.get(reverse("stats"))
    assert cards(statistics) == now
    assert charts_figures(statistics) == {key: now[key] for key in charts_figures(statistics)}

    # The directory lists the members the figures count.
    members = client.get(reverse("members:organization-list"), {"members_only": "on"})
    assert members.context["paginator"].count == int(now["members"])

    client.force_login(staff_user)
    staff = client.get(reverse("stats:staff"))
    assert cards(staff) == now
    assert charts_figures(staff) == charts_figures(statistics)
    assert client.get(reverse("stats:dashboard")).status_code == 200

    # Last year's page: members and organizations on its last day, the year's activities and projects.
    for url in (reverse("stats"), reverse("stats:staff")):
        past = client.get(url, {"year": year - 1})
        assert cards(past) == expected[year - 1]
        assert charts_figures(past) == {key: expected[year - 1][key] for key in charts_figures(past)}


def test_the_current_year_row_of_the_series_is_today(client, clock):
    """The member and organization series end on today's figure, the one the home page shows."""
    moment = clock.move_to(MOMENTS[0], tick=False)
    make_world(moment)
    statistics = client.get(reverse("stats"))
    assert chart_rows(statistics, "members")[-1] == (str(moment.year), 2)
    assert chart_rows(statistics, "organizations")[-2:] == [(str(moment.year - 1), 2), (str(moment.year), 4)]
