from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from communities import services
from communities.models import ActivityConfirmation, CommunityInvitation, QuarterlyRating
from projects import services as projects_services
from projects.models import CommunityNeed
from tests.clock import shanghai
from tests.communities.factories import CommunityAccountFactory
from tests.events.factories import EventFactory, completed_activity
from tests.members.factories import CommunityFactory, MembershipFactory
from tests.projects.factories import CommunityNeedFactory, NeedResponseFactory, PublicProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(2026, 6, 10, 9)]


@pytest.fixture
def committee(client):
    account = CommunityAccountFactory()
    client.force_login(account.user)
    return account


def test_the_month_lists_pending_confirmed_and_disputed(client, committee, org):
    pending = completed_activity(org, shanghai(2026, 6, 3, 9), community=committee.community)
    other_community = completed_activity(org, shanghai(2026, 6, 3, 9))
    upcoming = EventFactory(organization=org, community=committee.community)
    page = client.get(reverse("communities:portal"))
    assert pending.title in page.content.decode()
    assert other_community.title not in page.content.decode()
    assert upcoming.title not in page.content.decode()
    assert page.context["pending"] == [pending]

    response = client.post(reverse("communities:confirm", args=[pending.pk]))
    assert response.status_code == 302 and response.url.endswith("?month=2026-06")
    page = client.get(reverse("communities:portal"), {"month": "2026-06"})
    assert (page.context["pending"], page.context["confirmed"]) == ([], [pending])


def test_a_dispute_with_a_short_reason_is_refused(client, committee, org):
    activity = completed_activity(org, shanghai(2026, 6, 3, 9), community=committee.community)
    url = reverse("communities:dispute-activity", args=[activity.pk])
    assert client.post(url, {"reason": "no"}).status_code == 200
    assert not ActivityConfirmation.objects.exists()
    assert client.post(url, {"reason": "Nobody came; the room was locked."}).status_code == 302
    page = client.get(reverse("communities:portal"))
    assert page.context["disputed"] == [activity]


def test_another_communitys_activity_is_a_404(client, committee, org):
    activity = completed_activity(org, shanghai(2026, 6, 3, 9))
    assert client.post(reverse("communities:confirm", args=[activity.pk])).status_code == 404
    assert client.get(reverse("communities:dispute-activity", args=[activity.pk])).status_code == 404


@pytest.mark.parametrize("count", [1, 8])
def test_the_month_page_pins_its_queries(client, committee, org, django_assert_num_queries, count):
    for day in range(count):
        completed_activity(org, shanghai(2026, 6, 1 + day % 8, 9), community=committee.community)
    client.get(reverse("communities:portal"))
    # session, user, the community account, the month's activities with organizers and confirmations, and the
    # frame's own lookups (accounts, unread notifications): the same whatever the number of activities
    with django_assert_num_queries(7):
        response = client.get(reverse("communities:portal"))
    assert len(response.context["pending"]) == count


def test_staff_decide_a_dispute(client, staff_user, org):
    committee = CommunityAccountFactory()
    activity = completed_activity(org, shanghai(2026, 6, 3, 9), community=committee.community)
    client.force_login(committee.user)
    client.post(reverse("communities:dispute-activity", args=[activity.pk]), {"reason": "Nobody came at all."})
    dispute = ActivityConfirmation.objects.get()
    client.force_login(staff_user)
    duty = client.get(reverse("events:compliance"), {"month": "2026-06"})
    assert duty.context["community_word"] == {"confirmed": 0, "disputed": 1}
    row = next(row for row in duty.context["rows"] if row.pk == org.pk)
    assert (row.activity_count, row.disputed_count) == (0, 1)
    assert "(and 1 disputed, not counted)" in duty.content.decode()
    assert activity.title in client.get(reverse("communities:disputes")).content.decode()
    response = client.post(reverse("communities:dispute", args=[dispute.pk]), {"decision": "dismiss", "reason": "ok"})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.state == ActivityConfirmation.State.DISMISSED and dispute.counts_for_duty
    duty = client.get(reverse("events:compliance"), {"month": "2026-06"})
    assert duty.context["community_word"] == {"confirmed": 1, "disputed": 0}


# Colleagues


def test_a_committee_admin_invites_a_colleague_and_a_member_cannot(client, committee):
    assert "Invite a colleague" in client.get(reverse("communities:people")).content.decode()
    response = client.post(reverse("communities:invite"), {"email": "Colleague@Example.org", "role": "member"})
    assert response.status_code == 302
    invitation = CommunityInvitation.objects.get()
    assert (invitation.community, invitation.role) == (committee.community, "member")
    assert invitation.email == "colleague@example.org"
    member = CommunityAccountFactory(community=committee.community, role="member")
    client.force_login(member.user)
    page = client.get(reverse("communities:people")).content.decode()
    assert committee.user.email in page and "Invite a colleague" not in page
    assert client.post(reverse("communities:invite"), {"email": "x@example.org", "role": "admin"}).status_code == 403


