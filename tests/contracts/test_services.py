from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from contracts import measures, services
from contracts.models import Contract, ContractChange, Evaluation, IndicatorResult, RubricCriterion, Tranche
from core.models import OutboxMessage
from projects.models import Project
from tests.contracts.factories import ContractFactory, evaluator
from tests.events.factories import completed_activity
from tests.members.factories import OrganizationAccountFactory
from tests.projects.factories import ProgressUpdateFactory, PublicProjectFactory

pytestmark = pytest.mark.django_db

INDICATORS = [
    {"name": "服务人次", "unit": "人次", "target": Decimal("1200"), "measure": "attendance"},
    {"name": "活动场次", "unit": "场", "target": Decimal("24"), "measure": "activities"},
    {"name": "满意度", "unit": "%", "target": Decimal("90"), "measure": "manual"},
]
TRANCHES = [
    {"percent": Decimal("40"), "condition": "signing"},
    {"percent": Decimal("30"), "condition": "midterm"},
    {"percent": Decimal("30"), "condition": "final"},
]


def sign(project, staff_user, **kwargs):
    today = timezone.localdate()
    values = {
        "number": "CSGM-2026-100", "starts_on": today, "ends_on": today + timedelta(days=364),
        "amount": Decimal("200000"), "indicators": INDICATORS, "tranches": TRANCHES,
        "midterm_due_on": today + timedelta(days=180),
    }
    return services.sign_contract(project, acting_user=staff_user, **{**values, **kwargs})


def all_points():
    return {criterion.pk: criterion.max_points for criterion in RubricCriterion.objects.all()}


def test_staff_sign_a_contract_with_three_tranches(org, org_user, staff_user):
    project = PublicProjectFactory(organization=org)
    contract = sign(project, staff_user)
    assert contract.state == Contract.State.ACTIVE
    assert [(t.percent, t.condition, t.is_unlocked) for t in contract.tranches.all()] == [
        (40, "signing", True), (30, "midterm", False), (30, "final", False),
    ]
    assert [e.kind for e in contract.evaluations.all()] == ["midterm", "final"]
    assert contract.evaluations.get(kind="final").due_on == contract.ends_on
    assert contract.changes.get().action == ContractChange.Action.SIGNED
    assert OutboxMessage.objects.filter(kind="contract_signed", user=org_user).exists()


@pytest.mark.parametrize(
    "tranches", [
        [{"percent": Decimal("40"), "condition": "signing"}, {"percent": Decimal("30"), "condition": "final"}],
        [{"percent": Decimal("50"), "condition": "signing"}, {"percent": Decimal("50"), "condition": "signing"}],
    ],
)
def test_tranches_must_add_up_to_100_and_wait_for_different_things(org, staff_user, tranches):
    with pytest.raises(ValidationError):
        sign(PublicProjectFactory(organization=org), staff_user, tranches=tranches)
    assert not Contract.objects.exists()


def test_a_mid_term_tranche_needs_a_mid_term_due_date_and_a_contract_an_approved_project(org, staff_user):
    with pytest.raises(ValidationError):
        sign(PublicProjectFactory(organization=org), staff_user, midterm_due_on=None)
    with pytest.raises(ValidationError):
        sign(PublicProjectFactory(organization=org, state=Project.State.UNDER_REVIEW), staff_user)


def test_evaluators_follow_the_reviewers_conflict_rule(org, staff_user):
    contract = ContractFactory(project__organization=org)
    colleague = OrganizationAccountFactory(organization=org).user
    with pytest.raises(ValidationError):
        services.assign_evaluators(contract, [colleague], acting_user=staff_user)
    outsider = evaluator()
    services.assign_evaluators(contract, [outsider], acting_user=staff_user)
    assert list(contract.evaluators.all()) == [outsider]
    assert OutboxMessage.objects.filter(kind="contract_evaluators", user=outsider).exists()
    # Someone assigned before joining the organization still cannot rule.
    contract.evaluators.add(colleague)
    with pytest.raises(PermissionDenied):
        services.check_can_evaluate(contract.evaluations.first(), colleague)


