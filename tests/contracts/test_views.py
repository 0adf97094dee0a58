"""The contracts' pages: staff sign and pay, the organization assesses itself, evaluators rule; who sees what."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from contracts.models import Contract, Evaluation, Payment, RubricCriterion, Tranche
from core.models import OutboxMessage
from core.permissions import STAFF_GROUP
from tests.contracts.factories import ContractFactory, evaluator, pay
from tests.events.factories import completed_activity
from tests.members.factories import UserFactory
from tests.projects.factories import PublicProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    """A street-office staff member with the group's permissions (not a superuser)."""
    user = UserFactory(username="clerk", is_staff=True)
    Group.objects.get(name=STAFF_GROUP).user_set.add(user)
    return user


def jpeg(name="photo.jpg"):
    output = BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(output, "JPEG")
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/jpeg")


def contract_form(project, **overrides):
    today = timezone.localdate()
    data = {
        "project": project.pk, "purchaser": "长寿路街道办事处", "number": "CSGM-2026-001",
        "signed_on": today.isoformat(), "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=364)).isoformat(), "amount": "200000",
        "midterm_due_on": (today + timedelta(days=180)).isoformat(), "final_due_on": "",
        "indicators-TOTAL_FORMS": "2", "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "1", "indicators-MAX_NUM_FORMS": "10",
        "indicators-0-name": "服务人次", "indicators-0-unit": "人次", "indicators-0-target": "1200",
        "indicators-0-measure": "attendance",
        "indicators-1-name": "活动场次", "indicators-1-unit": "场", "indicators-1-target": "24",
        "indicators-1-measure": "activities",
        "tranches-TOTAL_FORMS": "3", "tranches-INITIAL_FORMS": "0",
        "tranches-MIN_NUM_FORMS": "1", "tranches-MAX_NUM_FORMS": "3",
        "tranches-0-percent": "40", "tranches-0-condition": "signing",
        "tranches-1-percent": "30", "tranches-1-condition": "midterm",
        "tranches-2-percent": "30", "tranches-2-condition": "final",
    }
    return {**data, **overrides}


# Step 1: staff sign a contract with three tranches


def test_staff_sign_a_contract_with_three_tranches(client, staff, org):
    project = PublicProjectFactory(organization=org)
    client.force_login(staff)
    form_page = client.get(reverse("contracts:staff-create") + f"?project={project.pk}")
    assert form_page.status_code == 200 and "服务人次" in form_page.content.decode()  # the article's example
    response = client.post(reverse("contracts:staff-create"), contract_form(project))
    contract = Contract.objects.get()
    assert response.url == reverse("contracts:staff-detail", args=[contract.pk])
    assert [(t.percent, t.condition) for t in contract.tranches.all()] == [(40, "signing"), (30, "midterm"),
                                                                          (30, "final")]
    assert contract.tranches.get(condition="signing").is_unlocked


def test_tranches_not_adding_up_to_100_are_a_form_error(client, staff, org):
    project = PublicProjectFactory(organization=org)
    client.force_login(staff)
    response = client.post(reverse("contracts:staff-create"), contract_form(project, **{"tranches-2-percent": "20"}))
    assert response.status_code == 200
    assert "must add up to 100" in response.content.decode()
    assert not Contract.objects.exists()


def test_staff_without_the_permission_cannot_sign(client, org):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("contracts:staff-create")).status_code == 403


# Step 2: the organization files the mid-term self-assessment with its figures prefilled


