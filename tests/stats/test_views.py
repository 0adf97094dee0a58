"""The statistics pages and the staff dashboard: who may open them, what they show, how many queries."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from members.models import Membership
from projects.models import Call, Project
from tests.clock import shanghai
from tests.contracts.factories import ContractFactory
from tests.events.factories import EventFactory, EventReportFactory, FeedbackFactory, completed_activity
from tests.members.factories import CommunityFactory, MembershipFactory, OrganizationFactory
from tests.projects.factories import CallFactory, CommunityNeedFactory, NeedResponseFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def make_data(size):
    """`size` organizations, each with a reported event this year (rated by a resident), a project and a
    community."""
    year = timezone.localdate().year
    held = max(timezone.now() - timedelta(days=1), shanghai(year, 1, 1))  # yesterday, or 1 January's midnight
    for index in range(size):
        community = CommunityFactory()
        organization = MembershipFactory(joined_on=date(year - 1, 1, 1)).organization
        organization.founded_on = date(year - 1 - index % 3, 1, 1)
        organization.government_funded = index % 2 == 0
        organization.save()
        event = EventFactory(
            organization=organization, community=community, starts_at=held
        )
        EventReportFactory(event=event)
        FeedbackFactory(event=event, registration__event=event, rating=1 + index % 5)
        ProjectFactory(organization=organization, state=Project.State.IN_PROGRESS, starts_on=date(year, 1, 2),
                       communities=[community])


def test_public_statistics_show_charts_with_text_alternatives_and_tables(client):
    make_data(2)
    response = client.get(reverse("stats"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert page.count('<svg class="stats-chart-drawing" role="img"') >= 6
    assert 'aria-labelledby="events-title events-desc"' in page
    assert "Beneficiaries served per month" in page
    assert '<title id="members-title">Member units at the end of each year</title>' in page
    assert "<table" in page and "Data table" in page
    assert "Monthly-duty compliance rate" not in page  # staff only


def test_in_the_elder_version_charts_are_their_tables(client, settings):
    """The 长辈版 shows the figures as tables, open, in large text, instead of drawings."""
    make_data(2)
    client.cookies[settings.DISPLAY_MODE_COOKIE_NAME] = "elder"
    page = client.get(reverse("stats")).content.decode()
    assert "<svg" not in page.split("<main", 1)[1]
    assert page.count('<details class="stats-chart-data small" open>') >= 6
    assert "Beneficiaries served per month" in page


def test_filters_by_year_and_community(client):
    here, there = CommunityFactory(name="Here"), CommunityFactory(name="There")
    EventFactory(community=here, starts_at=timezone.now() - timedelta(hours=1))
    EventFactory(community=there, starts_at=timezone.now() - timedelta(hours=1))
    response = client.get(reverse("stats"), {"community": here.pk})
    assert response.context["filters"].community == here
    communities = [row["label"] for row in response.context["charts"][-1]["table"]["rows"]]
    assert communities == ["Here"]
    last_year = timezone.localdate().year - 1
    response = client.get(reverse("stats"), {"year": last_year})
    assert response.context["filters"].year == last_year
    assert len(response.context["charts"][3]["table"]["rows"]) == 12  # a past year has all its months


def test_unreadable_filters_fall_back_to_this_year_and_all_communities(client):
    response = client.get(reverse("stats"), {"year": "1900", "community": "abc"})
    assert response.status_code == 200
    assert response.context["filters"].year == timezone.localdate().year
    assert response.context["filters"].community is None


def test_staff_statistics_add_the_compliance_rate(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("stats:staff"))
    assert response.status_code == 200
    assert "Monthly-duty compliance rate" in response.content.decode()


@pytest.mark.clock(2027, 3, 1, 0, 30)  # the first of the month in Shanghai, still February in UTC
def test_staff_compliance_rate_marks_this_month_in_progress(client, staff_user):
    client.force_login(staff_user)
    chart = client.get(reverse("stats:staff")).context["charts"][-1]
    assert [tick["label"] for tick in chart["ticks"]] == ["January 2027", "February 2027", "March 2027 (in progress)"]
    chinese = client.get(reverse("stats:staff"), HTTP_ACCEPT_LANGUAGE="zh-hans").context["charts"][-1]
    assert chinese["ticks"][-1]["label"] == "2027年3月（进行中）"


@pytest.mark.parametrize("name", ["stats:staff", "stats:dashboard"])
def test_staff_pages_refuse_others(client, org_user, name):
    assert client.get(reverse(name)).url.startswith(reverse("login"))
    client.force_login(org_user)
    assert client.get(reverse(name)).status_code == 403


def _queries(client, django_assert_num_queries, url, expected):
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("size", [1, 6])
def test_public_statistics_query_count_does_not_grow(client, django_assert_num_queries, size, no_page_cache):
    make_data(size)
    # Computing: the communities for the filter (1), the site version (1: its row, the cache being empty),
    # members, organizations, events (with the activities held and their reports), community activities, projects
    # by field and by funding (1 each), the government-purchased amounts of the contracts (1). Two fewer than
    # before: members on each year's last day take one query (joins less departures took two), and the reports are
    # read with the events. The incubation base's teams filed, graduates and graduates' memberships per year (3).
    _queries(client, django_assert_num_queries, reverse("stats"), 12)
    # While the data stays the same: the communities (the site version is in the cache now).
    _queries(client, django_assert_num_queries, reverse("stats"), 1)


@pytest.mark.parametrize("size", [1, 6])
def test_staff_statistics_query_count_does_not_grow(client, staff_user, django_assert_num_queries, size):
    make_data(size)
    client.force_login(staff_user)
    months = timezone.localdate().month  # one compliance query per month of the year so far
    # computing: the public page's twelve, the session and user, the frame's staff lookups (3), the staff session's
    # renewal (3), the residents' ratings per organization and one compliance query a month; and the figures of
    # the period chosen (12, stats.figures.period_figures, the reporting pack's) with the versions of every data
    # family they read (1)
    response = _queries(client, django_assert_num_queries, reverse("stats:staff"), 34 + months)
    assert len(response.context["feedback_rows"]) == size
    # cached, within the minute (the session is not renewed again): the communities, the session and user,
    # the frame's staff lookups (3)
    _queries(client, django_assert_num_queries, reverse("stats:staff"), 6)


@pytest.mark.parametrize("size", [1, 6])
def test_dashboard_query_count_does_not_grow(client, staff_user, django_assert_num_queries, size):
    make_data(size)
    client.force_login(staff_user)
    # eight counts, plus the session, the user and the page frame's lookups (3), and the staff session's
    # renewal (3) on the first request after logging in …
    _queries(client, django_assert_num_queries, reverse("stats:dashboard"), 16)
    # … which is not repeated within the minute
    _queries(client, django_assert_num_queries, reverse("stats:dashboard"), 13)


@pytest.mark.clock(2027, 3, 10, 9, 0)
def test_dashboard_counts_and_links_to_the_filtered_admin_lists(client, staff_user):
    MembershipFactory(status=Membership.Status.APPLIED, joined_on=None)
    CallFactory(state=Call.State.REVIEWING)
    EventFactory(starts_at=timezone.now() - timedelta(days=2), state=Event.State.PUBLISHED)  # awaits its report
    behind = MembershipFactory(joined_on=date(2020, 1, 1)).organization
    keen = MembershipFactory(joined_on=date(2020, 1, 1)).organization
    completed_activity(keen, shanghai(2027, 2, 20, 9))
    completed_activity(keen, shanghai(2027, 3, 1, 9))
    CommunityNeedFactory()
    answered = CommunityNeedFactory()
    NeedResponseFactory(need=answered)
    overdue = ContractFactory()  # its mid-term self-assessment was due 15 days ago: overdue (14 days)
    overdue.evaluations.filter(kind="midterm").update(due_on=timezone.localdate() - timedelta(days=15))
    ContractFactory().evaluations.filter(kind="midterm").update(due_on=timezone.localdate() - timedelta(days=14))
    client.force_login(staff_user)
    response = client.get(reverse("stats:dashboard"))
    counts = [task["count"] for task in response.context["tasks"]]
    # Below February's duty: `behind` (the organizer the factory made for the event awaiting its report joined
    # in March). Without an activity yet in March: `behind` and that organizer.
    assert counts == [1, 1, 1, 1, 2, 1, 1, 0]
    listed = client.get(response.context["tasks"][-2]["url"])
    assert list(listed.context["contracts"]) == [overdue]
    assert behind.membership.status == Membership.Status.ACTIVE
    for task in response.context["tasks"]:
        if task["url"].startswith("/admin/"):
            listed = client.get(task["url"])
            assert listed.status_code == 200
            assert listed.context["cl"].result_count == task["count"], task["url"]
    assert reverse("stats:dashboard") in client.get(reverse("admin:index")).content.decode()
    assert reverse("stats:dashboard") in client.get(reverse("home")).content.decode()


def test_home_page_shows_the_headline_figures(client):
    OrganizationFactory(government_funded=True)
    OrganizationFactory()
    page = client.get(reverse("home")).content.decode()
    assert "with a government-funded background" in page
    assert re.search(r"50%</div>\s*<div>with a government-funded background", page)
    assert "residents served this year" in page


def test_statistics_speak_chinese(client):
    page = client.get(reverse("stats"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "数说联合会" in page
    assert "每月服务居民人次" in page


@pytest.mark.parametrize("size", [2, 40])
def test_home_page_query_count_is_pinned_and_at_most_ten(client, django_assert_num_queries, size, no_page_cache):
    from tests.events.factories import EventFactory
    from tests.members.factories import MembershipFactory, OrganizationFactory

    for n in range(size):
        organization = OrganizationFactory(name=f"Home org {n}", star_rating=5)
        MembershipFactory(organization=organization)
        EventFactory(organization=organization)
        ProjectFactory(organization=organization, state=Project.State.IN_PROGRESS, is_brand=True)
    client.get(reverse("home"))  # fills the data-versioned caches, as a running site has them
    # communities, brand projects and their communities, upcoming events, featured organizations and their
    # fields (the headline figures are cached under the site version, which is in the cache)
    with django_assert_num_queries(6):
        response = client.get(reverse("home"))
    assert response.context["member_count"] == size
    assert response.context["organization_count"] == size


def _rows(response, chart_id):
    chart = next(chart for chart in response.context["charts"] if chart["id"] == chart_id)
    return {row["label"]: row["values"] for row in chart["table"]["rows"]}


def _total(response, chart_id):
    return sum(values[0] for values in _rows(response, chart_id).values())


def test_statistics_show_a_change_on_the_next_request(client, django_assert_num_queries, no_page_cache):
    """The figures are cached, and every kind of change reaches the next request all the same (the page cache
    aside: tests/perf/test_page_cache.py)."""
    here = CommunityFactory(name="Here")
    event = EventFactory(community=here, starts_at=timezone.now())
    report = EventReportFactory(event=event, beneficiaries_served=5)
    url = reverse("stats")
    assert _total(client.get(url), "beneficiaries") == 5
    _queries(client, django_assert_num_queries, url, 1)  # cached

    report.beneficiaries_served = 12  # a report edited: its updated_at moves
    report.save()
    assert _total(client.get(url), "beneficiaries") == 12

    EventFactory(community=here, starts_at=timezone.now())  # an event added
    assert _rows(client.get(url), "communities")["Here"] == [2]

    here.name = "Renamed"  # a community renamed: names come from the live list, not the cache
    here.save()
    assert _rows(client.get(url), "communities")["Renamed"] == [2]

    event.delete()  # an event and its report deleted: the row counts move
    response = client.get(url)
    assert _rows(response, "communities")["Renamed"] == [1]
    assert _total(response, "beneficiaries") == 0


def test_statistics_by_community_follow_a_project_leaving_the_community(client):
    """A project's communities are a link table without updated_at: adding or removing a link counts too."""
    here = CommunityFactory(name="Here")
    project = ProjectFactory(state=Project.State.IN_PROGRESS, starts_on=timezone.localdate(), communities=[here])
    url = f"{reverse('stats')}?community={here.pk}"
    assert _total(client.get(url), "fields") == 1
    project.communities.remove(here)
    assert _rows(client.get(url), "fields") == {}


def test_member_figures_follow_a_membership_decision(client, staff_user):
    """An approval changes a membership row in place (no row added to the tables the figures count)."""
    from members import services

    membership = MembershipFactory(status=Membership.Status.APPLIED, joined_on=None)
    assert client.get(reverse("home")).context["member_count"] == 0
    members_url = reverse("stats")
    assert _rows(client.get(members_url), "members") == {}
    services.approve_membership(membership, acting_user=staff_user)
    assert client.get(reverse("home")).context["member_count"] == 1
    assert _rows(client.get(members_url), "members") == {str(timezone.localdate().year): [1]}


@pytest.mark.clock(2026, 11, 20, 10, 0)
def test_the_period_figures_are_kept_until_the_data_changes(client, staff_user):
    """/staff/stats/ keeps the period's figures (stats.figures.period_figures_of_today) until a change."""
    client.force_login(staff_user)
    url = reverse("stats:staff") + "?period=2026-Q4"

    def founded_in_period():
        return client.get(url).context["period_data"]["organizations"]["total"]["new"]

    before = founded_in_period()
    assert founded_in_period() == before  # from the cache
    OrganizationFactory(founded_on=date(2026, 10, 5))
    assert founded_in_period() == before + 1
