from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from events import compliance
from events.models import Event
from members.models import Membership
from tests.events.factories import EventFactory, EventReportFactory, completed_activity
from tests.members.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _members_since_2020(org, other_org):
    Membership.objects.update(joined_on=date(2020, 1, 1))


def shanghai(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def counts(month):
    return {row.name: row.activity_count for row in compliance.compliance_for_month(month)}


def test_month_edges_are_shanghai_time(org, settings):
    settings.TIME_ZONE = "UTC"  # the server's zone must not matter
    # 23:30 on 30 April in Shanghai is still April, though it is 15:30 UTC;
    # 00:30 on 1 May in Shanghai is May, though it is still 30 April in UTC.
    completed_activity(org, shanghai(2026, 4, 30, 23, 30))
    completed_activity(org, shanghai(2026, 5, 1, 0, 30))
    completed_activity(org, shanghai(2026, 5, 31, 23, 59))
    completed_activity(org, shanghai(2026, 6, 1, 0, 0))
    assert counts(date(2026, 4, 1))[org.name] == 1
    assert counts(date(2026, 5, 1))[org.name] == 2
    assert counts(date(2026, 6, 1))[org.name] == 1


def test_only_completed_community_activities_with_a_report_count(org):
    when = shanghai(2026, 3, 10, 10)
    EventFactory(organization=org, starts_at=when, ends_at=when + timedelta(hours=1), state=Event.State.COMPLETED)
    EventFactory(organization=org, starts_at=when, ends_at=when + timedelta(hours=1))  # published, not done
    training = EventFactory(
        organization=org, starts_at=when, ends_at=when + timedelta(hours=1), state=Event.State.COMPLETED,
        kind=Event.Kind.TRAINING,
    )
    EventReportFactory(event=training)
    assert counts(date(2026, 3, 1))[org.name] == 0
    completed_activity(org, when)
    assert counts(date(2026, 3, 1))[org.name] == 1


def test_members_below_the_duty_come_first(org, other_org):
    active = OrganizationFactory(name="Aaa Active Association")
    MembershipFactory(organization=active, status="active", joined_on=date(2020, 1, 1))
    completed_activity(org, shanghai(2026, 2, 3, 9))
    completed_activity(active, shanghai(2026, 2, 4, 9))
    completed_activity(active, shanghai(2026, 2, 5, 9))
    rows = list(compliance.compliance_for_month(date(2026, 2, 1)))
    assert [(row.name, row.activity_count) for row in rows] == [
        (other_org.name, 0),
        (org.name, 1),
        (active.name, 2),
    ]


def test_non_members_and_members_who_joined_later_are_not_listed(org, other_org):
    applicant = OrganizationFactory()
    MembershipFactory(organization=applicant, status="applied")
    newcomer = OrganizationFactory()
    MembershipFactory(organization=newcomer, status="active", joined_on=date(2026, 6, 15))
    assert set(counts(date(2026, 5, 1))) == {org.name, other_org.name}
    assert set(counts(date(2026, 6, 1))) == {org.name, other_org.name, newcomer.name}


def test_organization_history_covers_twelve_months_ending_this_month(org):
    now = shanghai(2026, 5, 1, 0, 30)
    completed_activity(org, shanghai(2026, 4, 30, 23, 30))
    completed_activity(org, shanghai(2025, 6, 2, 10))
    completed_activity(org, shanghai(2025, 5, 20, 10))  # 12 months back is out of range
    history = compliance.organization_history(org, now=now)
    assert [status.month for status in history][:2] == [date(2025, 6, 1), date(2025, 7, 1)]
    assert history[-1].month == date(2026, 5, 1) and history[-1].is_current
    by_month = {status.month: status.count for status in history}
    assert by_month[date(2026, 4, 1)] == 1
    assert by_month[date(2025, 6, 1)] == 1
    assert sum(by_month.values()) == 2
    assert [status.is_met for status in history].count(True) == 2


def test_parse_and_shift_month():
    assert compliance.parse_month("2026-05") == date(2026, 5, 1)
    assert compliance.parse_month("May", default=None) is None
    assert compliance.shift_month(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert compliance.shift_month(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert compliance.this_month(datetime(2026, 4, 30, 16, 30, tzinfo=ZoneInfo("UTC"))) == date(2026, 5, 1)


def test_remind_monthly_duty_mails_members_without_a_planned_activity(org, other_org, delivered):
    month = compliance.this_month()
    starts = datetime(month.year, month.month, 15, 10, tzinfo=SHANGHAI)
    EventFactory(organization=org, starts_at=starts, ends_at=starts + timedelta(hours=2))
    EventFactory(organization=other_org, starts_at=starts, ends_at=starts + timedelta(hours=2), state="draft")
    call_command("remind_monthly_duty", "--dry-run")
    assert mail.outbox == []
    with delivered():
        call_command("remind_monthly_duty")
    assert len(mail.outbox) == 1
    assert other_org.email in mail.outbox[0].to
    assert f"{month:%Y-%m}" in mail.outbox[0].subject


def test_compliance_page_month_selector_and_export(client, staff_user, org, other_org):
    completed_activity(org, shanghai(2026, 3, 31, 23, 0))
    client.force_login(staff_user)
    response = client.get("/staff/monthly-activity/", {"month": "2026-03"})
    assert response.context["month"] == date(2026, 3, 1)
    assert [(row.name, row.activity_count) for row in response.context["rows"]] == [(other_org.name, 0), (org.name, 1)]
    export = client.get("/staff/monthly-activity/export.csv", {"month": "2026-03"})
    assert export["Content-Type"].startswith("text/csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[1:] == [f"{other_org.name},0,no", f"{org.name},1,yes"]
    future = client.get("/staff/monthly-activity/", {"month": "2999-01"})
    assert future.context["month"] == compliance.this_month(timezone.now())


def test_month_totals_count_members_and_those_below_the_duty(org, other_org):
    newcomer = OrganizationFactory()
    MembershipFactory(organization=newcomer, status="active", joined_on=date(2026, 6, 15))
    completed_activity(org, shanghai(2026, 5, 3, 9))
    completed_activity(org, shanghai(2026, 5, 4, 9))
    completed_activity(newcomer, shanghai(2026, 5, 20, 9))  # before it joined: not listed in May
    assert compliance.month_totals(date(2026, 5, 1)) == {"members": 2, "below": 1}
    assert compliance.month_totals(date(2026, 6, 1)) == {"members": 3, "below": 3}
    rows = list(compliance.compliance_for_month(date(2026, 5, 1)))
    assert compliance.month_totals(date(2026, 5, 1)) == {
        "members": len(rows),
        "below": sum(1 for row in rows if row.activity_count < compliance.DUTY_PER_MONTH),
    }


def _members(count):
    """`count` more active members since 2020, named Member 00, Member 01, …; every third held an activity
    in March 2026.
    """
    for n in range(count):
        organization = OrganizationFactory(name=f"Member {n:02}")
        MembershipFactory(organization=organization, status="active", joined_on=date(2020, 1, 1))
        if n % 3 == 0:
            completed_activity(organization, shanghai(2026, 3, 10, 9))


def test_compliance_page_is_paginated_below_the_duty_first(client, staff_user, org, other_org):
    _members(60)  # 62 members in all; 20 held an activity, 42 are below the duty
    completed_activity(org, shanghai(2026, 3, 11, 9))
    completed_activity(org, shanghai(2026, 3, 12, 9))
    client.force_login(staff_user)
    url = reverse("events:compliance")
    first = client.get(url, {"month": "2026-03"})
    assert first.context["totals"] == {"members": 62, "below": 41}
    assert first.context["page_obj"].paginator.num_pages == 2
    rows = first.context["rows"]
    assert len(rows) == 50
    assert [row.activity_count for row in rows[:41]] == [0] * 41
    assert rows[0].name == other_org.name  # "Elderly Volunteers Centre" before "Member 01"
    content = first.content.decode()
    assert "41 members below the duty" in content and "62 members in all" in content
    assert "?month=2026-03&amp;page=2" in content  # the month stays in the pagination links

    second = client.get(url, {"month": "2026-03", "page": 2})
    rows = second.context["rows"]
    # the rest of those who met the duty, by activities then name; the organization with two comes last
    assert [(row.name, row.activity_count) for row in rows] == [
        *[(f"Member {n:02}", 1) for n in range(27, 60, 3)],
        (org.name, 2),
    ]
    assert second.context["totals"] == first.context["totals"]
    assert client.get(url, {"month": "2026-03", "page": 3}).status_code == 404


@pytest.mark.parametrize("count", [3, 60])
def test_compliance_page_query_count_does_not_grow_with_data(
    client, staff_user, org, other_org, django_assert_num_queries, count
):
    _members(count)
    client.force_login(staff_user)
    # session, user, totals (one aggregate, which also gives the paginator its count), page of members with
    # their counts, the frame's account, reviewer and unread-notification lookups, and, on the first staff
    # request after logging in, the staff session's sliding expiry saved (an UPDATE in a savepoint) …
    with django_assert_num_queries(10):
        response = client.get(reverse("events:compliance"), {"month": "2026-03"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(count + 2, 50)
    assert response.context["paginator"].count == count + 2
    # … which is not repeated within the minute
    with django_assert_num_queries(7):
        client.get(reverse("events:compliance"), {"month": "2026-03"})
