"""Issue 18's "Done when", step by step in the demo (`make run`): a committee logs in, confirms last week's
activities, disputes one (which stops counting for that organization's month until staff decide), posts a need and
proposes a response; residents find their neighbourhood's page; staff read the coverage table and see which
communities had no activity last month."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from communities.models import ActivityConfirmation, CommunityAccount, QuarterlyRating
from events import compliance
from events.models import Event
from members.models import Community
from projects.models import CommunityNeed

PASSWORD = "Changshou-2026"


def _log_in(client, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, username
    return client.get(response.url, follow=True)


def _month_count(event):
    month = compliance.this_month(event.starts_at)
    return compliance.compliance_for_month(month).get(pk=event.organization_id).activity_count


def test_every_community_has_a_committee_with_confirmed_pending_and_disputed_activities(demo_world):
    for community in Community.objects.all():
        account = CommunityAccount.objects.get(user__username=f"{community.code.lower()}-jwh")
        assert account.community == community and account.is_admin
        assert ActivityConfirmation.objects.filter(event__community=community, state="confirmed").exists()
        assert ActivityConfirmation.objects.disputes().filter(event__community=community).count() == 1
        assert QuarterlyRating.objects.filter(community=community).exists()
    assert CommunityAccount.objects.filter(role="member").exists()
    assert CommunityNeed.objects.filter(poster="committee").count() >= 5
    assert CommunityNeed.objects.filter(poster="committee", responses__proposed_at__isnull=False).exists()


def test_done_when_a_committee_confirms_disputes_posts_and_proposes(demo_world, client):
    # A committee logs in and lands on its portal, with last week's activities to confirm.
    page = _log_in(client, "cs01-jwh")
    assert page.request["PATH_INFO"] == reverse("communities:portal")
    pending = page.context["pending"]
    assert len(pending) >= 2
    *to_confirm, to_dispute = pending
    for event in to_confirm:
        assert client.post(reverse("communities:confirm", args=[event.pk])).status_code == 302
    assert ActivityConfirmation.objects.filter(event__in=to_confirm, state="confirmed").count() == len(to_confirm)

    # It disputes one: the activity stops counting for its organization's month until staff decide.
    counted = Event.objects.counting_for_duty().filter(pk=to_dispute.pk).exists()
    before = _month_count(to_dispute)
    reason = "活动当天活动室没有开门，居民都没有见到志愿者。"
    response = client.post(reverse("communities:dispute-activity", args=[to_dispute.pk]), {"reason": reason})
    assert response.status_code == 302
    assert not Event.objects.counting_for_duty().filter(pk=to_dispute.pk).exists()
    assert _month_count(to_dispute) == before - counted
    dispute = ActivityConfirmation.objects.get(event=to_dispute)
    assert dispute.is_open_dispute

    # It posts a need and proposes a response (its open need of the demo has responses).
    response = client.post(
        reverse("communities:need-create"),
        {
            "title": "周末亲子阅读志愿者",
            "description": "社区图书角周末需要志愿者带孩子们读绘本。",
            "service_field": "education",
        },
    )
    need = CommunityNeed.objects.get(title="周末亲子阅读志愿者")
    assert need.poster == "committee" and need.community.code == "CS01"
    assert "周末亲子阅读志愿者" in client.get(reverse("projects:needs")).content.decode()
    open_need = CommunityNeed.objects.get(title="楼道老人助餐配送志愿者")
    page = client.get(reverse("communities:need", args=[open_need.pk]))
    response_to_propose = page.context["need"].response_list[0]
    assert client.post(reverse("communities:propose", args=[open_need.pk, response_to_propose.pk])).status_code == 302
    response_to_propose.refresh_from_db()
    assert response_to_propose.is_proposed

    # Staff decide the dispute (dismissed: it counts again) and confirm the proposal.
    client.logout()
    _log_in(client, "staff")
    assert to_dispute.title in client.get(reverse("communities:disputes")).content.decode()
    client.post(reverse("communities:dispute", args=[dispute.pk]), {"decision": "dismiss", "reason": "照片核实无误。"})
    assert _month_count(to_dispute) == before
    assert response_to_propose in client.get(reverse("communities:need-proposals")).context["proposals"]
    client.post(reverse("communities:confirm-proposal", args=[response_to_propose.pk]))
    open_need.refresh_from_db()
    assert open_need.state == CommunityNeed.State.MATCHED


def test_done_when_residents_find_their_neighbourhood(demo_world, client):
    page = client.get(reverse("communities:list"))
    assert page.status_code == 200
    community = Community.objects.get(code="CS01")
    assert community.get_absolute_url() in page.content.decode()
    page = client.get(community.get_absolute_url())
    assert page.context["organizations"] and page.context["needs"]  # events and projects depend on the day
    # and from an event held there
    event = Event.objects.listed().filter(community=community).first()
    assert community.get_absolute_url() in client.get(event.get_absolute_url()).content.decode()


def test_done_when_staff_see_which_communities_had_no_activity_last_month(demo_world, client):
    staff = get_user_model().objects.get(username="staff")
    client.force_login(staff)
    page = client.get(reverse("communities:coverage"))
    assert page.status_code == 200
    gaps = page.context["without_last_month"]
    assert len(gaps) >= 1
    assert f"{gaps[0].name}" in page.content.decode()
    assert client.get(reverse("communities:coverage-export", args=["xlsx"])).status_code == 200
    assert client.get(reverse("communities:staff-ratings")).context["organizations"]
