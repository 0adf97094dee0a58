from datetime import date

import pytest

from communities import coverage
from communities.models import (
    QuarterlyRating,
    organizations_to_rate,
    parse_quarter,
    quarter_label,
    quarter_of,
    rateable_quarters,
    shift_quarter,
)
from communities.services import confirm_activity, dispute_activity
from events.models import Event
from members.models import ServiceField
from tests.clock import shanghai
from tests.communities.factories import CommunityAccountFactory
from tests.events.factories import EventFactory, completed_activity
from tests.members.factories import CommunityFactory, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(2026, 7, 10, 9)]


def test_quarters_are_their_first_day_in_shanghai_time():
    assert quarter_of(shanghai(2026, 7, 1, 0, 30)) == date(2026, 7, 1)  # still 30 June in UTC
    assert quarter_of(shanghai(2026, 12, 31, 23, 0)) == date(2026, 10, 1)
    assert shift_quarter(date(2026, 1, 1), -1) == date(2025, 10, 1)
    assert shift_quarter(date(2026, 10, 1), 1) == date(2027, 1, 1)
    assert parse_quarter("2026-Q3") == date(2026, 7, 1)
    assert parse_quarter("2026-Q5") is None and parse_quarter("x", default=1) == 1
    assert quarter_label(date(2026, 4, 1)) == "2026-Q2"
    # On 10 July: the current quarter and the one before are open to rating.
    assert rateable_quarters() == [date(2026, 7, 1), date(2026, 4, 1)]


def test_the_organizations_to_rate_held_activities_in_the_community_that_quarter(org, other_org):
    committee = CommunityAccountFactory()
    community = committee.community
    completed_activity(org, shanghai(2026, 5, 3, 9), community=community)
    completed_activity(org, shanghai(2026, 6, 3, 9), community=community)
    completed_activity(other_org, shanghai(2026, 3, 30, 9), community=community)  # the quarter before
    completed_activity(other_org, shanghai(2026, 5, 3, 9))  # another community
    EventFactory(organization=other_org, community=community, starts_at=shanghai(2026, 5, 3, 9),
                 ends_at=shanghai(2026, 5, 3, 11), state=Event.State.CANCELLED)
    assert list(organizations_to_rate(community, date(2026, 4, 1))) == [org]


def test_a_rating_is_from_1_to_5_and_one_per_community_organization_and_quarter(org):
    from django.db import IntegrityError, transaction

    community = CommunityFactory()
    QuarterlyRating.objects.create(community=community, organization=org, quarter=date(2026, 4, 1), score=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyRating.objects.create(community=community, organization=org, quarter=date(2026, 4, 1), score=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyRating.objects.create(community=community, organization=org, quarter=date(2026, 7, 1), score=6)


def test_coverage_counts_confirmed_activities_per_community_and_month(org, other_org):
    elderly = ServiceField.objects.get(code="elderly")
    org.service_fields.add(elderly)
    committee = CommunityAccountFactory(community=CommunityFactory(code="A1"))
    quiet = CommunityFactory(code="B1")
    confirmed = completed_activity(org, shanghai(2026, 6, 3, 9), community=committee.community)
    confirm_activity(confirmed, account=committee)
    disputed = completed_activity(org, shanghai(2026, 6, 10, 9), community=committee.community)
    dispute_activity(disputed, account=committee, reason="Nobody came; the room was locked.")
    completed_activity(other_org, shanghai(2026, 6, 20, 9), community=committee.community)  # not looked at yet
    completed_activity(other_org, shanghai(2026, 5, 20, 9), community=quiet)  # pending: no confirmed activity
    months = coverage.recent_months(3)
    assert months == [date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1)]
    rows = {row.community.code: row for row in coverage.coverage(months)}
    june = rows["A1"].cells[1]
    assert (june.confirmed, june.pending, june.is_gap) == (1, 1, False)
    assert [cell.is_gap for cell in rows["B1"].cells] == [True, True, False]  # July is in progress
    assert rows["B1"].cells[0].pending == 1 and rows["B1"].gaps == 2
    by_field = {row.community.code: row for row in coverage.coverage(months, service_field="elderly")}
    assert (by_field["A1"].cells[1].confirmed, by_field["A1"].cells[1].pending) == (1, 0)


def test_coverage_is_two_queries_whatever_the_data(org, django_assert_num_queries):
    for index in range(5):
        community = CommunityFactory()
        completed_activity(org, shanghai(2026, 6, 1 + index, 9), community=community)
    MembershipFactory()
    with django_assert_num_queries(2):
        rows = coverage.coverage(coverage.recent_months())
    assert len(rows) == 5 and len(rows[0].cells) == 12