@pytest.mark.clock(2026, 9, 1, 10, 0)
def test_the_self_assessment_is_prefilled_from_verified_activities_and_progress_updates(org):
    contract = ContractFactory(project__organization=org)
    start = timezone.now() - timedelta(days=20)
    held = [completed_activity(org, start + timedelta(days=day), project=contract.project) for day in (0, 3)]
    for event in held:
        event.report.attendance = 40
        event.report.save()
    # Not verified: no check-in nor photo; and another project's activity, and one before the service started.
    completed_activity(org, start, project=contract.project, proof=None)
    completed_activity(org, start, project=PublicProjectFactory(organization=org))
    completed_activity(org, timezone.now() - timedelta(days=60), project=contract.project)
    ProgressUpdateFactory(project=contract.project, beneficiaries_reached=25, on=timezone.localdate())
    midterm = contract.evaluations.get(kind=Evaluation.Kind.MIDTERM)
    figures = {indicator.name: figure for indicator, figure in measures.prefilled_results(midterm)}
    assert figures == {"服务人次": Decimal("80"), "活动场次": Decimal("2"), "满意度": None}
    assert measures.actual_figures(contract, timezone.localdate())["beneficiaries"] == Decimal("25")


def test_the_organization_files_its_self_assessment(org, org_user):
    contract = ContractFactory(project__organization=org)
    reviewer = evaluator()
    contract.evaluators.add(reviewer)
    midterm = contract.evaluations.get(kind=Evaluation.Kind.MIDTERM)
    actuals = {indicator.pk: Decimal("10") for indicator in contract.indicators.all()}
    with pytest.raises(ValidationError):
        services.file_self_assessment(midterm, acting_user=org_user, narrative=" ", actuals=actuals)
    services.file_self_assessment(midterm, acting_user=org_user, narrative="做了很多。", actuals=actuals)
    midterm.refresh_from_db()
    assert midterm.state == Evaluation.State.FILED and midterm.filed_by == org_user
    assert IndicatorResult.objects.filter(evaluation=midterm).count() == 3
    assert OutboxMessage.objects.filter(kind="self_assessment_filed", user=reviewer).exists()
    with pytest.raises(ValidationError):  # once, until an evaluator asks for rectification
        services.file_self_assessment(midterm, acting_user=org_user, narrative="again", actuals=actuals)


def filed(contract, org_user, kind=Evaluation.Kind.MIDTERM):
    evaluation = contract.evaluations.get(kind=kind)
    actuals = {indicator.pk: Decimal("10") for indicator in contract.indicators.all()}
    return services.file_self_assessment(evaluation, acting_user=org_user, narrative="已完成。", actuals=actuals)


def test_a_pass_makes_the_next_tranche_payable_and_a_final_pass_completes(org, org_user, staff_user):
    contract = ContractFactory(project__organization=org)
    reviewer = evaluator()
    contract.evaluators.add(reviewer)
    midterm = filed(contract, org_user)
    with pytest.raises(ValidationError):  # a reason is required
        services.rule_on_evaluation(midterm, evaluator=reviewer, scores=all_points(), verdict="pass", reason="")
    with pytest.raises(PermissionDenied):  # only assigned evaluators
        services.rule_on_evaluation(midterm, evaluator=evaluator(), scores=all_points(), verdict="pass", reason="好")
    services.rule_on_evaluation(midterm, evaluator=reviewer, scores=all_points(), verdict="pass", reason="指标达成。")
    midterm.refresh_from_db()
    assert midterm.total_score == 100 and midterm.verdict == "pass"
    assert contract.tranches.get(condition=Tranche.Condition.MIDTERM).is_unlocked
    assert not contract.tranches.get(condition=Tranche.Condition.FINAL).is_unlocked
    assert OutboxMessage.objects.filter(kind="evaluation_decided", user=org_user).exists()
    services.record_payment(
        contract.tranches.get(condition=Tranche.Condition.MIDTERM), acting_user=staff_user, amount=Decimal("60000"),
        voucher="PZ-1",
    )
    final = filed(contract, org_user, kind=Evaluation.Kind.FINAL)
    services.rule_on_evaluation(final, evaluator=reviewer, scores=all_points(), verdict="pass", reason="圆满完成。")
    contract.refresh_from_db()
    assert contract.state == Contract.State.COMPLETED
    assert contract.tranches.get(condition=Tranche.Condition.FINAL).is_unlocked


