"""The evaluation's services: open a cycle, self-score until the deadline, assessors under the reviewers' conflict
rule, finish an assessment, set a dossier aside with a reason, publish (the organization's grade and validity,
the star rating with its period), copy a scheme in use to a new version; and a call's minimum grade."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import OutboxMessage
from evaluation import services
from evaluation.models import Cycle, EvaluationChange, Scheme
from members.models import Grade
from projects.models import Call
from projects.services import submit_project
from tests.evaluation.factories import assess, entries, open_small_cycle, small_scheme
from tests.members.factories import OrganizationAccountFactory
from tests.projects.factories import CallFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_opening_a_cycle_gives_each_organization_a_dossier_of_every_leaf_and_tells_it(org, other_org, clerk):
    OrganizationAccountFactory(organization=org)
    cycle = open_small_cycle([org, other_org], acting_user=clerk)

    assert cycle.state == Cycle.State.OPEN
    assert sorted(d.organization.name for d in cycle.dossiers.all()) == sorted([org.name, other_org.name])
    assert set(entries(cycle.dossiers.get(organization=org))) == {"1.1", "1.2"}
    assert OutboxMessage.objects.filter(subject__contains="Cycle 2026").exists()
    assert EvaluationChange.objects.filter(cycle=cycle, action="opened", changed_by=clerk).exists()


def test_a_scheme_without_thresholds_cannot_be_used(org, clerk):
    scheme = small_scheme()
    scheme.thresholds.all().delete()
    with pytest.raises(ValidationError):
        open_small_cycle([org], scheme=scheme, acting_user=clerk)


def test_the_organization_self_scores_until_it_submits(dossier, org_user):
    by_code = entries(dossier)
    services.save_self_assessment(
        dossier, [(by_code["1.1"], {"self_score": Decimal(55), "evidence_text": "12 activities"})], acting_user=org_user
    )
    dossier.refresh_from_db()
    assert dossier.self_total == 55
    with pytest.raises(ValidationError):
        services.save_self_assessment(dossier, [(by_code["1.2"], {"self_score": Decimal(41)})], acting_user=org_user)

    services.submit_self_assessment(dossier, acting_user=org_user)
    with pytest.raises(ValidationError, match="no longer"):
        services.save_self_assessment(dossier, [(by_code["1.2"], {"self_score": Decimal(30)})], acting_user=org_user)


@pytest.mark.clock(2026, 11, 20, 10)
def test_after_the_deadline_nothing_changes_and_the_assessor_may_score(dossier, org_user, assessor, clerk, clock):
    services.assign_assessor(dossier, assessor, acting_user=clerk)
    assert not dossier.is_ready_for_assessment()
    clock.shift(datetime.timedelta(days=11))
    dossier.refresh_from_db()
    assert not dossier.is_editable_by_organization() and dossier.is_ready_for_assessment()
    with pytest.raises(ValidationError):
        services.save_self_assessment(dossier, [], acting_user=org_user)


def test_the_assessor_is_told_of_a_dossier_to_assess(dossier, assessor, clerk):
    services.assign_assessor(dossier, assessor, acting_user=clerk)
    notice = OutboxMessage.objects.get(kind="evaluation_assigned", channel="inbox", user=assessor)
    assert "Cycle 2026" in notice.subject and notice.url.endswith(f"/evaluation/assess/{dossier.pk}/")


def test_an_assessor_who_works_for_the_organization_is_refused(dossier, org_user, clerk):
    with pytest.raises(ValidationError, match="cannot assess"):
        services.assign_assessor(dossier, org_user, acting_user=clerk)


def test_only_the_assigned_assessor_scores_and_deductions_need_a_reason(dossier, org_user, assessor, clerk):
    services.submit_self_assessment(dossier, acting_user=org_user)
    services.assign_assessor(dossier, assessor, acting_user=clerk)
    by_code = entries(dossier)
    with pytest.raises(PermissionDenied):
        services.record_assessment(dossier, [(by_code["1.1"], Decimal(60), "")], acting_user=clerk)
    with pytest.raises(ValidationError, match="reason"):
        services.record_assessment(dossier, [(by_code["1.1"], Decimal(50), "")], acting_user=assessor)
    with pytest.raises(ValidationError, match="every indicator"):
        assess(dossier, assessor, {"1.1": Decimal(50)})

    dossier = assess(dossier, assessor, {"1.1": Decimal(50), "1.2": Decimal(40)})
    assert (dossier.total, dossier.level, dossier.result_label) == (90, 3, "3A")


@pytest.mark.clock(2026, 11, 20, 10)
def test_publishing_writes_the_grade_and_its_validity_on_the_organization(
    cycle, dossier, org, other_org, org_user, assessor, clerk
):
    services.submit_self_assessment(dossier, acting_user=org_user)
    services.assign_assessor(dossier, assessor, acting_user=clerk)
    assess(dossier, assessor, {"1.1": Decimal(45), "1.2": Decimal(30)})  # 75: 2A
    other = cycle.dossiers.get(organization=other_org)
    with pytest.raises(ValidationError, match="Not assessed yet"):
        services.publish_cycle(cycle, acting_user=clerk)

    services.exclude_dossier(
        other, criterion=cycle.scheme.eligibility_criteria.get(), note="Report missing", acting_user=clerk
    )
    services.publish_cycle(cycle, acting_user=clerk)

    org.refresh_from_db()
    other_org.refresh_from_db()
    assert (org.grade, org.grade_valid_until) == (Grade.A2, datetime.date(2031, 11, 20))
    assert org.current_grade() == Grade.A2 and other_org.current_grade() == Grade.NONE
    assert org.history.first().history_user == clerk
    cycle.refresh_from_db()
    assert cycle.is_published
    with pytest.raises(ValidationError):
        services.publish_cycle(cycle, acting_user=clerk)


def test_a_grade_lapses_when_its_validity_ends(org):
    org.grade, org.grade_valid_until = Grade.A4, datetime.date(2026, 1, 31)
    assert org.current_grade(datetime.date(2026, 1, 31)) == Grade.A4
    assert org.current_grade(datetime.date(2026, 2, 1)) == Grade.NONE


@pytest.mark.clock(2026, 11, 20, 10)
def test_a_star_scheme_publishes_the_star_rating_with_its_period(org, org_user, assessor, clerk):
    scheme = small_scheme(kind=Scheme.Kind.STARS, name="Stars", thresholds={5: 95, 4: 85, 3: 75})
    cycle = open_small_cycle([org], scheme=scheme, acting_user=clerk)
    dossier = cycle.dossiers.get()
    services.submit_self_assessment(dossier, acting_user=org_user)
    services.assign_assessor(dossier, assessor, acting_user=clerk)
    assess(dossier, assessor, {"1.1": Decimal(50), "1.2": Decimal(38)})
    services.publish_cycle(cycle, acting_user=clerk)
    org.refresh_from_db()
    assert (org.star_rating, org.star_rating_valid_from, org.star_rating_valid_until) == (
        4, datetime.date(2026, 11, 20), datetime.date(2031, 11, 20)
    )


def test_a_scheme_in_use_is_copied_to_a_new_version(cycle, clerk):
    copy = services.copy_scheme(cycle.scheme, acting_user=clerk)
    assert (copy.name, copy.version) == (cycle.scheme.name, 2)
    assert copy.total_points() == cycle.scheme.total_points()
    assert copy.indicators.get(code="1.1").parent == copy.indicators.get(code="1")
    assert list(copy.thresholds.values_list("level", "minimum_points")) == list(
        cycle.scheme.thresholds.values_list("level", "minimum_points")
    )
    assert not copy.is_in_use


def test_a_call_requiring_3a_refuses_a_2a_organization(org, org_user):
    call = CallFactory(minimum_grade=Grade.A3)
    project = ProjectFactory(organization=org, call=call)
    org.grade, org.grade_valid_until = Grade.A2, timezone.localdate() + datetime.timedelta(days=100)
    org.save()
    with pytest.raises(ValidationError, match="requires a grade of 3A or above"):
        submit_project(project, acting_user=org_user)

    org.grade = Grade.A3
    org.save()
    assert submit_project(project, acting_user=org_user).state == "submitted"
    assert Call.objects.get(pk=call.pk).get_minimum_grade_display() == "3A"
