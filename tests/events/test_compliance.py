from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from events import compliance
from events.models import Event, EventReport
from members.models import Membership
from members.services import approve_membership
from tests.events.factories import EventFactory, EventReportFactory, completed_activity
from tests.members.factories import MembershipFactory, OrganizationAccountFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _members_since_2020(org, other_org):
    Membership.objects.update(joined_on=date(2020, 1, 1))
    for organization in (org, other_org):
        organization.membership.refresh_from_db()


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


@pytest.mark.clock(2027, 3, 1, 9)
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


@pytest.mark.clock(2026, 6, 10, 9)
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
    assert future.context["month"] == date(2026, 6, 1)


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
    last = client.get(url, {"month": "2026-03", "page": 3}).context["rows"]  # past the end: the last page
    assert list(last) == list(rows)


@pytest.mark.parametrize("count", [3, 60])
def test_compliance_page_query_count_does_not_grow_with_data(
    client, staff_user, org, other_org, django_assert_num_queries, count
):
    _members(count)
    EventReport.objects.update(checked_in=3, attendance_note="Most signed the paper sheet only.")
    client.force_login(staff_user)
    # session, user, totals (one aggregate, which also gives the paginator its count), page of members with
    # their counts, the month's reports whose attendance differs from the check-ins, the neighbourhood committees'
    # confirmed and disputed counts (one aggregate), the frame's account,
    # reviewer and unread-notification lookups, and, on the first staff request after logging in, the staff
    # session's sliding expiry saved (an UPDATE in a savepoint) …
    with django_assert_num_queries(12):
        response = client.get(reverse("events:compliance"), {"month": "2026-03"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(count + 2, 50)
    assert response.context["paginator"].count == count + 2
    assert response.content.decode().count("Most signed the paper sheet only.") == len(range(0, count, 3))
    # … which is not repeated within the minute
    with django_assert_num_queries(9):
        client.get(reverse("events:compliance"), {"month": "2026-03"})


# This month is in progress, on every duty page, at the edges of months and years ---------------------------

def _edge(moment, name):
    """A test parameter `moment`, which is also the test's clock."""
    return pytest.param(moment, marks=pytest.mark.clock(moment), id=name)


EDGES = [
    _edge(shanghai(2027, 3, 1, 0, 30), "first-of-month-00h30-still-the-month-before-in-utc"),
    _edge(shanghai(2027, 4, 30, 23, 30), "last-of-month-23h30-15h30-utc"),
    _edge(shanghai(2026, 12, 31, 23, 30), "31-december-23h30"),
    _edge(shanghai(2027, 1, 1, 0, 30), "1-january-00h30-still-the-year-before-in-utc"),
    _edge(shanghai(2028, 2, 29, 12), "29-february"),
]


def _last_month(moment):
    return compliance.shift_month(date(moment.year, moment.month, 1), -1)


@pytest.mark.parametrize("moment", EDGES)
def test_staff_page_shows_this_month_in_progress_and_last_month_below_the_duty(
    client, staff_user, org, other_org, moment
):
    month, last_month = date(moment.year, moment.month, 1), _last_month(moment)
    completed_activity(org, shanghai(last_month.year, last_month.month, 10, 9))  # other_org held none
    client.force_login(staff_user)

    page = client.get(reverse("events:compliance"))
    assert page.context["month"] == month and page.context["is_current"]
    assert page.context["totals"] == {"members": 2, "below": 2}
    content = page.content.decode()
    assert "This month is still in progress." in content
    assert "0 members have met the duty so far" in content and "2 members without an activity yet" in content
    assert content.count("In progress</span>") == 2
    assert "below the duty" not in content and "Below</span>" not in content
    chinese = client.get(reverse("events:compliance"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "未达标" not in chinese and "本月仍在进行中。" in chinese
    export = client.get(reverse("events:compliance-export", args=["csv"])).content.decode("utf-8-sig")
    assert export.splitlines()[1:] == [f"{other_org.name},0,in progress", f"{org.name},0,in progress"]

    page = client.get(reverse("events:compliance"), {"month": f"{last_month:%Y-%m}"})
    assert not page.context["is_current"]
    content = page.content.decode()
    assert "1 member below the duty" in content and "in progress" not in content.lower()
    assert content.count("Below</span>") == 1
    export = client.get(reverse("events:compliance-export", args=["csv"]), {"month": f"{last_month:%Y-%m}"})
    assert export.content.decode("utf-8-sig").splitlines()[1:] == [f"{other_org.name},0,no", f"{org.name},1,yes"]


@pytest.mark.parametrize("moment", EDGES)
def test_staff_dashboard_follows_up_last_month_and_shows_this_month_in_progress(
    client, staff_user, org, other_org, moment
):
    month, last_month = date(moment.year, moment.month, 1), _last_month(moment)
    completed_activity(org, shanghai(last_month.year, last_month.month, 10, 9))
    client.force_login(staff_user)
    response = client.get(reverse("stats:dashboard"))
    tasks = {task["url"]: task for task in response.context["tasks"] if "monthly-activity" in task["url"]}
    url = reverse("events:compliance")
    assert tasks[f"{url}?month={last_month:%Y-%m}"]["count"] == 1  # other_org
    assert not tasks[f"{url}?month={last_month:%Y-%m}"].get("in_progress")
    assert tasks[f"{url}?month={month:%Y-%m}"]["count"] == 2
    assert tasks[f"{url}?month={month:%Y-%m}"]["in_progress"]
    content = response.content.decode()
    assert "Members below this month" not in content
    assert "text-bg-warning rounded-pill\">2<" in content


@pytest.mark.parametrize("moment", EDGES)
def test_organization_sees_this_month_in_progress(client, org, org_user, other_org, other_org_user, moment):
    month, last_month = date(moment.year, moment.month, 1), _last_month(moment)
    completed_activity(org, shanghai(last_month.year, last_month.month, 10, 9))
    client.force_login(org_user)
    response = client.get(reverse("members:portal"))
    history = response.context["panels"][0]["history"]
    assert history[-1].month == month and history[-1].is_in_progress and not history[-1].is_missed
    assert history[-2].month == last_month and history[-2].is_met
    table = response.content.decode().split('<tbody>')[1]
    assert table.index("In progress") < table.index("Met") < table.index("Missed")  # newest month first

    client.force_login(other_org_user)
    history = client.get(reverse("members:portal")).context["panels"][0]["history"]
    assert history[-1].is_in_progress and history[-2].is_missed
    chinese = client.get(reverse("members:portal"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert chinese.split("<tbody>")[1].index("进行中") < chinese.split("<tbody>")[1].index("未达标")


@pytest.mark.parametrize("moment", EDGES)
def test_months_before_an_organization_joined_are_not_missed(client, staff_user, moment):
    month, last_month = date(moment.year, moment.month, 1), _last_month(moment)
    applicant = OrganizationFactory(name="Newcomers Association")
    membership = MembershipFactory(organization=applicant, status=Membership.Status.APPLIED, joined_on=None)
    account = OrganizationAccountFactory(organization=applicant, role="admin")
    client.force_login(account.user)

    # still pending: no month counts, none is missed
    history = client.get(reverse("members:portal")).context["panels"][0]["history"]
    assert not any(status.is_counted or status.is_missed or status.is_in_progress for status in history)
    page = client.get(reverse("members:portal"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "未达标" not in page and "不计入" in page

    # approved today: this month counts and is in progress; the months before it joined do not count
    assert approve_membership(membership, acting_user=staff_user).joined_on == moment.date()  # Shanghai's date
    response = client.get(reverse("members:portal"))
    history = response.context["panels"][0]["history"]
    assert history[-1].month == month and history[-1].is_counted and history[-1].is_in_progress
    assert not any(status.is_counted or status.is_missed for status in history[:-1])
    content = response.content.decode()
    assert "Missed" not in content and content.count("Not counted</span>") == 11

    # the staff pages agree: listed this month (in progress), not last month
    assert applicant.name in counts(month)
    assert applicant.name not in counts(last_month)
    assert compliance.month_totals(month)["members"] == compliance.month_totals(last_month)["members"] + 1


@pytest.mark.clock(2027, 5, 20, 10)
def test_months_of_a_member_since_mid_month_count_from_that_month(org):
    Membership.objects.filter(organization=org).update(joined_on=date(2027, 3, 15))
    org.membership.refresh_from_db()
    history = compliance.organization_history(org)
    counted = [status.month for status in history if status.is_counted]
    assert counted == [date(2027, 3, 1), date(2027, 4, 1), date(2027, 5, 1)]
    assert [status.is_missed for status in history[-3:]] == [True, True, False]
    assert history[-1].is_in_progress
    assert org.name in counts(date(2027, 3, 1)) and org.name not in counts(date(2027, 2, 1))