def test_a_committee_logs_in_to_its_portal(client, committee):
    assert client.get(reverse("after-login")).url == reverse("communities:portal")


def test_every_activity_still_to_confirm_is_listed_whatever_its_month(client, committee, org):
    last_month = completed_activity(org, shanghai(2026, 5, 30, 9), community=committee.community)
    page = client.get(reverse("communities:portal"))
    assert page.context["pending"] == [last_month] and page.context["month"] == date(2026, 6, 1)


# Needs


def test_the_committee_posts_a_need_sees_the_responses_and_proposes_one(client, committee, org, other_org):
    response = client.post(
        reverse("communities:need-create"),
        {"title": "Lunch deliveries", "description": "Twenty residents need lunch.", "service_field": "elderly"},
    )
    need = CommunityNeed.objects.get()
    assert response.url == reverse("communities:need", args=[need.pk])
    assert need.poster == "committee" and need.community == committee.community
    first = projects_services.respond_to_need(need, organization=org, acting_user=None, message="We can.")
    projects_services.respond_to_need(need, organization=other_org, acting_user=None, message="Us too.")
    page = client.get(reverse("communities:need", args=[need.pk])).content.decode()
    assert "We can." in page and "Us too." in page
    assert "2 responses" in client.get(reverse("communities:needs")).content.decode()
    propose = reverse("communities:propose", args=[need.pk, first.pk])
    assert client.post(propose).status_code == 302
    first.refresh_from_db()
    assert first.is_proposed
    assert "Proposed, waiting for staff" in client.get(reverse("communities:need", args=[need.pk])).content.decode()
    # The public board says who posted it.
    board = client.get(reverse("projects:needs")).content.decode()
    assert f"posted by {committee.community.name}" in board


def test_another_communitys_need_is_a_404(client, committee, org):
    need = CommunityNeedFactory()
    response = NeedResponseFactory(need=need, organization=org)
    assert client.get(reverse("communities:need", args=[need.pk])).status_code == 404
    assert client.post(reverse("communities:propose", args=[need.pk, response.pk])).status_code == 404


def test_staff_confirm_a_proposal(client, committee, org, staff_user):
    need = CommunityNeedFactory(community=committee.community, poster="committee")
    response = projects_services.propose_need_response(
        NeedResponseFactory(need=need, organization=org), acting_user=committee.user
    )
    client.force_login(staff_user)
    page = client.get(reverse("communities:need-proposals"))
    assert list(page.context["proposals"]) == [response]
    assert client.post(reverse("communities:confirm-proposal", args=[response.pk])).status_code == 302
    need.refresh_from_db()
    assert need.state == CommunityNeed.State.MATCHED
    assert not client.get(reverse("communities:need-proposals")).context["proposals"]


# Quarterly ratings


def test_the_committee_rates_the_organizations_of_last_quarter(client, committee, org, clock):
    clock.move_to(2026, 7, 5, 9)
    client.force_login(committee.user)  # the session of 10 June has expired
    completed_activity(org, shanghai(2026, 6, 3, 9), community=committee.community)
    page = client.get(reverse("communities:ratings"))
    assert page.context["quarter_label"] == "2026-Q2"
    assert page.context["organizations"] == [(org, None)]
    url = reverse("communities:rate", args=["2026-Q2", org.pk])
    assert client.post(url, {"score": "9"}).status_code == 200
    assert client.post(url, {"score": "4", "comment": "On time, well prepared."}).status_code == 302
    rating = QuarterlyRating.objects.get()
    assert (rating.community, rating.organization, rating.score) == (committee.community, org, 4)
    assert client.get(reverse("communities:ratings")).context["organizations"] == [(org, rating)]
    assert client.get(reverse("communities:rate", args=["2026-Q1", org.pk])).status_code == 404  # closed
    assert client.get(reverse("communities:rate", args=["2026-Q3", org.pk])).status_code == 404  # nothing held yet


def test_ratings_are_for_staff_per_organization_never_for_the_organization_nor_the_public(
    client, committee, org, org_user, staff_user
):
    other = CommunityAccountFactory()
    for account, score in ((committee, 2), (other, 5)):
        QuarterlyRating.objects.create(
            community=account.community, organization=org, quarter=date(2026, 4, 1), score=score,
            comment=f"Comment {score}",
        )
    client.force_login(staff_user)
    page = client.get(reverse("communities:staff-ratings"), {"quarter": "2026-Q2"})
    [row] = page.context["organizations"]
    assert row["organization"] == org and row["average"] == 3.5
    assert "Comment 2" in page.content.decode()
    for user in (org_user, other.user):
        client.force_login(user)
        for url in (reverse("members:portal"), reverse("events:manage-list"), reverse("communities:ratings")):
            response = client.get(url)
            assert "Comment 2" not in response.content.decode(), url
    client.logout()
    for url in (org.get_absolute_url(), reverse("communities:detail", args=[committee.community.code])):
        assert "Comment 2" not in client.get(url).content.decode()


# Coverage


