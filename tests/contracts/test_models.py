"""The database's own rules on contracts (migration 0002's triggers, SQLite and PostgreSQL alike), and the queries
the pages use."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from contracts.models import Contract, Evaluation, Payment, Tranche
from tests.contracts.factories import ContractFactory, pay

pytestmark = pytest.mark.django_db


def refused(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_the_database_refuses_a_payment_on_a_locked_tranche():
    contract = ContractFactory()
    refused(lambda: pay(contract, "1000", condition=Tranche.Condition.MIDTERM))
    pay(contract, "1000")  # the signing tranche is payable
    assert Payment.objects.count() == 1


def test_the_database_refuses_payments_above_the_contract_amount():
    contract = ContractFactory(amount=Decimal("200000"))
    pay(contract, "80000")
    contract.tranches.filter(condition=Tranche.Condition.MIDTERM).update(unlocked_at=timezone.now())
    pay(contract, "60000", condition=Tranche.Condition.MIDTERM)
    contract.tranches.filter(condition=Tranche.Condition.FINAL).update(unlocked_at=timezone.now())
    refused(lambda: pay(contract, "60000.01", condition=Tranche.Condition.FINAL))
    pay(contract, "60000", condition=Tranche.Condition.FINAL)  # exactly the amount: accepted
    assert contract.paid_total() == Decimal("200000")
    # Nor by raising an amount afterwards, nor by lowering the contract's amount below what was paid.
    refused(lambda: Payment.objects.filter(voucher__isnull=False).update(amount=Decimal("80001")))
    refused(lambda: Contract.objects.filter(pk=contract.pk).update(amount=Decimal("199999")))
    Contract.objects.filter(pk=contract.pk).update(amount=Decimal("250000"))


def test_the_database_refuses_a_payment_of_a_paused_contract():
    contract = ContractFactory()
    Contract.objects.filter(pk=contract.pk).update(state=Contract.State.PAUSED)
    refused(lambda: pay(contract, "100"))


def test_raw_sql_cannot_pass_the_rules_either():
    contract = ContractFactory(amount=Decimal("1000"))
    locked = contract.tranches.get(condition=Tranche.Condition.FINAL)
    payable = contract.tranches.get(condition=Tranche.Condition.SIGNING)
    sql = (
        "INSERT INTO contracts_payment (tranche_id, paid_on, amount, voucher, recorded_at) "
        "VALUES (%s, %s, %s, %s, %s)"
    )
    today, now = timezone.localdate(), timezone.now()
    with connection.cursor() as cursor:
        refused(lambda: cursor.execute(sql, [locked.pk, today, Decimal("1"), "RAW-1", now]))
        refused(lambda: cursor.execute(sql, [payable.pk, today, Decimal("1000.01"), "RAW-2", now]))
        cursor.execute(sql, [payable.pk, today, Decimal("1000"), "RAW-3", now])
    assert Payment.objects.get().voucher == "RAW-3"


def test_a_payment_is_positive_and_its_voucher_unique():
    contract = ContractFactory()
    refused(lambda: pay(contract, "0"))
    pay(contract, "10", voucher="PZ-1")
    refused(lambda: pay(contract, "10", voucher="PZ-1"))


def test_with_paid_and_remaining():
    contract = ContractFactory(amount=Decimal("200000"))
    pay(contract, "80000")
    listed = Contract.objects.with_paid().get(pk=contract.pk)
    assert listed.paid_total() == Decimal("80000")
    assert listed.remaining() == Decimal("120000")
    assert listed.tranches.get(condition=Tranche.Condition.SIGNING).amount == Decimal("80000")


@pytest.mark.clock(2026, 6, 30, 10, 0)
def test_overdue_means_not_filed_fourteen_days_after_the_due_date():
    today = timezone.localdate()
    late = ContractFactory()
    late.evaluations.filter(kind=Evaluation.Kind.MIDTERM).update(due_on=today - timedelta(days=15))
    on_the_edge = ContractFactory()
    on_the_edge.evaluations.filter(kind=Evaluation.Kind.MIDTERM).update(due_on=today - timedelta(days=14))
    paused = ContractFactory()
    paused.evaluations.filter(kind=Evaluation.Kind.MIDTERM).update(due_on=today - timedelta(days=30))
    Contract.objects.filter(pk=paused.pk).update(state=Contract.State.PAUSED)
    filed = ContractFactory()
    filed.evaluations.filter(kind=Evaluation.Kind.MIDTERM).update(
        due_on=today - timedelta(days=30), state=Evaluation.State.FILED
    )
    assert list(Contract.objects.overdue()) == [late]
    assert Evaluation.objects.overdue().get().contract == late


def test_stage_reads_the_evaluations():
    contract = ContractFactory()
    assert str(contract.stage) == "Signed"
    midterm = contract.evaluations.get(kind=Evaluation.Kind.MIDTERM)
    Evaluation.objects.filter(pk=midterm.pk).update(verdict=Evaluation.Verdict.PASS, state=Evaluation.State.DECIDED)
    assert str(Contract.objects.get(pk=contract.pk).stage) == "Mid-term passed"
    Evaluation.objects.filter(pk=midterm.pk).update(
        verdict=Evaluation.Verdict.RECTIFY, state=Evaluation.State.RECTIFYING, rectify_by=timezone.localdate()
    )
    assert str(Contract.objects.get(pk=contract.pk).stage) == "Rectifying"
    Contract.objects.filter(pk=contract.pk).update(state=Contract.State.PAUSED)
    assert str(Contract.objects.get(pk=contract.pk).stage) == "Paused"