@pytest.mark.clock(2026, 9, 1, 10, 0)
def test_the_organization_files_the_mid_term_self_assessment_with_prefilled_figures(client, org, org_user):
    contract = ContractFactory(project__organization=org)
    for day in (10, 5):
        event = completed_activity(org, timezone.now() - timedelta(days=day), project=contract.project)
        event.report.attendance = 30
        event.report.save()
    client.force_login(org_user)
    url = reverse("contracts:manage-detail", args=[contract.pk])
    page = client.get(url)
    form = page.context["form"]
    attendance, activities, satisfaction = contract.indicators.all()
    assert form[f"indicator_{attendance.pk}"].value() == Decimal("60")
    assert form[f"indicator_{activities.pk}"].value() == Decimal("2")
    assert form[f"indicator_{satisfaction.pk}"].value() is None
    assert "2 场, 8 % of target" in page.content.decode()
    response = client.post(url, {
        f"indicator_{attendance.pk}": "60", f"indicator_{activities.pk}": "2", f"indicator_{satisfaction.pk}": "93",
        "narrative": "开展了两场活动。", "attachment1": jpeg("ledger.jpg"),
    })
    assert response.status_code == 302
    midterm = contract.evaluations.get(kind=Evaluation.Kind.MIDTERM)
    assert midterm.state == Evaluation.State.FILED
    assert sorted((r.actual, r.prefilled) for r in midterm.results.all()) == [
        (Decimal("2"), Decimal("2")), (Decimal("60"), Decimal("60")), (Decimal("93"), None)
    ]
    attachment = midterm.attachments.get()
    assert attachment.image.name.endswith(".jpg") and attachment.image_width
    assert attachment.image.url in client.get(url).content.decode()


def test_an_attachment_must_be_an_image(client, org, org_user):
    contract = ContractFactory(project__organization=org)
    client.force_login(org_user)
    url = reverse("contracts:manage-detail", args=[contract.pk])
    data = {f"indicator_{indicator.pk}": "1" for indicator in contract.indicators.all()}
    fake = SimpleUploadedFile("ledger.jpg", b"not a picture", content_type="image/jpeg")
    response = client.post(url, {**data, "narrative": "做了。", "attachment1": fake})
    assert response.status_code == 200 and response.context["form"].errors["attachment1"]
    assert contract.evaluations.get(kind="midterm").state == Evaluation.State.DUE


def test_another_organization_gets_a_404(client, org, other_org_user):
    contract = ContractFactory(project__organization=org)
    client.force_login(other_org_user)
    assert client.get(reverse("contracts:manage-detail", args=[contract.pk])).status_code == 404
    assert contract.number not in client.get(reverse("contracts:manage-list")).content.decode()


# Step 3: an evaluator rules 合格 and the second tranche becomes payable


def verdict_form(verdict="pass", **extra):
    scores = {f"criterion_{c.pk}": str(c.max_points - 2) for c in RubricCriterion.objects.filter(is_active=True)}
    return {**scores, "verdict": verdict, "reason": "指标基本达成，台账完整。", **extra}


