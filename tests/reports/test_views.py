"""/staff/reports/ and the organizations' annual report drafts: who may open them, what they show and download."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from openpyxl import load_workbook

from core.permissions import STAFF_GROUP
from reports.models import ReportDownload, ReportTemplate
from stats import figures
from tests.clock import shanghai
from tests.events.factories import EventFactory, completed_activity
from tests.members.factories import UserFactory
from tests.reports.factories import ReportLabelFactory, quarter_data

pytestmark = [pytest.mark.django_db, pytest.mark.clock(2026, 10, 15, 10)]


@pytest.fixture
def clerk(db):
    """A member of the street office's staff group, not a superuser."""
    user = UserFactory(username="clerk", is_staff=True)
    user.groups.add(Group.objects.get(name=STAFF_GROUP))
    return user


def download(client, period="2026-Q3", template=None):
    template = template or ReportTemplate.objects.default()
    return client.post(reverse("reports:download"), {"period": period, "template": template.pk})


def test_reports_page_is_for_staff_with_the_permission(client, org_user, clerk):
    url = reverse("reports:staff")
    assert client.get(url).status_code == 302  # to log in
    client.force_login(org_user)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(is_staff=True))  # staff without the permission
    assert client.get(url).status_code == 403
    assert download(client).status_code == 403
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["period"] == figures.Period(2026, "Q", 3)  # the last quarter that ended
    assert client.get(reverse("reports:download")).status_code == 405


def test_staff_download_the_q3_report_and_the_download_is_recorded(client, clerk):
    quarter_data()
    client.force_login(clerk)
    page = client.get(reverse("reports:staff"), {"period": "2026-Q3"}).content.decode()
    assert "Every check passed." in page
    response = download(client)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="report-2026-Q3-')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "A 社会组织分类" and book.sheetnames[-1] == "校验"
    record = ReportDownload.objects.get()
    assert (record.user, record.period, record.template_name) == (clerk, "2026-Q3", "街道季报")
    assert record.at == shanghai(2026, 10, 15, 10) or record.at > shanghai(2026, 10, 15, 10)
    assert "2026-Q3" in client.get(reverse("reports:staff")).content.decode()  # in the list of downloads


def test_the_q3_figures_on_the_staff_statistics_page_are_the_reports(client, clerk):
    quarter_data()
    client.force_login(clerk)
    response = client.get(reverse("stats:staff"), {"period": "2026-Q3"})
    assert response.context["period_data"] == figures.period_figures(figures.Period(2026, "Q", 3))
    book = load_workbook(io.BytesIO(download(client).content))
    page = response.content.decode()
    a = list(book["A 社会组织分类"].iter_rows(values_only=True))
    row = response.context["period_data"]["organizations"]["rows"][0]
    assert a[1][1:] == (row["total"], row["new"], row["closed"])
    assert f"<td>{row['total']}</td><td>{row['new']}</td><td>{row['closed']}</td>" in page


def test_a_failing_check_is_shown_on_the_page(client, clerk):
    made = quarter_data()
    EventFactory(organization=made["old_group"], state="completed", starts_at=shanghai(2026, 9, 1, 9),
                 ends_at=shanghai(2026, 9, 1, 11), title="Unreported fair")
    client.force_login(clerk)
    page = client.get(reverse("reports:staff"), {"period": "2026-Q3"}).content.decode()
    assert "1 check failed" in page and "Unreported fair" in page


def test_an_unknown_key_in_a_template_is_a_clear_error_and_no_download(client, clerk):
    template = ReportLabelFactory(key="Z.wrong").template
    client.force_login(clerk)
    page = client.get(reverse("reports:staff"), {"template": template.pk}).content.decode()
    assert "Z.wrong" in page and "labels figure keys the report does not have" in page
    response = download(client, template=template)
    assert response.status_code == 302 and not ReportDownload.objects.exists()


def test_the_template_admin_refuses_an_unknown_key(client, clerk):
    template = ReportTemplate.objects.default()
    client.force_login(clerk)
    url = reverse("admin:reports_reporttemplate_change", args=[template.pk])
    assert client.get(url).status_code == 200
    row = template.label_rows.get(key="A.social_group")
    data = {"name": template.name, "is_default": "on", "description": "",
            "label_rows-TOTAL_FORMS": "2", "label_rows-INITIAL_FORMS": "1", "label_rows-MIN_NUM_FORMS": "0",
            "label_rows-MAX_NUM_FORMS": "1000",
            "label_rows-0-id": row.pk, "label_rows-0-template": template.pk, "label_rows-0-key": "A.social_group",
            "label_rows-0-label": "社团", "label_rows-0-position": "10",
            "label_rows-1-template": template.pk, "label_rows-1-key": "A.bogus", "label_rows-1-label": "x",
            "label_rows-1-position": "1"}
    response = client.post(url, data)
    assert response.status_code == 200 and "Unknown figure key A.bogus" in response.content.decode()