def test_staff_read_the_coverage_with_last_months_gaps_and_download_it(client, committee, org, staff_user):
    quiet = CommunityFactory(name="Quiet Lane")
    activity = completed_activity(org, shanghai(2026, 5, 3, 9), community=committee.community)
    services.confirm_activity(activity, account=committee)
    client.force_login(staff_user)
    page = client.get(reverse("communities:coverage"))
    assert page.context["without_last_month"] == [quiet]
    html = page.content.decode()
    assert "1 community without a confirmed activity in 2026-05" in html and "coverage-gap" in html
    assert client.get(reverse("communities:coverage"), {"field": "health"}).context["without_last_month"] == [
        committee.community, quiet
    ]
    export = client.get(reverse("communities:coverage-export", args=["xlsx"]))
    sheet = load_workbook(BytesIO(export.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert rows["Community"][-1] == "2026-06" and rows[committee.community.name][-2] == 1
    assert rows["Quiet Lane"][-2] == 0


# Public pages of the neighbourhoods


def _neighbourhood(community, org, index):
    org.communities.add(community)
    EventFactory(organization=org, community=community, title=f"Upcoming {index}")
    CommunityNeedFactory(community=community, title=f"Need {index}")
    PublicProjectFactory(organization=org, title=f"Project {index}", communities=[community])


@pytest.mark.parametrize("count", [1, 6])
def test_the_neighbourhood_pages_pin_their_queries(client, no_page_cache, django_assert_num_queries, count):
    community = CommunityFactory(name="Changshou")
    for index in range(count):
        organization = MembershipFactory().organization
        _neighbourhood(community, organization, index)
        CommunityFactory()
    with django_assert_num_queries(1):
        page = client.get(reverse("communities:list"))
    row = next(row for row in page.context["communities"] if row == community)
    assert (row.organization_count, row.upcoming_count, row.need_count) == (count, count, count)
    # the community, its organizations (with memberships and service fields), events, needs and projects
    with django_assert_num_queries(6):
        page = client.get(community.get_absolute_url())
    html = page.content.decode()
    assert all(f"Upcoming {i}" in html and f"Need {i}" in html and f"Project {i}" in html for i in range(count))


def test_event_project_organization_and_need_pages_link_to_the_neighbourhood(client, org):
    community = CommunityFactory()
    _neighbourhood(community, org, 0)
    link = f'href="{community.get_absolute_url()}"'
    event = community.events.get()
    for url in (
        event.get_absolute_url(),
        community.projects.get().get_absolute_url(),
        org.get_absolute_url(),
        reverse("projects:needs"),
        community.needs.get().get_absolute_url(),
    ):
        assert link in client.get(url).content.decode(), url
    assert client.get(reverse("communities:detail", args=["nope"])).status_code == 404


@pytest.mark.parametrize("count", [1, 6])
def test_the_committees_and_staffs_lists_pin_their_queries(
    client, committee, staff_user, django_assert_num_queries, count
):
    for index in range(count):
        organization = MembershipFactory().organization
        completed_activity(organization, shanghai(2026, 5, 3 + index, 9), community=committee.community)
        need = CommunityNeedFactory(community=committee.community, poster="committee")
        response = NeedResponseFactory(need=need, organization=organization)
        projects_services.propose_need_response(response, acting_user=committee.user)
        QuarterlyRating.objects.create(
            community=committee.community, organization=organization, quarter=date(2026, 4, 1), score=4
        )
        CommunityFactory()
    # session, user, community account, the frame's lookups (accounts, unread notifications, permissions), then
    # the page's own two (needs: count, needs with their number of responses; ratings: ratings, organizations to rate;
    # people: colleagues, pending invitations; a need: the need, its responses)
    committee_pages = {
        reverse("communities:needs"): 8,
        reverse("communities:ratings"): 8,
        reverse("communities:people"): 8,
        reverse("communities:need", args=[need.pk]): 8,
    }
    for url, queries in committee_pages.items():
        client.get(url)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200, url
    client.force_login(staff_user)
    # session, user, the frame's lookups, then the page's own: count and proposals; ratings; counts and communities
    staff_pages = {
        reverse("communities:need-proposals"): 7,
        reverse("communities:staff-ratings") + "?quarter=2026-Q2": 6,
        reverse("communities:coverage"): 7,
    }
    for url, queries in staff_pages.items():
        client.get(url)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200, url


def test_a_committee_never_sees_residents_mobiles(client, committee, org):
    activity = completed_activity(org, shanghai(2026, 6, 3, 9), community=committee.community)
    mobile = activity.registrations.get().mobile
    for url in (
        reverse("communities:portal"),
        reverse("communities:dispute-activity", args=[activity.pk]),
        reverse("communities:ratings") + "?quarter=2026-Q2",
    ):
        assert mobile not in client.get(url).content.decode(), url
    # nor the organizers' pages of the activity
    assert client.get(reverse("events:manage-detail", args=[activity.pk])).status_code in (302, 403, 404)
