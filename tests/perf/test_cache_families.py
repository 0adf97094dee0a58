"""Invalidation by what changed (core.caching, federation_portal/pagecache.py): each cached page declares the data
families it shows, a write moves only its own family's version, and so a sign-up keeps the directory and the
showcase cached while the event's own page shows the new number of places."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from core import caching
from events.models import Event
from federation_portal.pagecache import page_families
from members.models import Organization
from tests.events.factories import EventFactory, EventReportFactory, RegistrationFactory
from tests.members.factories import CommunityFactory, MembershipFactory
from tests.projects.factories import CallFactory, CommunityNeedFactory, NeedResponseFactory, PublicProjectFactory

pytestmark = pytest.mark.django_db

TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)


@pytest.fixture
def world():
    """One of everything public pages show."""
    community = CommunityFactory()
    organization = MembershipFactory(status="active").organization
    organization.communities.add(community)
    project = PublicProjectFactory(organization=organization, is_brand=True, communities=[community])
    call = CallFactory(state="open")
    event = EventFactory(organization=organization, project=project, community=community)
    RegistrationFactory(event=event)
    past = EventFactory(
        organization=organization, starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=2), state=Event.State.COMPLETED,
    )
    EventReportFactory(event=past)
    need = CommunityNeedFactory(community=community)
    NeedResponseFactory(need=need, organization=organization, project=project, is_accepted=True)
    from tests.incubation.factories import TeamFactory, admitted
    from tests.members.factories import UserFactory

    admitted(TeamFactory(), UserFactory(is_staff=True))  # the incubation base's current cohort
    return {
        "organization": organization, "project": project, "call": call, "event": event, "need": need,
        "community": community,
    }


def cached_pages(world):
    """(url name, address) of every page the page cache may keep: the test knows how to reach each."""
    now = timezone.localtime()
    organization = world["organization"]
    return [
        ("home", reverse("home")),
        ("search", reverse("search") + "?q=Community"),
        ("stats", reverse("stats")),
        ("members:organization-list", reverse("members:organization-list")),
        ("members:organization-detail", organization.get_absolute_url()),
        ("members:about", reverse("members:about")),
        ("projects:list", reverse("projects:list")),
        ("projects:detail", world["project"].get_absolute_url()),
        ("projects:calls", reverse("projects:calls")),
        ("projects:call-detail", reverse("projects:call-detail", args=[world["call"].pk])),
        ("projects:needs", reverse("projects:needs")),
        ("projects:need-detail", reverse("projects:need-detail", args=[world["need"].pk])),
        ("events:list", reverse("events:list")),
        ("incubation:index", reverse("incubation:index")),
        ("events:month", reverse("events:month", args=[now.year, now.month])),
        ("events:detail", world["event"].get_absolute_url()),
        ("events:poster", reverse("events:poster", args=[world["event"].pk])),
        ("events:feed", reverse("events:feed")),
        ("events:organization-feed", reverse("events:organization-feed", args=[organization.slug])),
        ("communities:list", reverse("communities:list")),
        ("communities:detail", world["community"].get_absolute_url()),
    ]


def _cacheable_views(resolver=None):
    views = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            views |= _cacheable_views(pattern)
        elif isinstance(pattern, URLPattern) and page_families(pattern.callback):
            views.add(pattern.callback.view_class)
    return views


def _view_of(url):
    return get_resolver().resolve(url.split("?")[0]).func


def test_every_cached_page_is_checked_below(world):
    checked = {_view_of(url).view_class for _, url in cached_pages(world)}
    # A view another app extends at the same address (the organization page with its projects and events) is
    # checked as the view that answers there.
    unchecked = {view for view in _cacheable_views() if not any(issubclass(seen, view) for seen in checked)}
    assert unchecked == set()


@override_settings(PAGE_CACHE_SECONDS=0)
def test_every_cached_page_declares_the_families_of_the_tables_it_reads(client, world):
    """A page that read a family it does not declare would stay cached, out of date, after that family changed.
    Lists may read the sign-ups without depending on them (`page_cache_lagging`): they say the places are a
    minute old."""
    tables = caching._tracked_tables()
    for name, url in cached_pages(world):
        view = _view_of(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, name
        read = {tables[table] for query in captured for table in TABLE.findall(query["sql"]) if table in tables}
        allowed = set(page_families(view)) | set(getattr(view.view_class, "page_cache_lagging", ()))
        assert read <= allowed, f"{name} reads {sorted(read - allowed)} without declaring it"
        assert read, name  # the check saw the page's queries


def test_a_sign_up_keeps_the_directory_and_the_showcase_cached(client, django_assert_num_queries, world):
    directory, showcase = reverse("members:organization-list"), reverse("projects:list")
    client.get(directory), client.get(showcase)
    RegistrationFactory(event=world["event"])
    with django_assert_num_queries(0):
        assert client.get(directory).status_code == 200
        assert client.get(showcase).status_code == 200


def test_a_sign_up_changes_the_places_on_the_event_page_at_once(client, world):
    event = world["event"]
    assert b"9 of 10 left" in client.get(event.get_absolute_url()).content
    RegistrationFactory(event=event)
    assert b"8 of 10 left" in client.get(event.get_absolute_url()).content


def test_a_sign_up_leaves_the_events_list_a_minute_old_and_it_says_so(client, django_assert_num_queries, world):
    url = reverse("events:list")
    first = client.get(url)
    assert "about a minute" in first.content.decode()
    RegistrationFactory(event=world["event"])
    with django_assert_num_queries(0):
        assert client.get(url).content == first.content


def test_an_organization_edit_refreshes_the_directory(client, world):
    url = reverse("members:organization-list")
    assert b"Lantern Club" not in client.get(url).content
    Organization.objects.filter(pk=world["organization"].pk).update(name="Lantern Club")
    assert b"Lantern Club" in client.get(url).content


def test_an_event_edit_refreshes_the_events_list_but_not_the_showcase(client, django_assert_num_queries, world):
    events, showcase = reverse("events:list"), reverse("projects:list")
    client.get(events), client.get(showcase)
    Event.objects.filter(pk=world["event"].pk).update(title="Lantern making")
    assert b"Lantern making" in client.get(events).content
    with django_assert_num_queries(0):
        client.get(showcase)


def test_a_write_moves_only_its_familys_version(world):
    before = {family: caching.data_version((family,)) for family in caching.FAMILIES}
    RegistrationFactory(event=world["event"])
    after = {family: caching.data_version((family,)) for family in caching.FAMILIES}
    assert [family for family in caching.FAMILIES if before[family] != after[family]] == ["signups"]


def test_pages_the_cache_cannot_serve_cost_no_cache_look_up(client, world, monkeypatch):
    """The sign-up form (a per-visitor token), the portal, a page that does not exist: no look-up at all."""
    looked_up = []
    real_get, real_versions = cache.get, caching._committed_versions

    def get(key, *args, **kwargs):
        looked_up.append(key)
        return real_get(key, *args, **kwargs)

    def versions(families):
        looked_up.append(families)
        return real_versions(families)

    monkeypatch.setattr(cache, "get", get)
    monkeypatch.setattr(caching, "_committed_versions", versions)
    client.get(reverse("events:sign-up", args=[world["event"].pk]))
    client.get("/no-such-page/")
    client.get(reverse("bench-baseline"))
    assert looked_up == []
    client.get(reverse("members:organization-list"))
    assert looked_up  # and a page that may come from the cache is looked up
