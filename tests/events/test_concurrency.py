"""Capacity holds when many residents sign up at the same moment (PostgreSQL: row locks are real there)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from events import services
from events.models import Event, Registration
from tests.events.factories import EventFactory, RegistrationFactory

SIGN_UPS = 200
PLACES = 50
WORKERS = 25  # simultaneous database connections; stays well under PostgreSQL's default max_connections


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks (it serializes writers) and the test database lives in memory",
)


@needs_postgres
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


EDITORS = 12


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_edits_racing_a_publish_never_undo_it_and_places_added_go_to_the_waiting_list():
    """Editors whose forms were opened on the draft save while it is published: it stays published."""
    event = EventFactory(state=Event.State.DRAFT, published_at=None, capacity=1)
    RegistrationFactory(event=event)
    waiting = [RegistrationFactory(event=event, status=Registration.Status.WAITLISTED) for _ in range(EDITORS)]
    forms = [Event.objects.get(pk=event.pk) for _ in range(EDITORS)]  # each opened before the publish
    start = threading.Barrier(EDITORS + 1)
    errors = []

    def act(n):
        try:
            start.wait(timeout=30)
            if n == EDITORS:
                services.publish_event(event, acting_user=None)
            else:
                forms[n].capacity = 1 + n + 1
                services.update_event(forms[n], acting_user=None)
        except Exception as error:  # noqa: BLE001 - any failure is a test failure, reported below
            errors.append(error)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=EDITORS + 1) as pool:
        list(pool.map(act, range(EDITORS + 1)))

    # An edit with fewer places than were taken by then (an earlier edit moved people up) is refused; nothing else.
    assert [getattr(error, "code", error) for error in errors] == ["capacity"] * len(errors)
    event.refresh_from_db()
    assert event.state == Event.State.PUBLISHED and event.published_at is not None
    taken = event.registrations.holding_place().count()
    assert taken <= event.capacity
    # Whatever the order, the places added after the publish went to the first people waiting.
    promoted = [r.pk for r in waiting if Registration.objects.get(pk=r.pk).status == Registration.Status.CONFIRMED]
    assert promoted == [r.pk for r in waiting[: taken - 1]]
