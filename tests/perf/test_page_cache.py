"""The whole-page cache of public pages (federation_portal/pagecache.py): served from the cache, and a change
of the data visible on the very next request."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.urls import reverse

from core import caching as pagecache
from core.models import Notification
from events.models import Event
from tests.events.factories import EventFactory
from tests.members.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("shared_cache", "queries"),
    [
        (True, 0),  # a cache every app server shares (Redis): the version is in it
        (False, 1),  # each process's own memory: the version is read from its database row (a key look-up)
    ],
)
def test_a_public_page_is_served_from_the_cache_the_second_time(
    client, django_assert_num_queries, settings, shared_cache, queries
):
    settings.SHARED_CACHE = shared_cache
    OrganizationFactory(name="Silver Classroom")
    first = client.get(reverse("members:organization-list"))
    assert first.status_code == 200 and b"Silver Classroom" in first.content
    with django_assert_num_queries(queries):
        second = client.get(reverse("members:organization-list"))
    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert "no-cache" in second["Cache-Control"]
    assert "Cookie" in second["Vary"]
    # The headers of the other middleware are still there on a page from the cache.
    assert second["Content-Security-Policy"] and second["X-Frame-Options"] == "DENY"
    # What the benchmark counts its hit rate from; pages never looked up say nothing.
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert "X-Page-Cache" not in client.get(reverse("login"))


def test_a_saved_change_is_visible_on_the_next_request(client):
    project = ProjectFactory(state="in_progress", title="Shared fridge")
    url = reverse("projects:list")
    assert b"Shared fridge" in client.get(url).content
    project.title = "Community fridge"
    project.save()
    content = client.get(url).content
    assert b"Community fridge" in content and b"Shared fridge" not in content
    # and on the project's own page, which was never cached before
    assert b"Community fridge" in client.get(project.get_absolute_url()).content


def test_a_deleted_row_is_gone_on_the_next_request(client):
    organization = OrganizationFactory(name="Paper Cutting Club")
    url = reverse("members:organization-list")
    assert b"Paper Cutting Club" in client.get(url).content
    organization.delete()
    assert b"Paper Cutting Club" not in client.get(url).content


def test_a_sign_up_updates_the_places_left_on_the_event_page(client):
    event = EventFactory(capacity=5)
    assert b"5 of 5 left" in client.get(event.get_absolute_url()).content
    response = client.post(
        reverse("events:sign-up", args=[event.pk]), {"name": "Li", "mobile": "13812345678", "consent": "on"}
    )
    assert response.status_code == 302
    client.cookies.clear()  # the resident's own session (messages) aside: any other visitor
    assert b"4 of 5 left" in client.get(event.get_absolute_url()).content


def test_changes_that_send_no_signal_are_seen_too(client):
    event = EventFactory(title="Tai chi")
    url = event.get_absolute_url()
    assert b"Tai chi" in client.get(url).content
    Event.objects.filter(pk=event.pk).update(title="Qigong")  # QuerySet.update sends no signal …
    assert b"Qigong" in client.get(url).content  # … but goes through the database connection, which is watched


def test_a_change_inside_a_transaction_moves_the_version_now_and_again_at_commit(
    django_capture_on_commit_callbacks,
):
    before = pagecache.site_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pagecache.data_changed()
        during = pagecache.site_version()
    after = pagecache.site_version()
    assert len(callbacks) == 1
    assert len({before, during, after}) == 3


def test_rows_no_public_page_shows_leave_the_cache_alone(org_user):
    before = pagecache.site_version()
    Notification.objects.create(recipient=org_user, kind="test", subject="Hello", body="Hello")
    assert pagecache.site_version() == before
    MembershipFactory(organization=OrganizationFactory())
    assert pagecache.site_version() != before


def test_logged_in_visitors_get_their_own_page_and_never_fill_the_cache(client, org_user):
    url = reverse("home")
    anonymous = client.get(url).content
    assert b"Log out" not in anonymous
    client.force_login(org_user)
    own = client.get(url)
    assert b"Log out" in own.content
    assert "private" in own["Cache-Control"]
    client.logout()
    assert b"Log out" not in client.get(url).content


def test_each_language_and_each_query_has_its_own_page(client):
    url = reverse("projects:list")
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "项目" in chinese and 'lang="zh-Hans"' in chinese
    assert 'lang="en"' in english and "项目展示" not in english
    ProjectFactory(state="in_progress", title="Shared fridge", service_field__code="elderly")  # saved: new version
    assert b"Shared fridge" in client.get(url, {"service_field": "elderly"}).content
    assert b"Shared fridge" not in client.get(url, {"service_field": "education"}).content


def test_a_visitor_with_a_message_waiting_gets_it(client):
    url = reverse("members:about")
    client.get(url)  # cached
    storage = CookieStorage(HttpRequest())
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Your sign-up has been cancelled.")])
    assert b"Your sign-up has been cancelled." in client.get(url).content


def test_pages_with_a_form_token_are_never_stored(client, django_assert_max_num_queries):
    event = EventFactory()
    url = reverse("events:sign-up", args=[event.pk])
    first = client.get(url)
    assert b"csrfmiddlewaretoken" in first.content
    with django_assert_max_num_queries(20) as captured:
        second = client.get(url)
    assert len(captured) > 0  # rendered again, not taken from the cache
    assert b"csrfmiddlewaretoken" in second.content


def test_the_browser_gets_304_while_nothing_changed(client):
    OrganizationFactory(name="Silver Classroom")
    url = reverse("members:organization-list")
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    OrganizationFactory(name="Paper Cutting Club")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and b"Paper Cutting Club" in changed.content


def test_zero_seconds_turns_the_page_cache_off(client, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(reverse("home"))
    with django_assert_max_num_queries(20) as captured:
        client.get(reverse("home"))
    assert len(captured) > 0


# The language links


def test_the_language_link_sets_the_cookie_and_returns_to_the_page(client, settings):
    response = client.get(reverse("switch-language", args=["en"]), {"next": "/events/?page=2"})
    assert response.status_code == 302 and response.url == "/events/?page=2"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/about/")
    assert 'lang="en"' in page.content.decode()
    assert 'aria-current="true"' in page.content.decode().split(">English<")[0].rsplit("<a ", 1)[1]


def test_the_language_link_stays_on_this_site_and_knows_its_languages(client):
    response = client.get(reverse("switch-language", args=["zh-hans"]), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == "/"
    assert client.get(reverse("switch-language", args=["fr"])).status_code == 404


def test_a_feed_from_the_cache_keeps_the_headers_its_view_set(client, django_assert_num_queries):
    EventFactory(title="Tai chi")
    url = reverse("events:feed")
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content and b"Tai chi" in second.content
    for header in ("Content-Type", "Content-Disposition", "ETag"):
        assert second[header] == first[header]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_with_a_read_replica_pages_right_after_a_change_are_not_kept(client, settings, monkeypatch):
    """The replica may not have the change yet: a page rendered then could hold the old data under the new
    version. Such pages are served but kept only once DATABASE_REPLICA_PIN_SECONDS have passed."""
    settings.DATABASE_REPLICA_URL = "postgres://replica.invalid/portal"  # only read here; the router is not set
    settings.DATABASE_REPLICA_PIN_SECONDS = 10
    OrganizationFactory(name="Silver Classroom")  # a change: a new version, just now
    url = reverse("members:organization-list")
    client.get(url)
    assert pagecache.seconds_since_change() < 10
    assert _page_keys() == []
    monkeypatch.setattr(pagecache.time, "time", lambda real=pagecache.time.time: real() + 11)
    client.get(url)
    assert len(_page_keys()) == 1


def _page_keys():
    from django.core.cache import cache

    return [key for key in cache._cache if ":page:" in key]  # LocMemCache, as in the tests
