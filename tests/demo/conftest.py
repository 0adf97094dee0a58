"""The demo world (`manage.py seed_demo`), seeded once for the tests of this package, which only read it.

Seeding takes seconds; the tests here share one seed (tests/shared_data.py: a transaction rolled back when the
package is done, each test in a savepoint of it) and its pictures in one MEDIA_ROOT.
"""

import io

import pytest
from django.core.management import call_command

from tests.shared_data import shared_rows


@pytest.fixture(scope="package")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="package")
def _demo_world(django_db_setup, django_db_blocker, demo_media):
    with shared_rows(django_db_blocker, MEDIA_ROOT=demo_media):
        call_command("seed_demo", stdout=io.StringIO())
        yield


@pytest.fixture
def demo_world(_demo_world, db):
    """The demo data, as `make run` shows it; what a test writes is rolled back after it."""


@pytest.fixture(autouse=True)
def _media_root(settings, demo_media):
    """The demo's pictures, instead of the empty MEDIA_ROOT of tests/conftest.py."""
    settings.MEDIA_ROOT = demo_media
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
