"""Issue 20's "done when", in the demo: staff download the last quarter's report and every number on it matches
/staff/stats/ for that quarter; renaming a row label in the admin changes the next download; a deliberately
inconsistent figure is caught by the checks; an organization downloads its 年报 draft with its activities."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from events.models import Event
from reports.annual import TO_FILL
from reports.models import ReportDownload, ReportTemplate
from stats import figures

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def demo_staff(demo_world):
    return User.objects.get(username="staff")  # the demo's street-office clerk, in the staff group


def _download(client, period, template=None):
    template = template or ReportTemplate.objects.default()
    response = client.post(reverse("reports:download"), {"period": str(period), "template": template.pk})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _values(sheet):
    return [cell for row in sheet.iter_rows(min_row=2, values_only=True) for cell in row if cell not in (None, "")]


def test_staff_download_the_last_quarter_and_every_number_matches_the_staff_statistics(client, demo_staff):
    quarter = figures.last_ended_quarter()
    client.force_login(demo_staff)
    page = client.get(reverse("reports:staff"))
    assert page.context["period"] == quarter and not page.context["failed"]  # the demo's data pass every check
    statistics = client.get(reverse("stats:staff"), {"period": str(quarter)}).context["period_data"]
    book = _download(client, quarter)
    assert ReportDownload.objects.filter(user=demo_staff, period=str(quarter)).exists()
    organizations = statistics["organizations"]
    a = list(book["A 社会组织分类"].iter_rows(min_row=2, values_only=True))
    assert [row[1:] for row in a[:4]] == [(row["total"], row["new"], row["closed"]) for row in organizations["rows"]]
    assert a[4][1:] == tuple(organizations["total"].values()) and a[5][1] == organizations["registered"]
    assert organizations["total"]["closed"] >= 1  # the demo's cancelled filing
    members = statistics["members"]
    assert _values(book["B 会员单位"])[1:8:2] == [members[key] for key in ("start", "joined", "left", "end")]
    c = [row for row in book["C 活动开展"].iter_rows(min_row=2, values_only=True) if row[1] == "小计"]
    kinds = statistics["activities"]["kinds"]
    assert sorted(row[2:] for row in c) == sorted(
        tuple(totals[m] for m in ("events", "participants", "beneficiaries", "volunteers")) for totals in kinds.values()
    )
    d = list(book["D 政府购买服务"].iter_rows(min_row=2, values_only=True))
    assert d[-1][1:] == (statistics["government"]["projects"], statistics["government"]["amount"])
    party = statistics["party"]
    assert _values(book["E 党组织覆盖"])[1::2] == [
        party["members"], party["with_party"], party["without_party"], party["coverage"]
    ]
    assert len(list(book["F 品牌与优秀项目"].iter_rows(min_row=2))) == len(statistics["projects"]["rows"])
    # The month-by-kind chart of /staff/stats/ for the quarter's year counts the same events.
    months, _kinds, counts, _held = figures.events_by_month_and_kind(quarter.filters())
    for kind, totals in kinds.items():
        assert totals["events"] == sum(counts.get((month, kind), 0) for month in quarter.months)


def test_renaming_a_row_label_in_the_admin_changes_the_next_download(client, demo_staff):
    quarter = figures.last_ended_quarter()
    template = ReportTemplate.objects.default()
    client.force_login(demo_staff)
    assert _download(client, quarter)["A 社会组织分类"]["A2"].value == "社会团体"
    label = template.label_rows.get(key="A.social_group")
    response = client.post(reverse("admin:reports_reporttemplate_change", args=[template.pk]), {
        "name": template.name, "is_default": "on", "description": "",
        "label_rows-TOTAL_FORMS": "1", "label_rows-INITIAL_FORMS": "1", "label_rows-MIN_NUM_FORMS": "0",
        "label_rows-MAX_NUM_FORMS": "1000", "label_rows-0-id": label.pk, "label_rows-0-template": template.pk,
        "label_rows-0-key": "A.social_group", "label_rows-0-label": "社会团体（社团）",
        "label_rows-0-position": label.position,
    })
    assert response.status_code == 302
    assert _download(client, quarter)["A 社会组织分类"]["A2"].value == "社会团体（社团）"


def test_a_deliberately_inconsistent_figure_is_caught_by_the_checks(client, demo_staff):
    quarter = figures.last_ended_quarter()
    # A completed activity of the quarter whose report is lost: its participants are missing from sheet C.
    event = Event.objects.filter(
        state=Event.State.COMPLETED, starts_at__gte=quarter.start, starts_at__lt=quarter.end, report__isnull=False
    ).first()
    event.report.delete()
    client.force_login(demo_staff)
    page = client.get(reverse("reports:staff"))
    assert [check.name for check in page.context["failed"]] == [
        "Every completed event has its after-event report (participants)"
    ]
    assert event.title in page.content.decode()
    failed = [row for row in _download(client, quarter)["校验"].iter_rows(values_only=True) if row[1] == "未通过"]
    assert len(failed) == 1 and event.title in failed[0][2]


def test_an_organization_downloads_its_annual_report_draft_with_its_activities(client, demo_world):
    user = User.objects.get(email="org@changshou.demo")
    organization = user.org_account.organization
    year = figures.current_year()
    client.force_login(user)
    response = client.get(reverse("reports:annual-xlsx", args=[year]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    titles = [row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    held = Event.objects.listed().filter(organization=organization, starts_at__year=year)
    assert titles and len(titles) == held.count()
    assert str(TO_FILL) in [row[1] for row in book.worksheets[0].iter_rows(values_only=True)]