def test_an_evaluator_rules_pass_and_the_second_tranche_becomes_payable(client, org, org_user):
    contract = ContractFactory(project__organization=org)
    reviewer = evaluator()
    contract.evaluators.add(reviewer)
    midterm = contract.evaluations.get(kind=Evaluation.Kind.MIDTERM)
    Evaluation.objects.filter(pk=midterm.pk).update(state=Evaluation.State.FILED, narrative="做了。")
    client.force_login(reviewer)
    assert contract.number in client.get(reverse("contracts:evaluator-list")).content.decode()
    url = reverse("contracts:evaluate", args=[midterm.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, verdict_form()).status_code == 302
    midterm.refresh_from_db()
    assert midterm.verdict == "pass" and midterm.total_score == 92
    assert contract.tranches.get(condition=Tranche.Condition.MIDTERM).is_unlocked


def test_an_evaluator_not_assigned_gets_a_404_and_a_conflicted_one_a_403(client, org):
    contract = ContractFactory(project__organization=org)
    midterm = contract.evaluations.get(kind=Evaluation.Kind.MIDTERM)
    client.force_login(evaluator())
    assert client.get(reverse("contracts:evaluate", args=[midterm.pk])).status_code == 404
    from tests.members.factories import OrganizationAccountFactory

    colleague = OrganizationAccountFactory(organization=org).user
    contract.evaluators.add(colleague)
    client.force_login(colleague)
    assert client.get(reverse("contracts:evaluate", args=[midterm.pk])).status_code == 403


def test_rectify_without_a_deadline_is_a_form_error(client, org):
    contract = ContractFactory(project__organization=org)
    reviewer = evaluator()
    contract.evaluators.add(reviewer)
    midterm = contract.evaluations.get(kind=Evaluation.Kind.MIDTERM)
    Evaluation.objects.filter(pk=midterm.pk).update(state=Evaluation.State.FILED)
    client.force_login(reviewer)
    response = client.post(reverse("contracts:evaluate", args=[midterm.pk]), verdict_form("rectify"))
    assert response.status_code == 200 and "rectify" in response.content.decode()
    deadline = (timezone.localdate() + timedelta(days=30)).isoformat()
    client.post(reverse("contracts:evaluate", args=[midterm.pk]), verdict_form("rectify", rectify_by=deadline))
    assert Evaluation.objects.get(pk=midterm.pk).state == Evaluation.State.RECTIFYING


# Step 4: a payment above the remaining amount is refused


def test_staff_record_a_payment_and_one_above_the_remaining_amount_is_refused(client, staff, org):
    contract = ContractFactory(project__organization=org, amount=Decimal("200000"))
    signing = contract.tranches.get(condition=Tranche.Condition.SIGNING)
    client.force_login(staff)
    url = reverse("contracts:staff-payment", args=[contract.pk])
    today = timezone.localdate().isoformat()
    ok = client.post(url, {"tranche": signing.pk, "paid_on": today, "amount": "80000", "voucher": "PZ-001"})
    assert ok.status_code == 302
    refused = client.post(url, {"tranche": signing.pk, "paid_on": today, "amount": "0.01", "voucher": "PZ-002"})
    assert refused.status_code == 200
    assert "left to pay" in refused.content.decode()
    locked = contract.tranches.get(condition=Tranche.Condition.MIDTERM)
    refused = client.post(url, {"tranche": locked.pk, "paid_on": today, "amount": "100", "voucher": "PZ-003"})
    assert "not payable yet" in refused.content.decode()
    assert list(Payment.objects.values_list("voucher", flat=True)) == ["PZ-001"]


# Step 5: a 不合格 contract is paused and the organization is told


def test_a_failed_contract_is_paused_and_the_organization_told_and_sees_it(client, org, org_user):
    contract = ContractFactory(project__organization=org)
    reviewer = evaluator()
    contract.evaluators.add(reviewer)
    midterm = contract.evaluations.get(kind=Evaluation.Kind.MIDTERM)
    Evaluation.objects.filter(pk=midterm.pk).update(state=Evaluation.State.FILED)
    client.force_login(reviewer)
    client.post(reverse("contracts:evaluate", args=[midterm.pk]), verdict_form("fail", reason="服务严重缩水。"))
    contract.refresh_from_db()
    assert contract.is_paused
    assert OutboxMessage.objects.filter(kind="contract_paused", user=org_user).exists()
    client.force_login(org_user)
    page = client.get(reverse("projects:manage-detail", args=[contract.project.pk])).content.decode()
    assert "This contract is paused" in page and "服务严重缩水。" in page
    # Staff see it on the project's page too; residents never do.
    client.force_login(UserFactory(username="clerk", is_staff=True))
    page = client.get(contract.project.get_absolute_url()).content.decode()
    assert "This contract is paused" in page and reverse("contracts:staff-detail", args=[contract.pk]) in page
    client.logout()
    assert "This contract is paused" not in client.get(contract.project.get_absolute_url()).content.decode()


# The public project page: 政府购买服务 with the contracted amount, never the payments


def test_the_public_project_page_shows_the_contracted_amount_not_the_payments(client, org):
    contract = ContractFactory(project__organization=org, amount=Decimal("200000"))
    pay(contract, "12345", voucher="PZ-SECRET")
    page = client.get(contract.project.get_absolute_url()).content.decode()
    assert "Government-purchased service" in page and "¥200,000" in page
    assert "PZ-SECRET" not in page and "12,345" not in page
    client.cookies["django_language"] = "zh-hans"
    assert "政府购买服务" in client.get(contract.project.get_absolute_url()).content.decode()


# Staff pages


def test_staff_detail_shows_the_history_and_exports_are_excel(client, staff, org):
    contract = ContractFactory(project__organization=org)
    pay(contract, "1000", voucher="PZ-777")
    client.force_login(staff)
    detail = client.get(reverse("contracts:staff-detail", args=[contract.pk])).content.decode()
    assert "PZ-777" in detail
    for what, expected in [("contracts", contract.number), ("payments", "PZ-777")]:
        response = client.get(reverse("contracts:staff-export", args=[what, "xlsx"]))
        sheet = load_workbook(BytesIO(response.content)).active
        assert expected in [cell.value for row in sheet.iter_rows() for cell in row]
    assert client.get(reverse("contracts:staff-export", args=["secrets", "xlsx"])).status_code == 404


def test_staff_assign_evaluators_but_never_a_conflicted_one(client, staff, org):
    contract = ContractFactory(project__organization=org)
    outsider = evaluator()
    from tests.members.factories import OrganizationAccountFactory

    colleague = OrganizationAccountFactory(organization=org).user
    Group.objects.get(name="第三方评估人员").user_set.add(colleague)
    client.force_login(staff)
    url = reverse("contracts:staff-evaluators", args=[contract.pk])
    response = client.post(url, {"evaluators": [outsider.pk, colleague.pk]})
    assert response.status_code == 200 and not contract.evaluators.exists()
    assert client.post(url, {"evaluators": [outsider.pk]}).status_code == 302
    assert list(contract.evaluators.all()) == [outsider]


@pytest.mark.parametrize("size", [1, 5])
def test_staff_list_query_count_does_not_grow(client, staff, django_assert_num_queries, size):
    for _ in range(size):
        pay(ContractFactory(), "100")
    client.force_login(staff)
    client.get(reverse("contracts:staff-list"))  # the session's renewal
    # session, user, permissions (2), the frame's lookups (3), count, contracts with what was paid, their evaluations
    with django_assert_num_queries(10):
        response = client.get(reverse("contracts:staff-list"))
    assert len(response.context["contracts"]) == size


@pytest.mark.parametrize("size", [1, 5])
def test_portal_list_query_count_does_not_grow(client, org, org_user, django_assert_num_queries, size):
    for _ in range(size):
        ContractFactory(project=PublicProjectFactory(organization=org))
    client.force_login(org_user)
    client.get(reverse("contracts:manage-list"))
    # session, user with the organization, the frame's lookups (2), contracts with what was paid, their evaluations
    with django_assert_num_queries(7):
        response = client.get(reverse("contracts:manage-list"))
    assert len(response.context["contracts"]) == size


def test_an_evaluator_lands_on_the_contracts_to_evaluate(client):
    reviewer = evaluator()
    ContractFactory().evaluators.add(reviewer)
    client.force_login(reviewer)
    assert client.get(reverse("after-login")).url == reverse("contracts:evaluator-list")


@pytest.mark.parametrize("size", [1, 5])
def test_evaluator_list_query_count_does_not_grow(client, django_assert_num_queries, size):
    reviewer = evaluator()
    for _ in range(size):
        ContractFactory().evaluators.add(reviewer)
    client.force_login(reviewer)
    client.get(reverse("contracts:evaluator-list"))
    # session, user, the frame's lookups (3), contracts, their evaluations
    with django_assert_num_queries(7):
        response = client.get(reverse("contracts:evaluator-list"))
    assert len(response.context["contracts"]) == size


def test_staff_read_contracts_and_edit_their_particulars_in_the_admin(client, staff, org):
    contract = ContractFactory(project__organization=org)
    pay(contract, "1000", voucher="PZ-ADMIN")
    client.force_login(staff)
    assert client.get(reverse("admin:contracts_contract_changelist")).status_code == 200
    url = reverse("admin:contracts_contract_change", args=[contract.pk])
    page = client.get(url)
    assert page.status_code == 200 and "服务人次" in page.content.decode()
    assert client.get(reverse("admin:contracts_payment_changelist")).status_code == 200
    data = {
        "purchaser": "长寿路街道办事处", "number": contract.number, "signed_on": contract.signed_on.isoformat(),
        "starts_on": contract.starts_on.isoformat(), "ends_on": contract.ends_on.isoformat(), "amount": "210000",
    }
    for prefix in ("indicators", "tranches", "evaluations", "changes"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    assert client.post(url, data).status_code == 302
    assert Contract.objects.get(pk=contract.pk).amount == Decimal("210000")
    assert contract.changes.filter(action="edited", note="amount").exists()
