import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

from core.models import Notification
from projects import services
from projects.models import Call, CommunityNeed, NeedResponse, Project, ProjectStateChange, Review
from tests.members.factories import MembershipFactory, OrganizationFactory

from .factories import (
    CallFactory,
    CommunityNeedFactory,
    NeedResponseFactory,
    ProjectFactory,
    PublicProjectFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


def recipients():
    return {address for message in mail.outbox for address in message.to}


def tiny_jpeg():
    output = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(output, format="JPEG")
    return SimpleUploadedFile("photo.jpg", output.getvalue(), content_type="image/jpeg")


# Submitting


def test_submitting_a_draft_to_an_open_call_records_who_did_it(draft, org_user):
    services.submit_project(draft, acting_user=org_user)
    draft.refresh_from_db()
    assert draft.state == Project.State.SUBMITTED
    assert draft.submitted_at is not None
    change = draft.changes.get()
    assert (change.from_state, change.to_state, change.changed_by) == ("draft", "submitted", org_user)


def test_submitting_after_the_deadline_is_refused_and_changes_nothing(org, org_user, closed_call):
    project = ProjectFactory(organization=org, call=closed_call)
    with pytest.raises(ValidationError) as error:
        services.submit_project(project, acting_user=org_user)
    assert "closed on" in error.value.messages[0]
    project.refresh_from_db()
    assert project.state == Project.State.DRAFT
    assert project.submitted_at is None
    assert not ProjectStateChange.objects.exists()


@pytest.mark.parametrize(
    "call_kwargs",
    [
        {"state": Call.State.DRAFT},
        {"state": Call.State.REVIEWING},
        {"opens_at": timezone.now() + timedelta(days=1), "closes_at": timezone.now() + timedelta(days=5)},
    ],
    ids=["draft call", "call under review", "call not yet open"],
)
def test_submitting_to_a_call_that_does_not_accept_proposals_is_refused(org, org_user, call_kwargs):
    project = ProjectFactory(organization=org, call=CallFactory(**call_kwargs))
    with pytest.raises(ValidationError):
        services.submit_project(project, acting_user=org_user)
    assert Project.objects.get(pk=project.pk).state == Project.State.DRAFT


def test_submitting_without_a_call_is_refused(org, org_user):
    project = ProjectFactory(organization=org)
    with pytest.raises(ValidationError, match="call"):
        services.submit_project(project, acting_user=org_user)


def test_suspended_members_cannot_submit(open_call):
    organization = OrganizationFactory()
    MembershipFactory(organization=organization, status="suspended")
    project = ProjectFactory(organization=organization, call=open_call)
    with pytest.raises(ValidationError, match="member"):
        services.submit_project(project, acting_user=None)
    assert Project.objects.get(pk=project.pk).state == Project.State.DRAFT


def test_a_submitted_proposal_can_be_withdrawn_to_draft(draft, org_user):
    services.submit_project(draft, acting_user=org_user)
    services.withdraw_project(draft, acting_user=org_user)
    assert Project.objects.get(pk=draft.pk).state == Project.State.DRAFT


# The state machine


@pytest.mark.parametrize(
    ("from_state", "to_state"),
    [
        ("draft", "approved"),
        ("draft", "in_progress"),
        ("submitted", "approved"),
        ("rejected", "approved"),
        ("rejected", "in_progress"),
        ("approved", "completed"),
        ("completed", "in_progress"),
        ("in_progress", "draft"),
    ],
)
def test_invalid_transitions_are_refused_with_a_clear_error(org, staff_user, from_state, to_state):
    project = ProjectFactory(organization=org, state=from_state)
    with pytest.raises(ValidationError) as error:
        services.change_project_state(
            project, to_state, acting_user=staff_user, as_actor=Project.Actor.STAFF, reason="because"
        )
    assert "cannot become" in error.value.messages[0]
    assert Project.objects.get(pk=project.pk).state == from_state
    assert not ProjectStateChange.objects.exists()


@pytest.mark.parametrize("actor", list(Project.Actor))
@pytest.mark.parametrize("from_state", list(Project.State))
def test_the_service_makes_exactly_the_changes_the_model_allows_the_actor(
    org, org_user, staff_user, open_call, from_state, actor
):
    """Every (from, to) pair for each actor: allowed ones happen and are recorded, the others are refused with a
    message that says why, and change nothing."""
    user = org_user if actor == Project.Actor.ORGANIZATION else staff_user
    for to_state in Project.State:
        project = ProjectFactory(organization=org, call=open_call, state=from_state)
        if project.can_change_to(to_state, actor):
            services.change_project_state(project, to_state, acting_user=user, as_actor=actor, reason="because")
            assert Project.objects.get(pk=project.pk).state == to_state
            assert project.changes.get().changed_by == user
            continue
        with pytest.raises(ValidationError) as error:
            services.change_project_state(project, to_state, acting_user=user, as_actor=actor, reason="because")
        message = error.value.messages[0]
        if project.can_change_to(to_state):
            other = "the street office" if actor == Project.Actor.ORGANIZATION else "the project's organization"
            assert message.startswith(f"Only {other} can change a project from")
        else:
            assert "cannot become" in message
        assert Project.objects.get(pk=project.pk).state == from_state
        assert not project.changes.exists()


def test_a_refused_change_says_why_in_english_and_chinese(proposal, org_user):
    with pytest.raises(ValidationError) as error:
        services.change_project_state(
            proposal, Project.State.APPROVED, acting_user=org_user, as_actor=Project.Actor.ORGANIZATION
        )
    assert error.value.messages == [
        "Only the street office can change a project from “Under review” to “Approved”."
    ]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.withdraw_project(ProjectFactory(state=Project.State.APPROVED), acting_user=org_user)
    assert error.value.messages == ["项目当前为“已立项”，不能变更为“草稿”。"]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.change_project_state(
            proposal, Project.State.REJECTED, acting_user=org_user, as_actor=Project.Actor.ORGANIZATION
        )
    assert error.value.messages == ["只有街道办才能将项目从“评审中”变更为“未通过”。"]


def test_a_state_change_writes_only_the_fields_it_changes(draft, org_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.submit_project(draft, acting_user=org_user)
    (update,) = [query["sql"] for query in queries if query["sql"].startswith('UPDATE "projects_project"')]
    assert '"state"' in update and '"submitted_at"' in update
    assert '"title"' not in update and '"summary"' not in update and '"is_brand"' not in update


def test_a_project_lives_from_review_to_completion_and_every_step_is_recorded(
    proposal, staff_user, org_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_project(proposal, acting_user=staff_user, reason="Strong public benefit.")
    organization = Project.Actor.ORGANIZATION
    services.change_project_state(proposal, Project.State.IN_PROGRESS, acting_user=org_user, as_actor=organization)
    services.change_project_state(proposal, Project.State.COMPLETED, acting_user=org_user, as_actor=organization)
    proposal.refresh_from_db()
    assert proposal.state == Project.State.COMPLETED
    assert proposal.decided_by == staff_user
    assert proposal.decision_reason == "Strong public benefit."
    history = list(proposal.changes.order_by("pk").values_list("from_state", "to_state", "changed_by"))
    assert history == [
        ("under_review", "approved", staff_user.pk),
        ("approved", "in_progress", org_user.pk),
        ("in_progress", "completed", org_user.pk),
    ]
    # the organization's address and its administrator, who also finds it in the portal inbox
    assert recipients() == {proposal.organization.email, org_user.email}
    assert Notification.objects.get(recipient=org_user).kind == "project_decided"


@pytest.mark.clock(2026, 3, 31, 23, 30)
@pytest.mark.parametrize("as_actor", list(Project.Actor))
def test_a_project_cannot_be_completed_before_its_start_date(org, staff_user, as_actor, clock):
    from datetime import date

    project = ProjectFactory(
        organization=org, title="Spring walks", state=Project.State.IN_PROGRESS, starts_on=date(2026, 4, 1)
    )
    with pytest.raises(ValidationError) as refused:
        services.change_project_state(project, Project.State.COMPLETED, acting_user=staff_user, as_actor=as_actor)
    assert refused.value.messages == [
        "“Spring walks” starts on 2026-04-01: a project cannot be completed before it starts."
    ]
    assert Project.objects.get(pk=project.pk).state == Project.State.IN_PROGRESS
    assert not project.changes.exists()
    clock.move_to(2026, 4, 1, 0, 0)  # its first day (Shanghai time): it may be completed
    services.change_project_state(project, Project.State.COMPLETED, acting_user=staff_user, as_actor=as_actor)
    assert Project.objects.get(pk=project.pk).state == Project.State.COMPLETED


def test_rejecting_needs_a_reason(proposal, staff_user):
    with pytest.raises(ValidationError, match="reason"):
        services.reject_project(proposal, acting_user=staff_user, reason="  ")
    assert Project.objects.get(pk=proposal.pk).state == Project.State.UNDER_REVIEW


def test_the_decision_mail_carries_the_reason_and_score_summary(
    proposal, staff_user, reviewer, django_capture_on_commit_callbacks
):
    ReviewFactory(project=proposal, reviewer=reviewer, public_benefit=9, operability=6, coverage=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_project(proposal, acting_user=staff_user, reason="Budget too high.")
    body = mail.outbox[0].body
    assert "Budget too high." in body
    assert "6.00 / 10" in body  # weighted score with equal weights
    assert "Night pick-up point" in mail.outbox[0].subject


# Calls


def test_starting_the_review_puts_submitted_proposals_under_review_and_tells_reviewers(
    closed_call, org, staff_user, reviewer, django_capture_on_commit_callbacks
):
    submitted = ProjectFactory(organization=org, call=closed_call, state=Project.State.SUBMITTED)
    draft = ProjectFactory(organization=org, call=closed_call)
    closes_at = closed_call.closes_at
    with django_capture_on_commit_callbacks(execute=True):
        services.change_call_state(closed_call, Call.State.REVIEWING, acting_user=staff_user)
    call = Call.objects.get(pk=closed_call.pk)
    assert (call.state, call.closes_at) == (Call.State.REVIEWING, closes_at)  # closed on time: dates unchanged
    assert Project.objects.get(pk=submitted.pk).state == Project.State.UNDER_REVIEW
    assert Project.objects.get(pk=draft.pk).state == Project.State.DRAFT
    assert recipients() == {reviewer.email}
    assert f"/review/calls/{closed_call.pk}/" in mail.outbox[0].body


def test_starting_the_review_before_the_deadline_needs_confirmation_and_closes_the_call_now(
    open_call, org, staff_user
):
    submitted = ProjectFactory(organization=org, call=open_call, state=Project.State.SUBMITTED)
    with pytest.raises(ValidationError, match="confirm closing it early on its ranking page") as refused:
        services.change_call_state(open_call, Call.State.REVIEWING, acting_user=staff_user)
    assert refused.value.code == "before_deadline"
    assert Call.objects.get(pk=open_call.pk).state == Call.State.OPEN
    assert Project.objects.get(pk=submitted.pk).state == Project.State.SUBMITTED
    before = timezone.now()
    services.change_call_state(open_call, Call.State.REVIEWING, acting_user=staff_user, close_early=True)
    call = Call.objects.get(pk=open_call.pk)
    assert call.state == Call.State.REVIEWING
    assert before <= call.closes_at <= timezone.now()
    assert Project.objects.get(pk=submitted.pk).state == Project.State.UNDER_REVIEW


def test_a_call_that_has_not_opened_yet_keeps_its_dates_when_closed_early(staff_user):
    call = CallFactory(opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=9))
    services.change_call_state(call, Call.State.REVIEWING, acting_user=staff_user, close_early=True)
    assert Call.objects.get(pk=call.pk).closes_at == call.closes_at


def test_a_call_is_decided_only_when_no_proposal_waits(proposal, staff_user):
    call = proposal.call
    with pytest.raises(ValidationError, match="1 proposal"):
        services.change_call_state(call, Call.State.DECIDED, acting_user=staff_user)
    services.approve_project(proposal, acting_user=staff_user)
    services.change_call_state(call, Call.State.DECIDED, acting_user=staff_user)
    assert Call.objects.get(pk=call.pk).state == Call.State.DECIDED


def test_calls_cannot_skip_states(staff_user):
    call = CallFactory(state=Call.State.DRAFT)
    with pytest.raises(ValidationError, match="cannot become"):
        services.change_call_state(call, Call.State.DECIDED, acting_user=staff_user)


# Reviews


def test_a_reviewer_scores_once_and_can_change_the_scores_until_the_decision(proposal, reviewer, staff_user):
    services.save_review(proposal, reviewer=reviewer, public_benefit=7, operability=6, coverage=5, comment="Good")
    services.save_review(proposal, reviewer=reviewer, public_benefit=9, operability=6, coverage=5, comment="Better")
    review = Review.objects.get()
    assert (review.public_benefit, review.comment) == (9, "Better")
    services.approve_project(proposal, acting_user=staff_user)
    with pytest.raises(ValidationError, match="under review"):
        services.save_review(proposal, reviewer=reviewer, public_benefit=1, operability=1, coverage=1)
    assert Review.objects.get().public_benefit == 9


def test_reviewers_not_assigned_to_the_call_cannot_review(proposal, other_org_user):
    with pytest.raises(PermissionDenied):
        services.save_review(proposal, reviewer=other_org_user, public_benefit=5, operability=5, coverage=5)
    assert not Review.objects.exists()


def test_a_reviewer_cannot_review_a_proposal_of_their_own_organization(proposal, org_editor):
    proposal.call.reviewers.add(org_editor)
    with pytest.raises(PermissionDenied, match="own organization"):
        services.save_review(proposal, reviewer=org_editor, public_benefit=10, operability=10, coverage=10)
    assert not Review.objects.exists()


def test_a_reviewer_from_another_organization_may_review(proposal, other_org_user):
    proposal.call.reviewers.add(other_org_user)
    services.save_review(proposal, reviewer=other_org_user, public_benefit=4, operability=5, coverage=6)
    assert Review.objects.get().reviewer == other_org_user


def test_scores_above_ten_are_refused(proposal, reviewer):
    with pytest.raises(ValidationError):
        services.save_review(proposal, reviewer=reviewer, public_benefit=11, operability=5, coverage=5)
    assert not Review.objects.exists()


# Progress and marks


def test_progress_updates_with_photos_only_once_approved(org, org_user):
    running = PublicProjectFactory(organization=org)
    update = services.post_progress_update(
        running, acting_user=org_user, text="Lunch for 30", beneficiaries_reached=30, photos=[tiny_jpeg(), None]
    )
    assert update.photos.count() == 1
    assert running.photos.count() == 1
    assert Project.objects.get(pk=running.pk).beneficiaries_reached == 30
    with pytest.raises(ValidationError):
        services.post_progress_update(ProjectFactory(organization=org), acting_user=org_user, text="Too early")


def test_only_public_projects_can_be_marked_brand_or_selected(org, staff_user):
    running = PublicProjectFactory(organization=org)
    services.set_project_flags(running, acting_user=staff_user, is_brand=True, is_selected=True)
    running.refresh_from_db()
    assert running.is_brand and running.is_selected
    with pytest.raises(ValidationError):
        services.set_project_flags(ProjectFactory(organization=org), acting_user=staff_user, is_brand=True)


# Community needs


def test_member_organizations_respond_once_to_an_open_need(org, org_user, other_org, staff_user,
                                                          django_capture_on_commit_callbacks):
    need = CommunityNeedFactory()
    own_project = PublicProjectFactory(organization=org)
    with django_capture_on_commit_callbacks(execute=True):
        response = services.respond_to_need(
            need, organization=org, acting_user=org_user, message="We can help", project=own_project
        )
    assert response.project == own_project
    assert staff_user.email in recipients()
    with pytest.raises(ValidationError, match="already"):
        services.respond_to_need(need, organization=org, acting_user=org_user, message="Again")
    with pytest.raises(ValidationError, match="own"):
        services.respond_to_need(
            need, organization=other_org, acting_user=None, message="Theirs", project=own_project
        )


def test_accepting_a_response_matches_the_need(org, other_org, staff_user, django_capture_on_commit_callbacks):
    need = CommunityNeedFactory()
    chosen = NeedResponseFactory(need=need, organization=org)
    other = NeedResponseFactory(need=need, organization=other_org)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_need_response(chosen, acting_user=staff_user)
    need.refresh_from_db()
    assert need.state == CommunityNeed.State.MATCHED
    assert need.accepted_response.organization == org
    assert NeedResponse.objects.get(pk=chosen.pk).accepted_by == staff_user
    assert org.email in recipients()
    with pytest.raises(ValidationError, match="only open needs"):
        services.accept_need_response(other, acting_user=staff_user)
    with pytest.raises(ValidationError, match="no longer open"):
        services.respond_to_need(need, organization=OrganizationFactory(), acting_user=None, message="Late")


def test_a_closed_matched_need_keeps_its_match(org, staff_user):
    need = CommunityNeedFactory()
    services.accept_need_response(NeedResponseFactory(need=need, organization=org), acting_user=staff_user)
    services.close_need(need, acting_user=staff_user)
    need = CommunityNeed.objects.for_board().get(pk=need.pk)
    assert need.state == CommunityNeed.State.CLOSED
    assert need.accepted_response.organization == org
    with pytest.raises(ValidationError):
        services.close_need(need, acting_user=staff_user)


def test_opening_a_call_tells_every_member_organization(org_user, other_org_user, staff_user,
                                                        django_capture_on_commit_callbacks):
    call = CallFactory(state=Call.State.DRAFT, title="Community projects 2027")
    with django_capture_on_commit_callbacks(execute=True):
        services.change_call_state(call, Call.State.OPEN, acting_user=staff_user)
    assert recipients() == {org_user.email, other_org_user.email}
    assert "Community projects 2027" in mail.outbox[0].subject
    assert Notification.objects.filter(kind="call_opened").count() == 2


# Who did it: every service that takes acting_user records it, also when no page called it


def test_state_changes_name_the_acting_user_in_the_projects_history(proposal, staff_user):
    services.approve_project(proposal, acting_user=staff_user)
    assert proposal.history.first().history_user == staff_user


def test_marking_a_project_records_who_marked_it(org, staff_user):
    running = PublicProjectFactory(organization=org)
    services.set_project_flags(running, acting_user=staff_user, is_brand=True)
    latest = running.history.first()
    assert (latest.is_brand, latest.history_user) == (True, staff_user)


def test_moving_a_call_records_who_moved_it(closed_call, staff_user):
    services.change_call_state(closed_call, Call.State.REVIEWING, acting_user=staff_user)
    latest = closed_call.history.first()
    assert (latest.state, latest.history_user) == (Call.State.REVIEWING, staff_user)


def test_matching_and_closing_a_need_record_who_did_it(org, staff_user):
    need = CommunityNeedFactory()
    services.accept_need_response(NeedResponseFactory(need=need, organization=org), acting_user=staff_user)
    assert (need.history.first().state, need.history.first().history_user) == ("matched", staff_user)
    services.close_need(need, acting_user=staff_user)
    assert (need.history.first().state, need.history.first().history_user) == ("closed", staff_user)


def test_a_review_records_its_reviewer_in_the_history(proposal, reviewer):
    review = services.save_review(proposal, reviewer=reviewer, public_benefit=7, operability=6, coverage=5)
    assert review.history.first().history_user == reviewer
