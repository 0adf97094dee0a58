"""Races: capacity holds under concurrent sign-ups and cancellations.

PostgreSQL runs the threaded tests (real row locks, its own connection per thread). SQLite, the
embedded default, is checked in a separate process on a database file, as it runs in production.
"""

import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from events import services
from events.models import Registration
from tests.events.factories import EventFactory, RegistrationFactory

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 25

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threaded races need PostgreSQL (SQLite: see the burst test below)"
)


def run_parallel(function, count, workers=WORKERS):
    """Call function(n) for n in range(count) on `workers` threads released at the same moment."""
    barrier = threading.Barrier(min(workers, count))
    errors = []

    def call(n):
        try:
            if n < workers:
                barrier.wait(timeout=30)
            return function(n)
        except Exception as error:  # noqa: BLE001 - collected and asserted on
            errors.append(error)
            return None
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(call, range(count)))
    return results, errors


def sign_up(event, n, mobile=None):
    return services.register_for_event(event, name=f"Resident {n}", mobile=mobile or f"138{n:08d}", consent=True).status


@needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", range(5))  # as the attack of issue 16 did: 5 × 200 sign-ups for 50 places
def test_200_sign_ups_for_50_places_five_runs_out_of_five(run):
    event = EventFactory(capacity=50)
    statuses, errors = run_parallel(lambda n: sign_up(event, n), 200)
    assert errors == []
    assert statuses.count(Registration.Status.CONFIRMED) == 50
    assert statuses.count(Registration.Status.WAITLISTED) == 150
    assert event.registrations.holding_place().count() == 50


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_and_sign_ups_never_exceed_capacity():
    event = EventFactory(capacity=20)
    confirmed = [RegistrationFactory(event=event, status="confirmed") for _ in range(20)]
    waiting = [RegistrationFactory(event=event, status="waitlisted") for _ in range(10)]

    def act(n):
        if n < 20:
            services.cancel_registration(confirmed[n], token=confirmed[n].token)
            return "cancelled"
        return sign_up(event, 1000 + n)

    results, errors = run_parallel(act, 60)
    assert errors == []
    assert results.count("cancelled") == 20
    assert event.registrations.holding_place().count() <= 20
    # Every freed place was filled, from the waiting list first.
    assert event.registrations.holding_place().count() == 20
    assert all(r.status == "confirmed" for r in Registration.objects.filter(pk__in=[w.pk for w in waiting]))


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_identical_sign_ups_leave_one_registration():
    event = EventFactory(capacity=50)
    results, errors = run_parallel(lambda n: sign_up(event, n, mobile="13912345678"), 20, workers=20)
    assert len([r for r in results if r]) == 1
    assert len(errors) == 19
    assert all("already signed up" in str(error) for error in errors)
    assert event.registrations.count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_harness_sees_a_race_in_an_unsafe_variant():
    """Without the row lock the same harness overbooks: proof that the tests above could fail."""
    event = EventFactory(capacity=10)

    def unsafe_sign_up(n):
        with transaction.atomic():
            taken = Registration.objects.filter(event=event, status="confirmed").count()
            time.sleep(0.01)  # the gap between reading and writing that real requests also have
            status = "confirmed" if taken < event.capacity else "waitlisted"
            Registration.objects.create(event=event, name="x", mobile=f"137{n:08d}", consent=True, status=status)
            return status

    results, errors = run_parallel(unsafe_sign_up, 100)
    assert errors == []
    assert results.count("confirmed") > 10


SQLITE_BURST = r"""
import json, os, sys, threading
import django
django.setup()
from django.core.management import call_command
from django.db import connections
call_command("migrate", verbosity=0)
from django.utils import timezone
from datetime import timedelta
from events import services
from events.models import Event
from members.models import Membership, Organization
org = Organization.objects.create(name="Burst org", org_type="community_team")
Membership.objects.create(organization=org, status="active")
event = Event.objects.create(organization=org, kind="community_activity", title="Burst", description="x",
    starts_at=timezone.now() + timedelta(days=3), ends_at=timezone.now() + timedelta(days=3, hours=2),
    place="x", capacity=20, state="published", published_at=timezone.now())
barrier = threading.Barrier(60)
statuses, errors = [], []
def go(n):
    try:
        barrier.wait(timeout=30)
        statuses.append(services.register_for_event(event, name="R", mobile=f"136{n:08d}", consent=True).status)
    except Exception as error:
        errors.append(repr(error))
    finally:
        connections.close_all()
threads = [threading.Thread(target=go, args=(n,)) for n in range(60)]
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps({"statuses": statuses, "errors": errors}))
"""


def test_sqlite_burst_of_60_sign_ups_has_no_locked_errors(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("a burst on an SQLite file: the SQLite runs of the suite have it")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'burst.sqlite3'}",
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="federation_portal.settings",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    result = subprocess.run(
        [sys.executable, "-c", SQLITE_BURST], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert outcome["statuses"].count("confirmed") == 20
    assert outcome["statuses"].count("waitlisted") == 40
