import io
import re
from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from projects import services
from projects.models import Call, CommunityNeed, NeedResponse, Project, Review
from tests.members.factories import (
    CommunityFactory,
    MembershipFactory,
    OrganizationAccountFactory,
    OrganizationFactory,
)

from .factories import (
    CallFactory,
    CommunityNeedFactory,
    NeedResponseFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    PublicProjectFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


def login_redirect(response, url):
    return response.status_code == 302 and response.url == f"{reverse('login')}?next={url}"


def jpeg(name="photo.jpg"):
    output = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 120, 30)).save(output, format="JPEG")
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/jpeg")


# Showcase


def test_the_showcase_shows_public_projects_only_brand_first(client, org):
    for state in Project.State:
        ProjectFactory(organization=org, title=f"Project {state.value}", state=state)
    PublicProjectFactory(organization=org, title="The brand one", is_brand=True)
    response = client.get(reverse("projects:list"))
    assert response.status_code == 200
    titles = [project.title for project in response.context["object_list"]]
    assert titles[0] == "The brand one"
    assert set(titles) == {"The brand one", "Project approved", "Project in_progress", "Project completed"}
    content = response.content.decode()
    for hidden in ("Project draft", "Project submitted", "Project under_review", "Project rejected"):
        assert hidden not in content


@pytest.mark.parametrize("state", ["draft", "submitted", "under_review", "rejected"])
def test_project_pages_of_non_public_states_do_not_exist(client, org, state):
    project = ProjectFactory(organization=org, state=state)
    assert client.get(reverse("projects:detail", args=[project.slug])).status_code == 404