def test_rectify_needs_a_deadline_and_the_organization_files_again(org, org_user):
    contract = ContractFactory(project__organization=org)
    reviewer = evaluator()
    contract.evaluators.add(reviewer)
    midterm = filed(contract, org_user)
    with pytest.raises(ValidationError):
        services.rule_on_evaluation(midterm, evaluator=reviewer, scores=all_points(), verdict="rectify", reason="不足")
    deadline = timezone.localdate() + timedelta(days=30)
    services.rule_on_evaluation(
        midterm, evaluator=reviewer, scores=all_points(), verdict="rectify", reason="台账不全。", rectify_by=deadline
    )
    midterm.refresh_from_db()
    assert midterm.state == Evaluation.State.RECTIFYING and midterm.due_on == deadline
    assert not contract.tranches.get(condition=Tranche.Condition.MIDTERM).is_unlocked
    filed(contract, org_user)
    midterm.refresh_from_db()
    assert midterm.state == Evaluation.State.FILED


def test_a_fail_pauses_the_contract_and_tells_the_organization(org, org_user, staff_user):
    contract = ContractFactory(project__organization=org)
    reviewer = evaluator()
    contract.evaluators.add(reviewer)
    midterm = filed(contract, org_user)
    services.rule_on_evaluation(midterm, evaluator=reviewer, scores=all_points(), verdict="fail", reason="严重不足。")
    contract.refresh_from_db()
    assert contract.state == Contract.State.PAUSED and contract.paused_reason == "严重不足。"
    assert OutboxMessage.objects.filter(kind="contract_paused", user=org_user).exists()
    with pytest.raises(ValidationError):  # no payment while paused, not even on the payable tranche
        services.record_payment(
            contract.tranches.get(condition=Tranche.Condition.SIGNING), acting_user=staff_user,
            amount=Decimal("1000"), voucher="PZ-2",
        )
    services.resume_contract(contract, acting_user=staff_user, reason="整改到位，恢复执行。")
    assert Contract.objects.get(pk=contract.pk).state == Contract.State.ACTIVE
    assert [change.action for change in contract.changes.order_by("pk")][-2:] == ["paused", "resumed"]


def test_payments_above_what_is_left_are_refused(org, staff_user):
    contract = ContractFactory(project__organization=org, amount=Decimal("200000"))
    signing = contract.tranches.get(condition=Tranche.Condition.SIGNING)
    with pytest.raises(ValidationError):  # the tranche is 80,000
        services.record_payment(signing, acting_user=staff_user, amount=Decimal("80000.01"), voucher="PZ-1")
    with pytest.raises(ValidationError):  # not payable yet
        services.record_payment(
            contract.tranches.get(condition=Tranche.Condition.MIDTERM), acting_user=staff_user,
            amount=Decimal("1"), voucher="PZ-2",
        )
    payment = services.record_payment(signing, acting_user=staff_user, amount=Decimal("80000"), voucher="PZ-3")
    assert payment.recorded_by == staff_user
    assert contract.changes.get(action=ContractChange.Action.PAID).note.startswith("PZ-3")
    assert payment.history.get().history_user == staff_user


@pytest.mark.clock(2026, 7, 1, 9, 5)
def test_overdue_self_assessments_are_reminded_once(org, org_user):
    contract = ContractFactory(project__organization=org)
    contract.evaluations.filter(kind="midterm").update(due_on=timezone.localdate() - timedelta(days=15))
    ContractFactory()  # due today: not overdue
    assert services.remind_overdue_self_assessments() == 1
    assert services.remind_overdue_self_assessments() == 0
    assert OutboxMessage.objects.filter(kind="self_assessment_overdue", user=org_user).count() == 1
    assert contract.changes.filter(action=ContractChange.Action.REMINDED).count() == 1


def test_the_beat_job_runs_the_reminders(org, org_user, settings):
    from contracts import tasks

    assert "contracts.tasks.remind_overdue_self_assessments" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    contract = ContractFactory(project__organization=org)
    contract.evaluations.filter(kind="midterm").update(due_on=timezone.localdate() - timedelta(days=20))
    tasks.remind_overdue_self_assessments()
    assert OutboxMessage.objects.filter(kind="self_assessment_overdue").exists()

