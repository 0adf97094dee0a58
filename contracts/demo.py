"""Demo data of the contracts app: the street's government-purchased services of the report as contracts, one in
each state, built around the day the demo is loaded (the same on any day), through the app's services.

- 共享冰箱进楼组 (the demo organization, org@changshou.demo): signed, its mid-term self-assessment due three days
  ago and not filed yet: the organization files it with its figures prefilled, the evaluator rules;
- “鸟巢”就业创业服务: mid-term passed, its second tranche payable and not paid yet;
- 市容环境社区协管服务: rectifying (整改) by a deadline;
- 为老理发上门服务: failed (不合格) and paused;
- 高龄独居老人关爱服务: completed, every tranche paid;
- 四点半课堂: its mid-term self-assessment overdue (逾期) on the staff dashboard.

社区心理关爱热线 (approved) has no contract yet: staff sign one with three tranches. The evaluator is `evaluator`.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from events.models import Event
from members.demo import _user
from projects.models import Project

from . import measures, services
from .models import EVALUATOR_GROUP, Contract, Evaluation, RubricCriterion, Tranche

INDICATORS = [
    {"name": "服务人次", "unit": "人次", "target": Decimal("1200"), "measure": "attendance"},
    {"name": "活动场次", "unit": "场", "target": Decimal("24"), "measure": "activities"},
    {"name": "居民反映问题办结", "unit": "件", "target": Decimal("60"), "measure": "manual"},
    {"name": "满意度", "unit": "%", "target": Decimal("90"), "measure": "manual"},
]
TRANCHES = [
    {"percent": Decimal("40"), "condition": "signing"},
    {"percent": Decimal("30"), "condition": "midterm"},
    {"percent": Decimal("30"), "condition": "final"},
]
# (project title, amount, days from signing to today, service days, what happened)
CONTRACTS = [
    ("共享冰箱进楼组", 200000, 150, 365, "due"),
    ("“鸟巢”就业创业服务", 350000, 250, 365, "midterm_passed"),
    ("市容环境社区协管服务", 420000, 220, 365, "rectifying"),
    ("为老理发上门服务", 60000, 200, 365, "failed"),
    ("高龄独居老人关爱服务", 260000, 420, 365, "completed"),
    ("四点半课堂", 80000, 200, 365, "overdue"),
]
# How far into the service the mid-term self-assessment is due, for each contract but the first two.
MIDTERM_AFTER_DAYS = 180


def _scores(share):
    return {criterion.pk: round(criterion.max_points * share) for criterion in RubricCriterion.objects.all()}


def _file(evaluation, user, narrative):
    """The organization files with the portal's figures, and the figures it keeps itself for the others."""
    results = measures.prefilled_results(evaluation)
    actuals = {
        indicator.pk: figure if figure is not None else indicator.target * Decimal("0.8")
        for indicator, figure in results
    }
    services.file_self_assessment(evaluation, acting_user=user, narrative=narrative, actuals=actuals)


def seed(stdout=None):
    User = get_user_model()
    staff = User.objects.filter(username="staff").first()
    evaluator = _user(User, "evaluator", "第三方评估 王评估师", "evaluator@changshou.demo")
    Group.objects.get_or_create(name=EVALUATOR_GROUP)[0].user_set.add(evaluator)
    today = timezone.localdate()
    made = 0
    for index, (title, amount, days, length, story) in enumerate(CONTRACTS, start=1):
        project = Project.objects.filter(title=title).select_related("organization").first()
        if project is None or Contract.objects.filter(project=project).exists():
            continue
        signed_on = today - timedelta(days=days)
        # The organization's activities of the service period are the project's: they give the actual figures.
        Event.objects.filter(
            organization=project.organization, project__isnull=True, starts_at__gte=measures.start_of(signed_on)
        ).update(project=project)
        midterm_due = today - timedelta(days=3) if story == "due" else signed_on + timedelta(days=MIDTERM_AFTER_DAYS)
        if story == "overdue":
            midterm_due = today - timedelta(days=20)
        contract = services.sign_contract(
            project, acting_user=staff, number=f"CSGM-{signed_on:%Y}-{index:03d}", signed_on=signed_on,
            starts_on=signed_on, ends_on=signed_on + timedelta(days=length - 1), amount=Decimal(amount),
            indicators=INDICATORS, tranches=TRANCHES, midterm_due_on=midterm_due,
        )
        services.assign_evaluators(contract, [evaluator], acting_user=staff)
        signing = contract.tranches.get(condition=Tranche.Condition.SIGNING)
        services.record_payment(
            signing, acting_user=staff, amount=signing.amount, voucher=f"PZ-{signed_on:%Y%m%d}-{index:02d}1",
            paid_on=signed_on + timedelta(days=10),
        )
        account = project.organization.accounts.filter(role="admin").select_related("user").first()
        user = account.user if account else None
        midterm = contract.evaluations.get(kind=Evaluation.Kind.MIDTERM)
        if story in ("midterm_passed", "rectifying", "failed", "completed"):
            _file(midterm, user, "按计划开展服务，台账齐全，详见附件。")
            verdict, reason, rectify_by = {
                "midterm_passed": ("pass", "指标完成进度符合合同约定，服务记录完整。", None),
                "rectifying": ("rectify", "巡查台账不完整，部分点位服务记录缺失，请补齐后重新提交。",
                               today + timedelta(days=20)),
                "failed": ("fail", "服务频次远低于合同约定，抽查中多位老人反映未获上门服务。", None),
                "completed": ("pass", "中期指标达成。", None),
            }[story]
            services.rule_on_evaluation(
                midterm, evaluator=evaluator, scores=_scores(0.9 if verdict == "pass" else 0.55), verdict=verdict,
                reason=reason, rectify_by=rectify_by,
            )
        if story == "completed":
            second = contract.tranches.get(condition=Tranche.Condition.MIDTERM)
            services.record_payment(
                second, acting_user=staff, amount=second.amount, voucher=f"PZ-{signed_on:%Y%m%d}-{index:02d}2",
                paid_on=midterm.due_on + timedelta(days=15),
            )
            final = contract.evaluations.get(kind=Evaluation.Kind.FINAL)
            _file(final, user, "全年服务圆满完成，各项指标均已达成。")
            services.rule_on_evaluation(
                final, evaluator=evaluator, scores=_scores(0.95), verdict="pass",
                reason="各项指标均达成，居民满意度高。",
            )
            third = contract.tranches.get(condition=Tranche.Condition.FINAL)
            services.record_payment(
                third, acting_user=staff, amount=third.amount, voucher=f"PZ-{signed_on:%Y%m%d}-{index:02d}3",
                paid_on=contract.ends_on + timedelta(days=20),
            )
        made += 1
    if stdout:
        stdout.write(f"contracts: {made} government-purchased service contracts (evaluator: evaluator)")
