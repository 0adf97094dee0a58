"""Every use of the cache survives its outage: figures are computed, pages render, the page cache steps aside."""

import pytest
from django.urls import reverse

from tests.events.factories import EventFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

BROKEN = {"default": {"BACKEND": "tests.core.broken_cache.BrokenCache"}}


@pytest.mark.parametrize("shared_cache", [True, False])
@pytest.mark.parametrize(
    "url_name", ["home", "projects:list", "stats", "members:organization-list", "events:list", "members:about"]
)
def test_public_pages_render_with_the_cache_down(client, settings, url_name, shared_cache):
    EventFactory(title="Tai chi")
    ProjectFactory(state="in_progress", title="Shared fridge")
    settings.CACHES = BROKEN
    settings.SHARED_CACHE = shared_cache
    first = client.get(reverse(url_name))
    assert first.status_code == 200
    assert client.get(reverse(url_name)).status_code == 200  # and again, nothing stored, nothing broken


def test_a_change_still_shows_with_the_cache_down(client, settings):
    settings.CACHES = BROKEN
    project = ProjectFactory(state="in_progress", title="Shared fridge")
    assert b"Shared fridge" in client.get(reverse("projects:list")).content
    project.title = "Community fridge"
    project.save()
    assert b"Community fridge" in client.get(reverse("projects:list")).content


def test_logged_in_staff_pages_render_with_the_cache_down(client, settings, staff_user):
    settings.CACHES = BROKEN
    client.force_login(staff_user)
    assert client.get(reverse("stats:staff")).status_code == 200
    assert client.get(reverse("stats:dashboard")).status_code == 200
