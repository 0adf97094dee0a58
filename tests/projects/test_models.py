from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from django.db import IntegrityError
from django.utils import timezone

from projects import scoring
from projects.models import Call, Criterion, Project
from tests.members.factories import OrganizationFactory, UserFactory

from .factories import CallFactory, ProjectFactory, ReviewFactory

EQUAL = {Criterion.PUBLIC_BENEFIT: 1, Criterion.OPERABILITY: 1, Criterion.COVERAGE: 1}
BENEFIT_DOUBLE = {Criterion.PUBLIC_BENEFIT: 2, Criterion.OPERABILITY: 1, Criterion.COVERAGE: 1}


def review(public_benefit, operability, coverage):
    return SimpleNamespace(
        scores={
            Criterion.PUBLIC_BENEFIT: public_benefit,
            Criterion.OPERABILITY: operability,
            Criterion.COVERAGE: coverage,
        }
    )


# Score math


def test_equal_weights_give_the_plain_mean_of_the_criteria():
    assert scoring.weighted_score(review(9, 6, 3).scores, EQUAL) == 6


def test_weights_count_a_criterion_more():
    # (2×9 + 6 + 3) / 4
    assert scoring.weighted_score(review(9, 6, 3).scores, BENEFIT_DOUBLE) == pytest.approx(6.75)


def test_all_zero_weights_are_refused():
    with pytest.raises(ValueError):
        scoring.weighted_score(review(9, 6, 3).scores, dict.fromkeys(EQUAL, 0))


def test_summary_of_several_reviews():
    summary = scoring.summarize([review(10, 8, 6), review(6, 4, 2)], BENEFIT_DOUBLE, expected=3)
    # weighted: (20+8+6)/4 = 8.5 and (12+4+2)/4 = 4.5
    assert summary.count == 2
    assert summary.weighted_mean == pytest.approx(6.5)
    assert summary.criterion_means[Criterion.PUBLIC_BENEFIT] == 8
    assert summary.criterion_means[Criterion.OPERABILITY] == 6
    assert summary.criterion_means[Criterion.COVERAGE] == 4
    assert summary.spread == pytest.approx(4.0)
    assert summary["coverage"] == 4  # how templates read it
    assert not summary.is_complete


def test_missing_reviews_are_not_zeros():
    """A proposal reviewed by one reviewer of three is scored on that review alone."""
    summary = scoring.summarize([review(8, 8, 8)], EQUAL, expected=3)
    assert summary.weighted_mean == 8
    assert summary.count == 1
    assert summary.spread == 0


def test_no_review_means_no_score():
    summary = scoring.summarize([], EQUAL, expected=2)
    assert summary.count == 0
    assert summary.weighted_mean is None
    assert summary.spread is None
    assert summary.criterion_means[Criterion.COVERAGE] is None


# Ranking in the database (ProjectQuerySet.ranked)


def _reviewed(call, title, *scores):
    """A proposal of `call` with one review per (public benefit, operability, coverage) triple."""
    project = ProjectFactory(call=call, title=title, state=Project.State.UNDER_REVIEW)
    for public_benefit, operability, coverage in scores:
        ReviewFactory(project=project, public_benefit=public_benefit, operability=operability, coverage=coverage)
    return project


def _ranked(call, sort="-weighted"):
    proposals = Project.objects.for_call(call).ranked(call.weights, sort=sort)
    return [scoring.ranking_row(project, call.reviewer_organization_ids()) for project in proposals]


@pytest.mark.django_db
def test_ranking_by_weighted_mean_with_unscored_last_and_shared_ranks():
    call = CallFactory(state=Call.State.REVIEWING)
    _reviewed(call, "Unscored")
    _reviewed(call, "Low", (2, 2, 2))
    _reviewed(call, "High", (9, 9, 9), (7, 7, 7))  # 8
    _reviewed(call, "Tie", (8, 8, 8))  # 8
    ProjectFactory(call=call, title="Draft")  # drafts are not proposals yet
    rows = _ranked(call)
    # equal scores share a rank and are listed by title
    assert [row.project.title for row in rows] == ["High", "Tie", "Low", "Unscored"]
    assert [row.rank for row in rows] == [1, 1, 3, None]
    assert [row.summary.count for row in rows] == [2, 1, 1, 0]


@pytest.mark.django_db
def test_ranking_sorts_by_any_column_and_direction():
    call = CallFactory(state=Call.State.REVIEWING)
    _reviewed(call, "B", (9, 1, 1), (1, 1, 1))  # spread large
    _reviewed(call, "A", (5, 5, 5))
    _reviewed(call, "C")

    def titles(sort):
        return [row.project.title for row in _ranked(call, sort)]

    assert titles("title") == ["A", "B", "C"]
    assert titles("-title") == ["C", "B", "A"]
    assert titles("-spread") == ["B", "A", "C"]
    assert titles("spread") == ["A", "B", "C"]
    assert titles("-count") == ["B", "A", "C"]
    assert titles("count") == ["C", "A", "B"]
    assert titles("public_benefit") == ["A", "B", "C"]  # 5 and 5: the tie goes by title
    # an unknown sort falls back to the weighted mean; the rank follows the weighted mean whatever the order
    assert titles("nonsense") == ["A", "B", "C"]
    assert [(row.project.title, row.rank) for row in _ranked(call, "title")] == [("A", 1), ("B", 2), ("C", None)]


