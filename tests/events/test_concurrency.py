"""Capacity holds when many residents sign up at the same moment (PostgreSQL: row locks are real there)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from events import services
from events.models import Registration
from tests.events.factories import EventFactory

SIGN_UPS = 200
PLACES = 50
WORKERS = 25  # simultaneous database connections; stays well under PostgreSQL's default max_connections


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks (it serializes writers) and the test database lives in memory",
)
@pytest.mark.django_db(transaction=True)
def test_parallel_sign_ups_never_exceed_capacity():
    event = EventFactory(capacity=PLACES)
    start = threading.Barrier(WORKERS)
    errors = []

    def sign_up(n):
        try:
            if n < WORKERS:
                start.wait(timeout=30)  # the first wave hits the database at the same moment
            return services.register_for_event(
                event, name=f"Resident {n}", mobile=f"138{n:08d}", consent=True
            ).status
        except Exception as error:  # noqa: BLE001 - any failure is a test failure, reported below
            errors.append(error)
            return None
        finally:
            connections.close_all()  # each thread's own connection

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        statuses = list(pool.map(sign_up, range(SIGN_UPS)))

    assert errors == []
    assert statuses.count(Registration.Status.CONFIRMED) == PLACES
    assert statuses.count(Registration.Status.WAITLISTED) == SIGN_UPS - PLACES
    assert event.registrations.holding_place().count() == PLACES
    assert event.registrations.waitlisted().count() == SIGN_UPS - PLACES