@pytest.mark.parametrize("size", [1, 5])
def test_reports_page_query_count_does_not_grow(client, clerk, django_assert_num_queries, size):
    for _index in range(size):
        quarter_data()
    client.force_login(clerk)
    client.get(reverse("reports:staff"))  # the session's renewal
    for _index in range(size):
        download(client)
    # session and user, the frame's staff lookups (3), the default template, the templates to choose from, the
    # labels, the period's figures (12: stats.figures.period_figures), the group permissions, the downloads
    with django_assert_num_queries(23):
        assert client.get(reverse("reports:staff")).status_code == 200


# The annual report draft


def test_annual_report_is_the_organizations_own_for_its_admins(client, org_user, org_editor, other_org_user):
    url = reverse("reports:annual", args=[2026])
    assert client.get(url).status_code == 302
    client.force_login(org_editor)
    assert client.get(url).status_code == 403
    client.force_login(org_user)
    assert client.get(url).status_code == 200
    assert client.get(reverse("reports:annual", args=[2027])).status_code == 404
    assert client.get(reverse("reports:annual-index")).url == url


def test_only_administrators_are_offered_the_annual_report_in_the_portal_menu(client, org_user, org_editor):
    link = f'href="{reverse("reports:annual-index")}"'
    client.force_login(org_editor)
    page = client.get(reverse("members:portal")).content.decode()
    assert link not in page
    assert f'href="{reverse("events:manage-list")}"' in page  # the rest of the menu is there
    client.force_login(org_user)
    assert link in client.get(reverse("members:portal")).content.decode()


def test_an_organization_downloads_its_2026_draft_with_its_activities(client, org, org_user, other_org):
    completed_activity(org, shanghai(2026, 9, 30, 23, 30), title="Late haircuts", place="Room 1")
    completed_activity(other_org, shanghai(2026, 9, 2, 9), title="Not ours")
    EventFactory(organization=org, starts_at=shanghai(2026, 11, 5, 9), ends_at=shanghai(2026, 11, 5, 11),
                 state="completed", title="Unreported talk")
    client.force_login(org_user)
    page = client.get(reverse("reports:annual", args=[2026])).content.decode()
    assert "Late haircuts" in page and "Not ours" not in page and "To be filled in" in page
    response = client.get(reverse("reports:annual-xlsx", args=[2026]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Basic data", "Activities of the year", "Projects and funding", "Leaders and council",
        "Membership and party building", "Finances and donations",
    ]
    activities = list(book["Activities of the year"].iter_rows(values_only=True))
    assert activities[0][:3] == ("Date", "Title", "Place")
    assert activities[1][1:3] == ("Late haircuts", "Room 1") and activities[1][5] == 20  # a number
    assert activities[2][1] == "Unreported talk" and activities[2][5] == "To be filled in"
    basic = dict(row[:2] for row in book["Basic data"].iter_rows(values_only=True))
    assert basic["Name"] == org.name and basic["Legal representative"] == "To be filled in"


def test_the_draft_records_a_change_of_contact_person_in_the_year(client, org, org_user, clock):
    clock.move_to(2026, 3, 1, 9)
    org.contact_person = "Wang"
    org.save()
    clock.move_to(2026, 6, 1, 9)
    org.contact_person = "Li"
    org.save()
    clock.move_to(2026, 10, 15, 10)
    client.force_login(org_user)
    page = client.get(reverse("reports:annual", args=[2026])).content.decode()
    assert "Wang → Li" in page


def test_the_staff_dashboard_and_statistics_link_to_the_reports_for_staff_who_may_download(client, clerk):
    client.force_login(clerk)
    for name in ("stats:dashboard", "stats:staff"):
        assert reverse("reports:staff") in client.get(reverse(name)).content.decode()
    other = UserFactory(username="clerk2", is_staff=True)
    other.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    client.force_login(other)
    response = client.get(reverse("stats:dashboard"))
    assert response.status_code == 200 and reverse("reports:staff") not in response.content.decode()


@pytest.mark.parametrize("activities", [3, 30])
def test_annual_report_query_count_does_not_grow(client, org, org_user, django_assert_num_queries, activities):
    for index in range(activities):
        completed_activity(org, shanghai(2026, 1 + index % 9, 1 + index % 28, 9), title=f"Activity {index}")
    client.force_login(org_user)
    client.get(reverse("reports:annual", args=[2026]))  # the session's renewal
    # session, user, account and organization, the frame's lookups, the profile's service fields and communities,
    # the year's events with their reports and communities, the projects, the profile's history, the council
    # seats, the membership and its changes
    with django_assert_num_queries(13):
        assert client.get(reverse("reports:annual", args=[2026])).status_code == 200
    with django_assert_num_queries(11):  # no page frame
        assert client.get(reverse("reports:annual-xlsx", args=[2026])).status_code == 200


def test_a_period_or_template_that_is_not_offered_falls_back_on_the_defaults(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("reports:staff"), {"period": "2031-Q1", "template": "999"})
    assert response.status_code == 200 and str(response.context["period"]) == "2026-Q3"
    response = client.post(reverse("reports:download"), {"period": "2031-Q1", "template": "999"})
    assert response.status_code == 302 and not ReportDownload.objects.exists()
    staff_stats = client.get(reverse("stats:staff"), {"period": "nonsense"})
    assert str(staff_stats.context["period"]) == "2026-Q3"
