"""Data-versioned caching: the version moves with every insert, update and delete of the tables it covers."""

import pytest

from members.caching import cached_by_version, data_version
from members.models import Membership, MembershipChange, Organization
from tests.members.factories import CommunityFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_the_version_moves_on_insert_update_and_delete():
    organization = OrganizationFactory()
    versions = [data_version(Organization)]
    other = OrganizationFactory()
    versions.append(data_version(Organization))
    organization.name = "Renamed"
    organization.save()
    versions.append(data_version(Organization))
    other.delete()
    versions.append(data_version(Organization))
    assert len(set(versions)) == 4
    assert data_version(Organization) == versions[-1]  # and stays while nothing changes


def test_link_tables_and_change_records_count_by_id():
    """Tables without updated_at (many-to-many links, change records) are versioned by their highest id."""
    organization = OrganizationFactory()
    first, second = CommunityFactory(), CommunityFactory()
    links = Organization.communities.through
    organization.communities.add(first)
    before = data_version(links)
    organization.communities.add(second)
    added = data_version(links)
    organization.communities.remove(first)
    organization.communities.add(first)  # as many links as before, a new highest id
    swapped = data_version(links)
    assert len({before, added, swapped}) == 3

    membership = MembershipFactory()
    before = data_version(MembershipChange)
    MembershipChange.objects.create(membership=membership, from_status="applied", to_status="active")
    assert data_version(MembershipChange) != before


def test_cached_by_version_computes_once_per_version():
    membership = MembershipFactory(status=Membership.Status.APPLIED, joined_on=None)
    calls = []

    def compute():
        calls.append(1)
        return Membership.objects.filter(status=Membership.Status.ACTIVE).count()

    assert cached_by_version("test-active-members", [Membership], compute) == 0
    assert cached_by_version("test-active-members", [Membership], compute) == 0
    assert len(calls) == 1
    membership.status = Membership.Status.ACTIVE  # a change in place: updated_at moves
    membership.save()
    assert cached_by_version("test-active-members", [Membership], compute) == 1
    assert len(calls) == 2
