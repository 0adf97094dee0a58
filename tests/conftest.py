"""Shared fixtures: organizations with their users, staff, a temporary MEDIA_ROOT for uploads, and the clock.

The clock: a test that depends on "now" sets it with the `clock` fixture. The whole run can be moved to another
date with TEST_NOW (an ISO date-time, Shanghai time when it has no offset), e.g.
`TEST_NOW=2027-01-31T23:30:00+08:00 make test`: the clock starts there and runs on (`.ci/run` does this with an
edge date). A test's own `clock` wins inside that test.
"""

import os
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache

from tests.clock import SHANGHAI, Clock
from tests.members.factories import (
    MembershipFactory,
    OrganizationAccountFactory,
    OrganizationFactory,
    UserFactory,
)


def _test_now():
    """TEST_NOW as an aware datetime, or None when the run keeps the real time."""
    value = os.environ.get("TEST_NOW", "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"TEST_NOW={value!r}: not an ISO date-time like 2027-01-31T23:30:00+08:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


_run_travel = None


def pytest_configure(config):
    """With TEST_NOW, the whole run (collection, fixtures, tests) starts at that moment; the clock ticks on."""
    global _run_travel
    config.addinivalue_line(
        "markers", "clock(*moment, tick=True): the test's clock, set before its fixtures (Shanghai time; see `clock`)"
    )
    moment = _test_now()
    if moment is not None and _run_travel is None:
        # A timestamp, not the aware datetime: time-machine would also set the process's TZ from a zone name.
        _run_travel = time_machine.travel(moment.timestamp(), tick=True)
        _run_travel.start()


def pytest_unconfigure(config):
    global _run_travel
    if _run_travel is not None:
        _run_travel.stop()
        _run_travel = None


def pytest_report_header(config):
    moment = _test_now()
    if moment is None:
        return "clock: the real time (TEST_NOW=2027-01-31T23:30:00+08:00 moves it)"
    local, utc = moment.astimezone(SHANGHAI), moment.astimezone(UTC)
    return f"clock: moved by TEST_NOW to {local:%Y-%m-%d %H:%M} Shanghai time ({utc:%Y-%m-%d %H:%M} UTC), running on"


# Tests that start processes of the site (servers, Celery workers and beat on Redis's database 0, the settings in a
# fresh interpreter) run one after another on one xdist worker: two Celery workers on the same Redis queue would take
# each other's tasks.
ONE_AT_A_TIME = ("tests/deploy/", "tests/security/test_production.py")


def pytest_collection_modifyitems(items):
    """A test marked `clock` gets its clock before any other fixture, so that the data its fixtures make (an
    organization that joined "today", an event "next week") is made at the test's moment.
    """
    for item in items:
        if item.nodeid.startswith(ONE_AT_A_TIME):
            item.add_marker(pytest.mark.xdist_group("processes"))
        if item.get_closest_marker("clock"):
            if "clock" in item.fixturenames:
                item.fixturenames.remove("clock")
            item.fixturenames.insert(0, "clock")


@pytest.fixture
def clock(request, time_machine):
    """The clock of a test that depends on "now". `@pytest.mark.clock(2026, 12, 1, 0, 30)` sets it (Shanghai time)
    before the test's fixtures run; `clock.move_to(…)` and `clock.shift(…)` move it within the test.
    """
    clock = Clock(time_machine)
    marker = request.node.get_closest_marker("clock")
    if marker is not None:
        clock.move_to(*marker.args, **marker.kwargs)
    return clock


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a test's rows are rolled back without a change signal, so pages
    kept by the page cache (and its site version) must not outlive the test that made them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _one_process_shares_its_cache(settings):
    """The tests' memory cache is the only one of the only process: the site version may live in it, as it does
    in Redis in production (core.caching). Tests of the other case set SHARED_CACHE = False."""
    settings.SHARED_CACHE = True


@pytest.fixture
def delivered(django_capture_on_commit_callbacks):
    """`with delivered(): ...` runs what waits for the commit, as a real commit would: the outbox's delivery
    (core.outbox) after notify(), which the test's never-committed transaction would otherwise hold back."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def no_page_cache(settings):
    """For tests that measure rendering (query counts of a warm site) or change code, not data, between requests."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_login_lockout(settings):
    """client.login() passes no request, which django-axes refuses; tests/security turn it back on."""
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests read English unless they ask for Chinese (Accept-Language / the language cookie)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def org(db):
    """An active member organization."""
    organization = OrganizationFactory(name="Food Bank Service Agency")
    MembershipFactory(organization=organization, status="active")
    return organization


@pytest.fixture
def other_org(db):
    organization = OrganizationFactory(name="Elderly Volunteers Centre")
    MembershipFactory(organization=organization, status="active")
    return organization


@pytest.fixture
def org_user(org):
    """The administrator of `org`."""
    return OrganizationAccountFactory(organization=org, role="admin").user


@pytest.fixture
def org_editor(org):
    return OrganizationAccountFactory(organization=org, role="editor").user


@pytest.fixture
def other_org_user(other_org):
    return OrganizationAccountFactory(organization=other_org, role="admin").user


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", is_staff=True, is_superuser=True)


@pytest.fixture
def plain_user(db):
    """A logged-in user who works for no organization."""
    return UserFactory(username="resident")