@pytest.mark.django_db
def test_ranking_figures_match_the_score_math():
    """The database computes what projects.scoring computes in Python, with the call's weights."""
    call = CallFactory(state=Call.State.REVIEWING, weight_public_benefit=2, weight_operability=1, weight_coverage=3)
    project = _reviewed(call, "Mixed", (10, 8, 6), (6, 4, 2), (7, 0, 9))
    (row,) = _ranked(call)
    expected = scoring.summarize(project.reviews.all(), call.weights)
    assert row.summary.count == expected.count == 3
    assert row.summary.weighted_mean == pytest.approx(expected.weighted_mean)
    assert row.summary.spread == pytest.approx(expected.spread)
    for criterion in Criterion:
        assert row.summary.criterion_means[criterion] == pytest.approx(expected.criterion_means[criterion])
    assert row.summary["coverage"] == pytest.approx(17 / 3)


# Calls


@pytest.mark.django_db
def test_call_accepts_proposals_only_while_open_and_before_the_deadline():
    now = timezone.now()
    call = CallFactory(opens_at=now - timedelta(days=1), closes_at=now + timedelta(hours=1))
    assert call.is_accepting(now)
    assert not call.is_accepting(now + timedelta(hours=1))  # the deadline itself is too late
    assert not call.is_accepting(now - timedelta(days=2))
    call.state = Call.State.REVIEWING
    assert not call.is_accepting(now)
    call.save()
    assert not Call.objects.accepting().exists()


@pytest.mark.django_db
def test_draft_calls_are_not_public_and_weights_default_to_equal():
    draft = CallFactory(state=Call.State.DRAFT)
    assert draft.weights == EQUAL
    assert [label for label, percent in draft.weight_percentages] == ["Public benefit", "Operability", "Coverage"]
    assert [percent for label, percent in draft.weight_percentages] == [34, 33, 33]  # adds up to 100
    assert draft not in Call.objects.public()


@pytest.mark.parametrize(
    ("weights", "shown"),
    [((1, 1, 1), [34, 33, 33]), ((2, 1, 1), [50, 25, 25]), ((1, 1, 4), [17, 17, 66]), ((0, 0, 3), [0, 0, 100]),
     ((3, 3, 1), [43, 43, 14]), ((1, 2, 4), [14, 29, 57])],
)
def test_the_rubric_percentages_add_up_to_100(weights, shown):
    call = Call(weight_public_benefit=weights[0], weight_operability=weights[1], weight_coverage=weights[2])
    assert [percent for label, percent in call.weight_percentages] == shown
    assert sum(shown) == 100


@pytest.mark.django_db
def test_reviewers_see_only_their_calls():
    reviewer, other = UserFactory(), UserFactory()
    mine = CallFactory(reviewers=[reviewer])
    CallFactory(reviewers=[other])
    assert list(Call.objects.assigned_to(reviewer)) == [mine]


# Projects


@pytest.mark.django_db
def test_only_approved_running_and_completed_projects_of_public_organizations_are_public():
    projects = {state: ProjectFactory(state=state) for state in Project.State}
    hidden_org = OrganizationFactory(is_public=False)
    ProjectFactory(organization=hidden_org, state=Project.State.IN_PROGRESS)
    public = set(Project.objects.public())
    assert public == {projects[s] for s in (Project.State.APPROVED, Project.State.IN_PROGRESS, Project.State.COMPLETED)}


@pytest.mark.django_db
@pytest.mark.parametrize("organization_is_public", [True, False], ids=["public organization", "hidden organization"])
@pytest.mark.parametrize("state", list(Project.State))
def test_is_public_and_the_public_queryset_are_one_rule(state, organization_is_public):
    project = ProjectFactory(state=state, organization=OrganizationFactory(is_public=organization_is_public))
    in_queryset = Project.objects.public().filter(pk=project.pk).exists()
    assert project.is_public == in_queryset
    assert Project.objects.get(pk=project.pk).is_public == in_queryset
    assert in_queryset == (state in Project.PUBLIC_STATES and organization_is_public)


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(Call.State))
def test_a_call_is_public_exactly_when_the_public_queryset_lists_it(state):
    call = CallFactory(state=state)
    assert call.is_public == Call.objects.public().filter(pk=call.pk).exists()


def test_state_machine():
    project = Project(state=Project.State.DRAFT)
    assert project.can_change_to(Project.State.SUBMITTED)
    assert not project.can_change_to(Project.State.APPROVED)
    project.state = Project.State.UNDER_REVIEW
    assert project.can_change_to(Project.State.APPROVED) and project.can_change_to(Project.State.REJECTED)
    project.state = Project.State.REJECTED
    assert not any(project.can_change_to(state) for state in Project.State)


