"""The site version (core.caching): every write to a table public pages show moves it, by whatever path; rows
no public page shows leave it; it is kept in the database, so processes without a shared cache agree on it."""

import pytest
from django.db import connection, connections, transaction

from core import caching
from core.caching import cached, data_changed, site_version
from core.models import DataVersion, Notification
from members.models import Membership, Organization
from tests.members.factories import CommunityFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _moves(change):
    before = site_version()
    change()
    after = site_version()
    assert after != before
    return after


def test_every_kind_of_write_moves_the_version():
    organization = OrganizationFactory()
    community = CommunityFactory()
    _moves(lambda: OrganizationFactory())  # insert
    _moves(lambda: Organization.objects.filter(pk=organization.pk).update(name="Renamed"))  # no signal sent
    _moves(lambda: Organization.objects.bulk_create([Organization(name="Bulk", slug="bulk")]))
    _moves(lambda: organization.communities.add(community))  # a link table
    _moves(lambda: organization.communities.remove(community))

    def raw_sql():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE members_organization SET name = %s WHERE id = %s", ["Raw", organization.pk])

    _moves(raw_sql)
    _moves(lambda: Organization.objects.filter(slug="bulk").delete())


def test_rows_no_public_page_shows_leave_the_version_alone(org_user):
    before = site_version()
    Notification.objects.create(recipient=org_user, kind="test", subject="Hello", body="Hello")
    Organization.objects.filter(pk=-1).exists()  # and reading never moves it
    assert site_version() == before


def test_cached_computes_once_per_version():
    membership = MembershipFactory(status=Membership.Status.APPLIED, joined_on=None)
    calls = []

    def compute():
        calls.append(1)
        return Membership.objects.filter(status=Membership.Status.ACTIVE).count()

    assert cached("test-active-members", compute) == 0
    assert cached("test-active-members", compute) == 0
    assert len(calls) == 1
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.ACTIVE)
    assert cached("test-active-members", compute) == 1
    assert len(calls) == 2


def test_one_update_of_the_version_row_per_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            OrganizationFactory()
            OrganizationFactory()
            Organization.objects.update(summary="All")
    assert len(callbacks) == 1


@pytest.mark.django_db(transaction=True)
def test_a_commit_moves_the_row_every_process_reads_and_a_rollback_does_not():
    start = DataVersion.objects.filter(name="members").values_list("version", flat=True).first() or 0
    with transaction.atomic():
        OrganizationFactory()
        OrganizationFactory()  # one transaction: one step
    assert DataVersion.objects.get(name="members").version == start + 1
    committed = caching.site_version()
    assert site_version() == committed  # nothing uncommitted: the version other processes read
    with pytest.raises(RuntimeError), transaction.atomic():
        OrganizationFactory()
        assert site_version() != committed  # this process's readers inside the transaction: not the cache's
        raise RuntimeError
    assert caching._stored_versions(caching.FAMILIES) == caching._committed_versions(caching.FAMILIES)
    assert site_version() == committed
    OrganizationFactory()  # autocommit: at once
    assert DataVersion.objects.get(name="members").version == start + 2


@pytest.mark.django_db(transaction=True)
def test_without_a_shared_cache_a_figure_follows_a_change_committed_by_another_process(settings):
    """Each process's memory cache holds its own copy of a figure; the version row tells every process when
    it is out of date. (Two real servers: tests/deploy/test_app_servers.py.)"""
    settings.SHARED_CACHE = False
    OrganizationFactory(name="First")
    count = lambda: Organization.objects.count()  # noqa: E731
    assert cached("test-organizations", count) == 1
    # Another process: this process's watcher does not see its write, only the version row it moves on commit.
    wrappers = connections["default"].execute_wrappers
    saved, wrappers[:] = wrappers[:], []
    try:
        Organization.objects.bulk_create([Organization(name="Second", slug="second")])
    finally:
        wrappers[:] = saved
    assert cached("test-organizations", count) == 1  # nothing told this process yet
    caching._publish("default", ("members",))
    assert cached("test-organizations", count) == 2


def test_data_changed_is_there_for_writes_django_does_not_see(django_capture_on_commit_callbacks):
    """PostgreSQL COPY (seed_scale) or a restore bypass Django's cursor; they call data_changed() themselves."""
    before = site_version()
    with django_capture_on_commit_callbacks(execute=True):
        data_changed()
    assert site_version() != before
