"""Payments racing each other never take a contract above its amount (PostgreSQL: the trigger locks the contract's
row, so each payment sees the ones committed before it)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from contracts.models import Payment, Tranche
from tests.contracts.factories import ContractFactory

WORKERS = 16

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks (it serializes writers) and the test database lives in memory",
)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_payments_written_straight_to_the_database_never_exceed_the_amount():
    contract = ContractFactory(amount=Decimal("80000"))
    tranche = contract.tranches.get(condition=Tranche.Condition.SIGNING)
    Tranche.objects.filter(contract=contract).update(unlocked_at=timezone.now())
    start = threading.Barrier(WORKERS)
    outcomes, errors = [], []

    def pay(n):
        try:
            start.wait(timeout=30)
            with transaction.atomic():
                Payment.objects.create(tranche=tranche, amount=Decimal("10000"), voucher=f"RACE-{n}")
            outcomes.append("paid")
        except IntegrityError:
            outcomes.append("refused")
        except Exception as error:  # noqa: BLE001 - any other failure is a test failure, reported below
            errors.append(error)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(pay, range(WORKERS)))

    assert errors == []
    assert outcomes.count("paid") == 8 and outcomes.count("refused") == WORKERS - 8
    assert contract.paid_total() == Decimal("80000")