def test_every_state_has_its_transitions_and_every_change_a_label_and_someone_to_make_it():
    assert set(Project.TRANSITIONS) == set(Project.State)
    for targets in Project.TRANSITIONS.values():
        for state, actors in targets.items():
            assert state in Project.ACTION_LABELS
            assert actors and actors <= set(Project.Actor)


@pytest.mark.parametrize("actor", list(Project.Actor))
@pytest.mark.parametrize("state", list(Project.State))
def test_available_actions_are_the_transitions_the_actor_makes(state, actor):
    project = Project(state=state, call_id=1)
    expected = [to for to, actors in Project.TRANSITIONS[state].items() if actor in actors]
    assert [action.to for action in project.available_actions(actor)] == expected
    assert all(project.can_change_to(action.to, actor) for action in project.available_actions(actor))
    assert [action.label for action in project.available_actions(actor)] == [
        Project.ACTION_LABELS[to] for to in expected
    ]


def test_who_makes_which_change():
    organization, staff = Project.Actor.ORGANIZATION, Project.Actor.STAFF
    draft = Project(state=Project.State.DRAFT, call_id=1)
    assert [action.to for action in draft.available_actions(organization)] == [Project.State.SUBMITTED]
    assert draft.available_actions(staff) == []
    assert Project(state=Project.State.DRAFT).available_actions(organization) == []  # no call chosen yet
    under_review = Project(state=Project.State.UNDER_REVIEW)
    assert under_review.available_actions(organization) == []
    assert [action.to for action in under_review.available_actions(staff)] == ["approved", "rejected"]
    assert under_review.is_decidable and not draft.is_decidable
    approved = Project(state=Project.State.APPROVED)
    assert approved.can_change_to(Project.State.IN_PROGRESS, organization)
    assert approved.can_change_to(Project.State.IN_PROGRESS, staff)
    assert Project.is_action_of(organization, "draft") and Project.is_action_of(organization, "completed")
    assert not Project.is_action_of(organization, "approved") and not Project.is_action_of(organization, "nonsense")
    assert not Project.is_action_of(staff, "submitted")


@pytest.mark.django_db
def test_slugs_are_unique_and_keep_chinese():
    first = ProjectFactory(title="长寿社区食品银行·共享冰箱")
    second = ProjectFactory(title="长寿社区食品银行·共享冰箱")
    assert first.slug == "长寿社区食品银行共享冰箱"
    assert second.slug == "长寿社区食品银行共享冰箱-2"
    assert unquote(first.get_absolute_url()) == "/projects/长寿社区食品银行共享冰箱/"


@pytest.mark.django_db
def test_the_funding_amount_is_at_most_the_budget():
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    project = ProjectFactory.build(budget=Decimal("60000"), funding_amount=Decimal("60000.01"))
    with pytest.raises(ValidationError) as refused:
        project.clean()
    assert "cannot be more than the project's budget" in refused.value.message_dict["funding_amount"][0]
    for budget, amount in [("60000", "60000"), (None, "5"), ("5", None)]:
        ProjectFactory.build(budget=budget and Decimal(budget), funding_amount=amount and Decimal(amount)).clean()
    with pytest.raises(IntegrityError):  # the database refuses it too, whoever writes the row
        ProjectFactory(budget=Decimal("100"), funding_amount=Decimal("101"))


@pytest.mark.django_db
def test_one_review_per_reviewer_and_project():
    first = ReviewFactory()
    with pytest.raises(IntegrityError):
        ReviewFactory(project=first.project, reviewer=first.reviewer)


@pytest.mark.django_db
def test_conflict_of_interest_is_working_for_the_applicant(org, org_user, other_org_user, reviewer):
    project = ProjectFactory(organization=org)
    assert project.has_conflict_of_interest(org_user)
    assert not project.has_conflict_of_interest(other_org_user)
    assert not project.has_conflict_of_interest(reviewer)
    assert project.conflicts_with(org.pk)
    assert not project.conflicts_with(other_org_user.org_account.organization_id)
    assert not project.conflicts_with(None)


@pytest.mark.django_db
def test_the_ranking_expects_no_review_from_a_reviewer_with_a_conflict(org, org_user, reviewer):
    project = ProjectFactory(organization=org, state=Project.State.UNDER_REVIEW)
    project.review_count, project.weighted_mean, project.spread, project.rank = 0, None, None, None
    for criterion in Criterion:
        setattr(project, f"mean_{criterion.value}", None)
    assert scoring.ranking_row(project, [None, org.pk, org.pk + 1]).summary.expected == 2


@pytest.mark.django_db
def test_reviews_are_accepted_while_the_proposal_and_its_call_are_under_review(reviewing_call, open_call):
    assert ProjectFactory(call=reviewing_call, state=Project.State.UNDER_REVIEW).accepts_reviews
    assert not ProjectFactory(call=reviewing_call, state=Project.State.APPROVED).accepts_reviews
    assert not ProjectFactory(call=open_call, state=Project.State.UNDER_REVIEW).accepts_reviews
    assert not ProjectFactory(state=Project.State.UNDER_REVIEW).accepts_reviews
