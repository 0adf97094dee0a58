"""Issue 22's "Done when", in the demo as `make run` shows it: staff sign a contract with three tranches; the
organization files the mid-term self-assessment with its figures prefilled; an evaluator rules 合格 and the second
tranche becomes payable; a payment above the remaining amount is refused; a 不合格 contract is paused and the
organization is told; the statistics' purchased amounts equal the contracts."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from contracts import demo as contracts_demo
from contracts.models import Contract, Evaluation, Payment, RubricCriterion, Tranche
from core.models import OutboxMessage
from projects.models import Project
from stats import figures
from stats.figures import Filters


def user(username):
    return get_user_model().objects.get(username=username)


def test_the_demo_has_a_contract_in_each_state_and_is_safe_to_run_twice(demo_world):
    stages = {contract.project.title: str(contract.stage) for contract in Contract.objects.select_related("project")}
    assert stages == {
        "共享冰箱进楼组": "Signed",
        "“鸟巢”就业创业服务": "Mid-term passed",
        "市容环境社区协管服务": "Rectifying",
        "为老理发上门服务": "Paused",
        "高龄独居老人关爱服务": "Completed",
        "四点半课堂": "Signed",
    }
    assert list(Contract.objects.overdue().values_list("project__title", flat=True)) == ["四点半课堂"]
    counts = (Contract.objects.count(), Payment.objects.count())
    contracts_demo.seed()
    assert (Contract.objects.count(), Payment.objects.count()) == counts


def test_done_when_staff_sign_a_contract_with_three_tranches(demo_world, client):
    project = Project.objects.get(title="社区心理关爱热线")
    client.force_login(user("staff"))
    today = timezone.localdate()
    page = client.get(reverse("contracts:staff-create") + f"?project={project.pk}")
    assert page.status_code == 200
    data = {
        "project": project.pk, "purchaser": "长寿路街道办事处", "number": "CSGM-DEMO-100",
        "signed_on": today.isoformat(), "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=364)).isoformat(), "amount": "200000",
        "midterm_due_on": (today + timedelta(days=180)).isoformat(), "final_due_on": "",
        "indicators-TOTAL_FORMS": "1", "indicators-INITIAL_FORMS": "0", "indicators-MIN_NUM_FORMS": "1",
        "indicators-MAX_NUM_FORMS": "10", "indicators-0-name": "服务人次", "indicators-0-unit": "人次",
        "indicators-0-target": "1200", "indicators-0-measure": "attendance",
        "tranches-TOTAL_FORMS": "3", "tranches-INITIAL_FORMS": "0", "tranches-MIN_NUM_FORMS": "1",
        "tranches-MAX_NUM_FORMS": "3", "tranches-0-percent": "40", "tranches-0-condition": "signing",
        "tranches-1-percent": "30", "tranches-1-condition": "midterm", "tranches-2-percent": "30",
        "tranches-2-condition": "final",
    }
    assert client.post(reverse("contracts:staff-create"), data).status_code == 302
    contract = Contract.objects.get(number="CSGM-DEMO-100")
    assert contract.tranches.count() == 3 and contract.tranches.get(condition="signing").is_unlocked


def test_done_when_the_organization_files_with_prefilled_figures_and_an_evaluator_passes_it(demo_world, client):
    contract = Contract.objects.get(project__title="共享冰箱进楼组")
    client.force_login(user("org@changshou.demo"))
    url = reverse("contracts:manage-detail", args=[contract.pk])
    form = client.get(url).context["form"]
    prefilled = {indicator.name: figure for _name, indicator, figure in form.indicators}
    assert prefilled["活动场次"] > 0 and prefilled["服务人次"] > 0  # from the project's verified activities
    data = {name: str(figure if figure is not None else 90) for name, _indicator, figure in form.indicators}
    assert client.post(url, {**data, "narrative": "中期服务按计划推进。"}).status_code == 302
    midterm = contract.evaluations.get(kind=Evaluation.Kind.MIDTERM)
    assert midterm.state == Evaluation.State.FILED

    client.force_login(user("evaluator"))
    scores = {f"criterion_{c.pk}": str(c.max_points) for c in RubricCriterion.objects.filter(is_active=True)}
    response = client.post(
        reverse("contracts:evaluate", args=[midterm.pk]), {**scores, "verdict": "pass", "reason": "指标进度达标。"}
    )
    assert response.status_code == 302
    assert contract.tranches.get(condition=Tranche.Condition.MIDTERM).is_unlocked

    # The second tranche is payable now; a payment above the remaining amount is refused.
    client.force_login(user("staff"))
    second = contract.tranches.get(condition=Tranche.Condition.MIDTERM)
    url = reverse("contracts:staff-payment", args=[contract.pk])
    today = timezone.localdate().isoformat()
    too_much = client.post(url, {"tranche": second.pk, "paid_on": today, "amount": str(second.amount + 1),
                                 "voucher": "PZ-DEMO-1"})
    assert too_much.status_code == 200 and not Payment.objects.filter(voucher="PZ-DEMO-1").exists()
    paid = client.post(url, {"tranche": second.pk, "paid_on": today, "amount": str(second.amount),
                             "voucher": "PZ-DEMO-2"})
    assert paid.status_code == 302 and Payment.objects.filter(voucher="PZ-DEMO-2").exists()


def test_done_when_a_failed_contract_is_paused_and_the_organization_told(demo_world, client):
    contract = Contract.objects.select_related("project__organization").get(project__title="为老理发上门服务")
    assert contract.is_paused
    organization = contract.project.organization
    assert OutboxMessage.objects.filter(kind="contract_paused", recipient=organization.email).exists()
    client.force_login(user("staff"))
    page = client.get(reverse("contracts:staff-detail", args=[contract.pk])).content.decode()
    assert "This contract is paused" in page


def test_done_when_the_statistics_purchased_amounts_equal_the_contracts(demo_world, client):
    # The year of the latest signing: the demo's contracts were signed up to 250 days before it was loaded.
    year = Contract.objects.latest("signed_on").signed_on.year
    purchased = figures.purchased_amounts(Filters(year=year))
    assert purchased["signed"] == Contract.objects.filter(signed_on__year=year).aggregate(t=Sum("amount"))["t"]
    assert purchased["paid"] == Payment.objects.filter(paid_on__year=year).aggregate(t=Sum("amount"))["t"]
    assert purchased["signed"] > 0
    rows = {row["source"]: row for row in figures.projects_by_funding(Filters(year=year))}
    assert rows["government_purchase"]["amount"] == purchased["signed"]
    page = client.get(reverse("stats") + f"?year={year}")
    funding = next(chart for chart in page.context["charts"] if chart["id"] == "funding")
    shown = {str(row["label"]): row["values"] for row in funding["table"]["rows"]}
    assert shown["Government-purchased service"] == [purchased["signed"], purchased["paid"]]
