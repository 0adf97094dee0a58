"""Shared fixtures: organizations with their users, staff, and a temporary MEDIA_ROOT for uploads."""

import pytest
from django.core.cache import cache

from tests.members.factories import (
    MembershipFactory,
    OrganizationAccountFactory,
    OrganizationFactory,
    UserFactory,
)


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