def test_the_project_page_shows_organization_communities_funding_and_progress(client, org):
    community = CommunityFactory(name="Changshou Community")
    project = PublicProjectFactory(
        organization=org, title="Shared fridge", communities=[community], funding_source="government_purchase"
    )
    ProgressUpdateFactory(project=project, text="Fridge installed", beneficiaries_reached=40)
    ProgressUpdateFactory(project=project, text="Second fridge", beneficiaries_reached=60)
    response = client.get(project.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("<h1") == 1
    for expected in ("Shared fridge", org.name, "Changshou Community", "Government-purchased service",
                     "Fridge installed", "Second fridge"):
        assert expected in content
    assert response.context["project"].beneficiaries_reached == 100


def _showcase_data(size):
    communities = [CommunityFactory() for _ in range(3)]
    for n in range(size):
        organization = OrganizationFactory()
        MembershipFactory(organization=organization)
        PublicProjectFactory(organization=organization, communities=communities[: 1 + n % 3], is_brand=n % 4 == 0,
                             cover=jpeg() if n % 2 else "")
        ProjectFactory(organization=organization)  # drafts never count


@pytest.mark.parametrize("size", [3, 30])
def test_the_showcase_query_count_does_not_grow_with_data(client, django_assert_num_queries, size, no_page_cache):
    _showcase_data(size)
    # site version (its row: the cache is empty) and years for the filter, open calls, communities for the
    # filter, count, page, communities of the page
    with django_assert_num_queries(7):
        response = client.get(reverse("projects:list"), {"service_field": "elderly"})
    assert response.status_code == 200
    assert len(response.context["object_list"]) == min(size, 12)
    # the years are cached until the data changes, under the site version that is now in the cache
    with django_assert_num_queries(5):
        client.get(reverse("projects:list"), {"service_field": "elderly"})


def test_showcase_years_follow_a_change_on_the_next_request(client):
    project = ProjectFactory(state="in_progress", starts_on=date(2024, 3, 1))
    assert '<option value="2024">' in client.get(reverse("projects:list")).content.decode()
    project.starts_on = date(2025, 3, 1)
    project.save()
    content = client.get(reverse("projects:list")).content.decode()
    assert '<option value="2025">' in content and '<option value="2024">' not in content


@pytest.mark.parametrize("size", [3, 30])
def test_the_needs_board_query_count_does_not_grow_with_data(client, django_assert_num_queries, size, no_page_cache):
    for n in range(size):
        need = CommunityNeedFactory()
        if n % 2:
            NeedResponseFactory(need=need, is_accepted=True)
    # communities for the filter, count, page, accepted responses of the page
    with django_assert_num_queries(4):
        response = client.get(reverse("projects:needs"))
    assert response.status_code == 200


def test_needs_board_shows_open_and_matched_needs_with_their_organization(client, org):
    CommunityNeedFactory(title="Summer visits")
    matched = CommunityNeedFactory(title="Food parcels", state=CommunityNeed.State.CLOSED)
    NeedResponseFactory(need=matched, organization=org, is_accepted=True)
    content = client.get(reverse("projects:needs")).content.decode()
    assert "Summer visits" in content and "Food parcels" in content
    assert f"Matched with <a href=\"{org.get_absolute_url()}\">{org.name}</a>" in content
    detail = client.get(reverse("projects:need-detail", args=[matched.pk])).content.decode()
    assert org.name in detail and "Matched" in detail


def test_open_calls_are_listed_publicly_and_drafts_are_not(client):
    open_call = CallFactory(title="Open now")
    draft = CallFactory(title="Secret draft", state=Call.State.DRAFT)
    content = client.get(reverse("projects:calls")).content.decode()
    assert "Open now" in content and "Secret draft" not in content
    assert client.get(open_call.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Open now" in client.get(reverse("projects:list")).content.decode()


def test_the_rubric_shows_percentages_that_add_up_to_100(client, staff_user, reviewer):
    call = CallFactory(title="Equal weights", reviewers=[reviewer])
    content = client.get(reverse("projects:call-detail", args=[call.pk])).content.decode()
    assert re.findall(r"(\d+) % of the score", content) == ["34", "33", "33"]
    client.force_login(staff_user)
    content = client.get(reverse("projects:ranking", args=[call.pk])).content.decode()
    assert re.findall(r"(\d+) % of the score", content) == ["34", "33", "33"]


def test_home_organization_page_and_search_show_projects(client, org):
    PublicProjectFactory(organization=org, title="Brand fridge", is_brand=True)
    ProjectFactory(organization=org, title="Hidden draft")
    assert "Brand fridge" in client.get(reverse("home")).content.decode()
    page = client.get(org.get_absolute_url()).content.decode()
    assert "Brand fridge" in page and "Hidden draft" not in page
    search = client.get(reverse("search"), {"q": "fridge"}).content.decode()
    assert "Brand fridge" in search
    assert "Hidden draft" not in client.get(reverse("search"), {"q": "Hidden"}).content.decode()


# Portal: permissions of every view


@pytest.mark.parametrize("name", ["manage-list", "manage-create", "manage-needs"])
def test_portal_pages_send_anonymous_users_to_login(client, name):
    url = reverse(f"projects:{name}")
    assert login_redirect(client.get(url), url)


@pytest.mark.parametrize("name", ["manage-detail", "manage-edit", "manage-update"])
def test_portal_project_pages_login_other_org_own_org(client, draft, org_user, other_org_user, name):
    url = reverse(f"projects:{name}", args=[draft.pk])
    assert login_redirect(client.get(url), url)
    client.force_login(other_org_user)
    assert client.get(url).status_code == 404
    client.force_login(org_user)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["manage-submit", "manage-transition"])
def test_portal_project_actions_are_scoped_to_the_organization(client, draft, other_org_user, name):
    url = reverse(f"projects:{name}", args=[draft.pk])
    assert login_redirect(client.post(url, {"to": "draft"}), url)
    client.force_login(other_org_user)
    assert client.post(url, {"to": "draft"}).status_code == 404
    assert Project.objects.get(pk=draft.pk).state == Project.State.DRAFT


def test_users_without_an_organization_are_sent_to_register(client, plain_user):
    client.force_login(plain_user)
    response = client.get(reverse("projects:manage-list"))
    assert response.status_code == 302 and response.url == reverse("members:join")


def test_suspended_members_cannot_create_or_submit(client, open_call):
    organization = OrganizationFactory()
    MembershipFactory(organization=organization, status="suspended")
    user = OrganizationAccountFactory(organization=organization).user
    project = ProjectFactory(organization=organization, call=open_call)
    client.force_login(user)
    assert client.get(reverse("projects:manage-create")).status_code == 403
    assert client.get(reverse("projects:manage-edit", args=[project.pk])).status_code == 403
    assert client.post(reverse("projects:manage-submit", args=[project.pk])).status_code == 403
    assert Project.objects.get(pk=project.pk).state == Project.State.DRAFT
    assert client.get(reverse("projects:manage-list")).status_code == 200


# Portal: the proposal's way


def test_an_organization_drafts_edits_and_submits_a_proposal(client, org, org_editor, open_call):
    client.force_login(org_editor)
    community = CommunityFactory()
    response = client.get(reverse("projects:manage-create"), {"call": open_call.pk})
    assert response.context["form"]["call"].value() == str(open_call.pk)
    response = client.post(
        reverse("projects:manage-create"),
        {
            "call": open_call.pk,
            "title": "Night pick-up point",
            "summary": "Food for late workers",
            "service_field": "poverty_food",
            "communities": [community.pk],
            "budget": "60000",
            "funding_source": "mixed",
            "funding_amount": "40000",
            "cover": jpeg(),
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302 and response.url == reverse("projects:manage-detail", args=[project.pk])
    assert project.organization == org and project.state == Project.State.DRAFT
    assert project.cover.name.startswith("projects/covers/")
    response = client.post(
        reverse("projects:manage-edit", args=[project.pk]),
        {"call": open_call.pk, "title": "Night pick-up point", "summary": "Better summary",
         "service_field": "poverty_food", "funding_source": "mixed"},
    )
    assert Project.objects.get().summary == "Better summary"
    client.post(reverse("projects:manage-submit", args=[project.pk]))
    project.refresh_from_db()
    assert project.state == Project.State.SUBMITTED
    # submitted proposals are no longer editable
    response = client.post(reverse("projects:manage-edit", args=[project.pk]), {"title": "Changed"})
    assert response.status_code == 302
    assert Project.objects.get().title == "Night pick-up point"


def test_a_funding_amount_above_the_budget_is_refused_on_the_form(client, org, org_user, open_call):
    client.force_login(org_user)
    data = {"call": open_call.pk, "title": "Night pick-up point", "summary": "Food for late workers",
            "service_field": "poverty_food", "funding_source": "mixed", "budget": "60000", "funding_amount": "75000"}
    response = client.post(reverse("projects:manage-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["funding_amount"] == [
        "The funding amount (¥75,000.00) cannot be more than the project's budget (¥60,000.00)."
    ]
    assert "cannot be more than the project" in response.content.decode()
    assert not Project.objects.exists()
    client.post(reverse("projects:manage-create"), data | {"funding_amount": "60000"})
    assert Project.objects.get().funding_amount == 60000


def test_the_call_choice_offers_only_calls_accepting_proposals(client, org_user, open_call, closed_call):
    client.force_login(org_user)
    form = client.get(reverse("projects:manage-create")).context["form"]
    assert list(form.fields["call"].queryset) == [open_call]


def test_submitting_after_the_deadline_shows_a_clear_refusal(client, org, org_user, closed_call):
    project = ProjectFactory(organization=org, call=closed_call)
    client.force_login(org_user)
    response = client.post(reverse("projects:manage-submit", args=[project.pk]), follow=True)
    assert "closed on" in response.content.decode()
    assert Project.objects.get(pk=project.pk).state == Project.State.DRAFT


def test_applicants_see_the_decision_and_score_summary(client, proposal, org_user, reviewer, staff_user):
    ReviewFactory(project=proposal, reviewer=reviewer, public_benefit=8, operability=6, coverage=4)
    client.force_login(org_user)
    url = reverse("projects:manage-detail", args=[proposal.pk])
    assert "Score summary" not in client.get(url).content.decode()
    services.reject_project(proposal, acting_user=staff_user, reason="Too expensive")
    content = client.get(url).content.decode()
    assert "Too expensive" in content
    assert "6.00" in content and "Score summary" in content
    assert reviewer.first_name not in content  # reviewers stay anonymous to applicants


def test_organizations_start_complete_and_report_progress(client, org, org_user):
    project = ProjectFactory(organization=org, state=Project.State.APPROVED)
    client.force_login(org_user)
    client.post(reverse("projects:manage-transition", args=[project.pk]), {"to": "in_progress"})
    assert Project.objects.get(pk=project.pk).state == Project.State.IN_PROGRESS
    response = client.post(
        reverse("projects:manage-update", args=[project.pk]),
        {"on": "2026-03-01", "text": "Served 25 families", "beneficiaries_reached": 25, "photo1": jpeg()},
    )
    assert response.status_code == 302
    update = project.updates.get()
    assert update.created_by == org_user and update.photos.count() == 1
    assert "Served 25 families" in client.get(project.get_absolute_url()).content.decode()
    assert client.post(reverse("projects:manage-transition", args=[project.pk]), {"to": "approved"}).status_code == 400


@pytest.mark.clock(2026, 5, 20, 9, 0)
def test_completing_a_project_before_it_starts_is_refused_with_a_message(client, org, org_user, clock):
    project = ProjectFactory(organization=org, state=Project.State.IN_PROGRESS, title="Summer reading",
                             starts_on=date(2026, 6, 1))
    client.force_login(org_user)
    response = client.post(reverse("projects:manage-transition", args=[project.pk]), {"to": "completed"}, follow=True)
    assert response.status_code == 200
    assert "“Summer reading” starts on 2026-06-01: a project cannot be completed before it starts." in (
        response.content.decode()
    )
    assert Project.objects.get(pk=project.pk).state == Project.State.IN_PROGRESS


def _posted_changes(content):
    """The to-states of the state-change forms of a page, in order."""
    return re.findall(r'<input type="hidden" name="to" value="([a-z_]+)">', content)


@pytest.mark.parametrize("state", list(Project.State))
def test_the_portal_offers_exactly_the_changes_the_organization_may_make(client, org, org_user, open_call, state):
    project = ProjectFactory(organization=org, call=open_call, state=state)
    client.force_login(org_user)
    content = client.get(reverse("projects:manage-detail", args=[project.pk])).content.decode()
    expected = project.available_actions(Project.Actor.ORGANIZATION)
    assert _posted_changes(content) == [action.to for action in expected]
    for action in expected:
        assert f">{action.label}</button>" in content
    assert (reverse("projects:manage-edit", args=[project.pk]) in content) == project.is_editable
    # submitting posts to its own view (active members only); every other change to the transition view
    assert (reverse("projects:manage-submit", args=[project.pk]) in content) == (state == Project.State.DRAFT)
    transition_url = reverse("projects:manage-transition", args=[project.pk])
    assert (transition_url in content) == any(action.to != "submitted" for action in expected)


def test_the_portals_buttons_speak_chinese(client, org, org_user, open_call):
    project = ProjectFactory(organization=org, call=open_call, state=Project.State.SUBMITTED)
    client.force_login(org_user)
    url = reverse("projects:manage-detail", args=[project.pk])
    content = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert ">撤回为草稿</button>" in content and "项目已申报，征集截止后将进行评审。" in content


def test_a_draft_without_a_call_offers_no_submission(client, org, org_user):
    project = ProjectFactory(organization=org)
    client.force_login(org_user)
    content = client.get(reverse("projects:manage-detail", args=[project.pk])).content.decode()
    assert _posted_changes(content) == []
    assert "Choose a call for proposals in the form" in content


def test_the_portal_refuses_a_change_from_the_wrong_state_with_a_message(client, org, org_user):
    project = ProjectFactory(organization=org, state=Project.State.IN_PROGRESS)
    client.force_login(org_user)
    url = reverse("projects:manage-transition", args=[project.pk])
    response = client.post(url, {"to": "in_progress"}, follow=True)
    assert "cannot become" in response.content.decode()
    assert client.post(url, {"to": "rejected"}).status_code == 400  # never the organization's change
    assert Project.objects.get(pk=project.pk).state == Project.State.IN_PROGRESS


def test_a_broken_image_is_refused_with_a_message(client, org, org_user):
    project = PublicProjectFactory(organization=org)
    client.force_login(org_user)
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = client.post(
        reverse("projects:manage-update", args=[project.pk]),
        {"on": "2026-03-01", "text": "x", "beneficiaries_reached": 1, "photo1": fake},
    )
    assert response.status_code == 200
    assert "not an image" in response.content.decode()
    assert not project.updates.exists()


# Portal: community needs


def test_member_organizations_respond_to_needs(client, org, org_user, other_org_user):
    need = CommunityNeedFactory(title="Summer visits")
    url = reverse("projects:manage-respond", args=[need.pk])
    assert login_redirect(client.get(url), url)
    client.force_login(org_user)
    assert "Summer visits" in client.get(reverse("projects:manage-needs")).content.decode()
    other_project = PublicProjectFactory(organization=OrganizationFactory())
    form = client.get(url).context["form"]
    assert other_project not in form.fields["project"].queryset
    response = client.post(url, {"message": "Ten volunteers every Saturday"})
    assert response.status_code == 302
    assert NeedResponse.objects.get().organization == org
    assert "You have responded" in client.get(reverse("projects:manage-needs")).content.decode()
    # matched needs take no more responses
    need.state = CommunityNeed.State.MATCHED
    need.save()
    client.force_login(other_org_user)
    assert client.get(url).status_code == 404


# Reviewers


def test_review_pages_send_anonymous_users_to_login(client, proposal):
    for url in (
        reverse("projects:review-list"),
        reverse("projects:review-call", args=[proposal.call_id]),
        reverse("projects:review-proposal", args=[proposal.pk]),
    ):
        assert login_redirect(client.get(url), url)


def test_every_reviewer_finds_the_review_link_in_the_header(client, org_user, other_org_user, reviewer, open_call):
    review_link = f'href="{reverse("projects:review-list")}"'
    open_call.reviewers.add(org_user)  # works for an organization and reviews for the street office
    for user in (reviewer, org_user):
        client.force_login(user)
        for page in (reverse("home"), reverse("members:portal")):
            response = client.get(page, follow=True)
            assert response.status_code == 200
            assert review_link in response.content.decode(), (user, page)
        assert client.get(reverse("projects:review-list")).status_code == 200
    client.force_login(other_org_user)  # assigned to no call: no link
    assert review_link not in client.get(reverse("members:portal")).content.decode()


def test_reviewers_see_only_the_proposals_of_their_calls(client, proposal, reviewer, other_org_user):
    unassigned_call = CallFactory(state=Call.State.REVIEWING)
    elsewhere = ProjectFactory(call=unassigned_call, state=Project.State.UNDER_REVIEW)
    client.force_login(reviewer)
    listing = client.get(reverse("projects:review-list")).content.decode()
    assert proposal.call.title in listing and unassigned_call.title not in listing
    assert client.get(reverse("projects:review-call", args=[proposal.call_id])).status_code == 200
    assert client.get(reverse("projects:review-call", args=[unassigned_call.pk])).status_code == 404
    assert client.get(reverse("projects:review-proposal", args=[proposal.pk])).status_code == 200
    assert client.get(reverse("projects:review-proposal", args=[elsewhere.pk])).status_code == 404
    # an organization user who is not a reviewer of the call
    client.force_login(other_org_user)
    assert client.get(reverse("projects:review-proposal", args=[proposal.pk])).status_code == 404
    assert client.get(reverse("projects:review-call", args=[proposal.call_id])).status_code == 404


def test_a_reviewer_scores_and_edits_a_proposal(client, proposal, reviewer):
    client.force_login(reviewer)
    url = reverse("projects:review-proposal", args=[proposal.pk])
    data = {"public_benefit": 8, "operability": 7, "coverage": 6, "comment": "Solid plan"}
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == reverse("projects:review-call", args=[proposal.call_id])
    client.post(url, {**data, "coverage": 9})
    review = Review.objects.get()
    assert (review.reviewer, review.coverage) == (reviewer, 9)
    assert client.get(url).context["form"].initial["coverage"] == 9
    response = client.post(url, {**data, "operability": 11})
    assert response.status_code == 200 and Review.objects.get().operability == 7


def test_one_conflict_rule_for_the_review_the_review_pages_and_the_ranking(
    client, proposal, org_editor, reviewer, staff_user
):
    """A reviewer who works for the applicant: refused by the service, told so on both review pages, and not
    counted among the reviews the ranking expects."""
    proposal.call.reviewers.add(org_editor)
    client.force_login(org_editor)
    listing = client.get(reverse("projects:review-call", args=[proposal.call_id]))
    assert [row["conflict"] for row in listing.context["rows"]] == [True]
    page = client.get(reverse("projects:review-proposal", args=[proposal.pk]))
    assert page.context["conflict"] and not page.context["can_review"]
    client.force_login(reviewer)
    assert client.get(reverse("projects:review-proposal", args=[proposal.pk])).context["can_review"]
    client.force_login(staff_user)
    (row,) = client.get(reverse("projects:ranking", args=[proposal.call_id])).context["rows"]
    assert (row.summary.expected, len(proposal.call.reviewer_organization_ids())) == (1, 2)


def test_conflict_of_interest_blocks_the_review_form(client, proposal, org_editor):
    proposal.call.reviewers.add(org_editor)
    client.force_login(org_editor)
    url = reverse("projects:review-proposal", args=[proposal.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "conflict of interest" in response.content.decode()
    assert "form" not in response.context or not response.context["can_review"]
    assert client.post(url, {"public_benefit": 10, "operability": 10, "coverage": 10}).status_code == 403
    assert not Review.objects.exists()
    listing = client.get(reverse("projects:review-call", args=[proposal.call_id])).content.decode()
    assert "Conflict of interest" in listing


def test_blind_review_hides_the_organization(client, proposal, reviewer, org):
    client.force_login(reviewer)
    call_url = reverse("projects:review-call", args=[proposal.call_id])
    proposal_url = reverse("projects:review-proposal", args=[proposal.pk])
    assert org.name in client.get(call_url).content.decode()
    assert org.name in client.get(proposal_url).content.decode()
    Call.objects.filter(pk=proposal.call_id).update(is_blind=True)
    assert org.name not in client.get(call_url).content.decode()
    assert org.name not in client.get(proposal_url).content.decode()
    assert proposal.title in client.get(proposal_url).content.decode()


# Staff


def test_staff_pages_need_staff(client, proposal, org_user):
    urls = [
        reverse("projects:ranking", args=[proposal.call_id]),
        reverse("projects:decide", args=[proposal.pk]),
    ]
    for url in urls:
        assert login_redirect(client.get(url), url)
    client.force_login(org_user)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(reverse("projects:call-state", args=[proposal.call_id]), {"to": "decided"}).status_code == 403
    assert client.post(urls[1], {"decision": "approve"}).status_code == 403
    assert Project.objects.get(pk=proposal.pk).state == Project.State.UNDER_REVIEW


def test_the_ranking_orders_by_weighted_mean_and_is_sortable(client, staff_user, reviewing_call, reviewer):
    other_reviewer = OrganizationAccountFactory().user
    reviewing_call.reviewers.add(other_reviewer)
    reviewing_call.weight_public_benefit = 2
    reviewing_call.save()
    low = ProjectFactory(call=reviewing_call, title="Low", state=Project.State.UNDER_REVIEW)
    high = ProjectFactory(call=reviewing_call, title="High", state=Project.State.UNDER_REVIEW)
    own = ProjectFactory(call=reviewing_call, title="Unscored", state=Project.State.UNDER_REVIEW,
                         organization=other_reviewer.org_account.organization)
    ReviewFactory(project=low, reviewer=reviewer, public_benefit=2, operability=8, coverage=8)  # 5.0
    ReviewFactory(project=high, reviewer=reviewer, public_benefit=8, operability=4, coverage=4)  # 6.0
    ReviewFactory(project=high, reviewer=other_reviewer, public_benefit=6, operability=6, coverage=6)  # 6.0
    client.force_login(staff_user)
    url = reverse("projects:ranking", args=[reviewing_call.pk])
    rows = client.get(url).context["rows"]
    assert [row.project for row in rows] == [high, low, own]
    assert rows[0].summary.weighted_mean == pytest.approx(6.0)
    assert (rows[0].summary.count, rows[0].summary.expected) == (2, 2)
    assert rows[2].summary.expected == 1  # the other reviewer has a conflict of interest
    rows = client.get(url, {"sort": "operability"}).context["rows"]
    assert [row.project for row in rows] == [high, low, own]
    rows = client.get(url, {"sort": "-operability"}).context["rows"]
    assert [row.project for row in rows] == [low, high, own]
    assert "Low" in client.get(url).content.decode()


def _scored_proposals(call, reviewer, count):
    """`count` proposals of `call`, "Proposal 00" scored 10 down to lower scores, two by two (equal pairs)."""
    for n in range(count):
        project = ProjectFactory(call=call, title=f"Proposal {n:02}", state=Project.State.UNDER_REVIEW)
        score = 10 - (n // 2) % 11
        ReviewFactory(project=project, reviewer=reviewer, public_benefit=score, operability=score, coverage=score)


def test_the_ranking_is_paginated_and_ranks_run_on(client, staff_user, reviewing_call, reviewer):
    _scored_proposals(reviewing_call, reviewer, 20)
    for n in range(20, 55):  # 35 more proposals with no review yet
        ProjectFactory(call=reviewing_call, title=f"Proposal {n:02}", state=Project.State.UNDER_REVIEW)
    client.force_login(staff_user)
    url = reverse("projects:ranking", args=[reviewing_call.pk])
    first = client.get(url)
    rows = first.context["rows"]
    assert first.context["page_obj"].paginator.count == 55 and len(rows) == 50
    # equal scores share a rank: 1, 1, 3, 3, 5, 5, …
    assert [row.rank for row in rows[:6]] == [1, 1, 3, 3, 5, 5]
    assert [row.project.title for row in rows[:3]] == ["Proposal 00", "Proposal 01", "Proposal 02"]
    assert [row.rank for row in rows[20:]] == [None] * 30
    content = first.content.decode()
    assert 'href="?page=2"' in content and "Page 1 of 2, 55 in all" in content

    second = client.get(url, {"page": 2})
    assert [row.project.title for row in second.context["rows"]] == [f"Proposal {n:02}" for n in range(50, 55)]

    # sorted by title, a page still shows each proposal's rank by score, and the sort stays in the page links
    by_title = client.get(url, {"sort": "-title"})
    rows = by_title.context["rows"]
    assert [(row.project.title, row.rank) for row in rows[-2:]] == [("Proposal 06", 7), ("Proposal 05", 5)]
    assert "?sort=-title&amp;page=2" in by_title.content.decode()
    rows = client.get(url, {"sort": "-title", "page": 2}).context["rows"]
    assert [(row.project.title, row.rank) for row in rows] == [
        ("Proposal 04", 5), ("Proposal 03", 3), ("Proposal 02", 3), ("Proposal 01", 1), ("Proposal 00", 1),
    ]
    assert client.get(url, {"page": 3}).context["page_obj"].number == 2  # past the end: the last page


@pytest.mark.parametrize("size", [3, 60])
def test_the_ranking_query_count_does_not_grow_with_data(
    client, staff_user, reviewing_call, reviewer, django_assert_num_queries, size
):
    other_reviewer = OrganizationAccountFactory().user
    reviewing_call.reviewers.add(other_reviewer)
    _scored_proposals(reviewing_call, reviewer, size)
    for project in Project.objects.for_call(reviewing_call)[:2]:
        ReviewFactory(project=project, reviewer=other_reviewer)
    client.force_login(staff_user)
    # session, user, call, its reviewers' organizations, count, page of proposals with their scores and rank,
    # the frame's account, reviewer and unread-notification lookups, and the staff session's sliding expiry
    # saved (an UPDATE the test transaction wraps in a savepoint): 10 queries on a running site
    with django_assert_num_queries(12):
        response = client.get(reverse("projects:ranking", args=[reviewing_call.pk]))
    assert len(response.context["rows"]) == min(size, 50)
    assert response.context["reviewer_count"] == 2


def test_staff_approve_and_reject_from_the_ranking(client, staff_user, proposal, django_capture_on_commit_callbacks):
    client.force_login(staff_user)
    url = reverse("projects:decide", args=[proposal.pk])
    response = client.post(url, {"decision": "reject", "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "approve", "reason": "Good value"})
    assert response.status_code == 302 and response.url == reverse("projects:ranking", args=[proposal.call_id])
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by, proposal.decision_reason) == ("approved", staff_user, "Good value")
    assert len(mail.outbox) == 1
    # deciding again is refused: nothing changes
    client.post(url, {"decision": "reject", "reason": "Changed my mind"})
    assert Project.objects.get(pk=proposal.pk).state == Project.State.APPROVED


def test_the_ranking_offers_a_decision_exactly_for_proposals_waiting_for_one(client, staff_user, reviewing_call):
    proposals = {
        state: ProjectFactory(call=reviewing_call, state=state, title=f"Proposal {state}")
        for state in Project.State
        if state != Project.State.DRAFT  # drafts are not proposals
    }
    client.force_login(staff_user)
    content = client.get(reverse("projects:ranking", args=[reviewing_call.pk])).content.decode()
    for project in proposals.values():
        assert (reverse("projects:decide", args=[project.pk]) in content) == project.is_decidable
    assert [project.state for project in proposals.values() if project.is_decidable] == ["under_review"]


@pytest.mark.parametrize("state", list(Project.State))
def test_the_decision_page_offers_the_form_only_while_a_decision_is_due(client, staff_user, reviewing_call, state):
    project = ProjectFactory(call=reviewing_call, state=state)
    client.force_login(staff_user)
    content = client.get(reverse("projects:decide", args=[project.pk])).content.decode()
    assert ('name="decision"' in content) == project.is_decidable
    assert ("not waiting for a decision" in content) == (not project.is_decidable)
    if not project.is_decidable:
        response = client.post(reverse("projects:decide", args=[project.pk]), {"decision": "approve"})
        assert response.status_code == 200 and "cannot become" in response.content.decode()
        assert Project.objects.get(pk=project.pk).state == state


def test_staff_move_the_call_from_the_ranking_page(client, staff_user, closed_call):
    client.force_login(staff_user)
    ranking = client.get(reverse("projects:ranking", args=[closed_call.pk])).content.decode()
    assert reverse("projects:call-close-early", args=[closed_call.pk]) not in ranking  # past its deadline
    url = reverse("projects:call-state", args=[closed_call.pk])
    client.post(url, {"to": "reviewing"})
    assert Call.objects.get(pk=closed_call.pk).state == Call.State.REVIEWING
    response = client.post(url, {"to": "draft"}, follow=True)
    assert "cannot become" in response.content.decode()
    assert client.post(url, {"to": "nonsense"}).status_code == 400


@pytest.mark.clock(2026, 6, 1, 10, 0, tick=False)
def test_closing_a_call_before_its_deadline_is_confirmed_on_a_page(client, staff_user, org, reviewer, clock):
    from tests.clock import shanghai

    call = CallFactory(title="Summer call", closes_at=shanghai(2026, 6, 11, 18, 0),
                       reviewers=[reviewer])
    submitted = ProjectFactory(organization=org, call=call, state=Project.State.SUBMITTED)
    ProjectFactory(organization=org, call=call, state=Project.State.DRAFT)
    client.force_login(staff_user)
    confirm_url = reverse("projects:call-close-early", args=[call.pk])
    ranking = client.get(reverse("projects:ranking", args=[call.pk])).content.decode()
    assert f'href="{confirm_url}"' in ranking  # a link to the confirmation, not a one-click form
    # a one-click POST (an old page, a crafted form) is sent to the confirmation too and changes nothing
    response = client.post(reverse("projects:call-state", args=[call.pk]), {"to": "reviewing"})
    assert response.status_code == 302 and response.url == confirm_url
    assert Call.objects.get(pk=call.pk).state == Call.State.OPEN

    page = client.get(confirm_url)
    content = page.content.decode()
    assert page.status_code == 200
    assert "This call accepts proposals until 2026-06-11 18:00" in content
    assert "1 submitted proposal goes under review" in content
    assert "1 draft naming this call can no longer be submitted" in content
    assert "1 reviewer is told to start scoring" in content
    assert '<form method="post"' in content

    response = client.post(confirm_url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("projects:ranking", args=[call.pk])
    assert "is closed and its review has started" in response.content.decode()
    call.refresh_from_db()
    assert call.state == Call.State.REVIEWING
    assert call.closes_at == timezone.now() == shanghai(2026, 6, 1, 10, 0)  # closed when staff confirmed
    assert Project.objects.get(pk=submitted.pk).state == Project.State.UNDER_REVIEW
    # nothing left to confirm: back to the ranking
    assert client.get(confirm_url).url == reverse("projects:ranking", args=[call.pk])


def test_the_early_closing_page_is_for_staff_only(client, org_user, reviewer, open_call):
    url = reverse("projects:call-close-early", args=[open_call.pk])
    assert login_redirect(client.get(url), url)
    for user in (org_user, reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    assert Call.objects.get(pk=open_call.pk).state == Call.State.OPEN


# Admin


@pytest.mark.parametrize("model", ["call", "project", "review", "communityneed", "needresponse"])
def test_admin_lists_work_for_staff(admin_client, model):
    ReviewFactory(project=ProjectFactory(call=CallFactory(), state=Project.State.UNDER_REVIEW))
    NeedResponseFactory()
    response = admin_client.get(reverse(f"admin:projects_{model}_changelist"))
    assert response.status_code == 200


def test_admin_accepts_a_response_and_rejects_with_a_reason(admin_client, proposal, org):
    response = NeedResponseFactory(organization=org)
    admin_client.post(
        reverse("admin:projects_needresponse_changelist"),
        {"action": "accept", "_selected_action": [response.pk]},
    )
    assert CommunityNeed.objects.get().state == CommunityNeed.State.MATCHED
    changelist = reverse("admin:projects_project_changelist")
    page = admin_client.post(changelist, {"action": "reject", "_selected_action": [proposal.pk]})
    assert page.status_code == 200 and "reason" in page.content.decode()
    admin_client.post(changelist, {"action": "reject", "_selected_action": [proposal.pk], "apply": "1",
                                   "reason": "Out of scope"})
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decision_reason) == ("rejected", "Out of scope")


@pytest.mark.parametrize("state", list(Project.State))
def test_the_admin_shows_the_street_offices_next_steps(admin_client, state):
    project = ProjectFactory(state=state)
    content = admin_client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    labels = [str(action.label) for action in project.available_actions(Project.Actor.STAFF)]
    assert (" · ".join(labels) or "—") in content


def test_admin_state_actions_go_through_the_service_and_report_refusals(admin_client, org):
    draft = ProjectFactory(organization=org, title="Still a draft")
    approved = ProjectFactory(organization=org, state=Project.State.APPROVED)
    changelist = reverse("admin:projects_project_changelist")
    response = admin_client.post(
        changelist, {"action": "start", "_selected_action": [draft.pk, approved.pk]}, follow=True
    )
    content = response.content.decode()
    assert "1 item changed." in content
    assert "Still a draft: A project that is “Draft” cannot become “In progress”." in content
    assert Project.objects.get(pk=approved.pk).state == Project.State.IN_PROGRESS
    assert Project.objects.get(pk=draft.pk).state == Project.State.DRAFT
    assert approved.changes.get().changed_by.is_superuser


def test_the_admin_does_not_close_a_call_early_with_one_click(admin_client, open_call, closed_call):
    response = admin_client.post(
        reverse("admin:projects_call_changelist"),
        {"action": "start_review", "_selected_action": [open_call.pk, closed_call.pk]},
        follow=True,
    )
    content = response.content.decode()
    assert "1 item changed." in content
    assert "confirm closing it early on its ranking page first." in content
    assert Call.objects.get(pk=open_call.pk).state == Call.State.OPEN
    assert Call.objects.get(pk=closed_call.pk).state == Call.State.REVIEWING


def test_no_project_template_decides_by_comparing_state_strings():
    """Templates ask the model (available_actions, is_decidable, is_editable…), never `state == "…"`."""
    from pathlib import Path

    import projects

    templates = Path(projects.__file__).parent / "templates"
    offending = [
        f"{path.relative_to(templates)}: {line.strip()[:80]}"
        for path in templates.rglob("*.html")
        for line in path.read_text().splitlines()
        if re.search(r"\.state\s*(==|!=|in\b)|state\s*==", line)
    ]
    assert offending == []


def test_one_proposal_from_draft_to_a_public_project_page(client, org_user, staff_user, reviewer, open_call):
    """The issue's walk-through: draft, submit, review, ranking, approval, progress, public page."""
    client.force_login(org_user)
    client.post(reverse("projects:manage-create"), {
        "call": open_call.pk, "title": "Night pick-up point", "summary": "Food for late workers",
        "service_field": "poverty_food", "funding_source": "federation_fund",
    })
    project = Project.objects.get()
    client.post(reverse("projects:manage-submit", args=[project.pk]))

    client.force_login(staff_user)
    client.post(reverse("projects:call-close-early", args=[open_call.pk]))  # before its deadline: confirmed

    client.force_login(reviewer)
    client.post(reverse("projects:review-proposal", args=[project.pk]),
                {"public_benefit": 9, "operability": 8, "coverage": 7, "comment": "Fund it"})

    client.force_login(staff_user)
    ranking = client.get(reverse("projects:ranking", args=[open_call.pk]))
    assert ranking.context["rows"][0].summary.weighted_mean == pytest.approx(8.0)
    client.post(reverse("projects:decide", args=[project.pk]), {"decision": "approve", "reason": "Well planned"})
    client.post(reverse("projects:call-state", args=[open_call.pk]), {"to": "decided"})
    assert Call.objects.get().state == Call.State.DECIDED

    client.force_login(org_user)
    assert "8.00" in client.get(reverse("projects:manage-detail", args=[project.pk])).content.decode()
    client.post(reverse("projects:manage-transition", args=[project.pk]), {"to": "in_progress"})
    client.post(reverse("projects:manage-update", args=[project.pk]),
                {"on": "2026-05-01", "text": "First evening: 12 families", "beneficiaries_reached": 12})

    client.logout()
    page = client.get(reverse("projects:detail", args=[Project.objects.get().slug]))
    assert page.status_code == 200
    assert "First evening: 12 families" in page.content.decode()
    assert "Night pick-up point" in client.get(reverse("projects:list")).content.decode()
    assert [c.to_state for c in Project.objects.get().changes.order_by("pk")] == [
        "submitted", "under_review", "approved", "in_progress"
    ]


@pytest.mark.parametrize("others", [1, 8])
def test_the_admin_project_page_offers_only_its_own_updates_for_a_photo(
    client, staff_user, django_assert_num_queries, others
):
    from tests.projects.factories import ProgressUpdateFactory

    own = ProgressUpdateFactory()
    ProgressUpdateFactory.create_batch(others)  # updates of other projects: neither choices nor queries
    client.force_login(staff_user)
    url = reverse("admin:projects_project_change", args=[own.project.pk])
    client.get(url)
    with django_assert_num_queries(15):
        response = client.get(url)
    choices = response.context["inline_admin_formsets"][0].formset.forms[0].fields["update"].queryset
    assert list(choices) == [own]
