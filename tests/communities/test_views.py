import pytest
from django.urls import reverse

from communities.models import ActivityConfirmation
from tests.clock import shanghai
from tests.communities.factories import CommunityAccountFactory
from tests.events.factories import EventFactory, completed_activity

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
    assert activity.title in client.get(reverse("communities:disputes")).content.decode()
    response = client.post(reverse("communities:dispute", args=[dispute.pk]), {"decision": "dismiss", "reason": "ok"})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.state == ActivityConfirmation.State.DISMISSED and dispute.counts_for_duty
    duty = client.get(reverse("events:compliance"), {"month": "2026-06"})
    assert duty.context["community_word"] == {"confirmed": 1, "disputed": 0}
