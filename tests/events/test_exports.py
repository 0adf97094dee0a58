import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.spreadsheets import safe_cell
from members.models import Membership
from tests.events.factories import EventFactory, RegistrationFactory, completed_activity

pytestmark = pytest.mark.django_db

HOSTILE = ["=HYPERLINK(\"http://evil\")", "+1+2", "-3+4", "@SUM(A1)", "\tTab", "\rReturn"]


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_cell_defuses_formulas(value):
    assert safe_cell(value) == "'" + value


def test_safe_cell_keeps_ordinary_values():
    assert safe_cell("王秀英") == "王秀英"
    assert safe_cell("13812345678") == "13812345678"
    assert safe_cell(3) == 3
    assert safe_cell(None) == ""


@pytest.fixture
def event_with_hostile_names(org):
    event = EventFactory(organization=org)
    for index, name in enumerate(HOSTILE):
        RegistrationFactory(event=event, name=name, mobile=f"1391234560{index}")
    RegistrationFactory(event=event, name="王秀英", mobile="13812345678")
    return event


def test_csv_export_of_own_event(client, org_user, event_with_hostile_names):
    client.force_login(org_user)
    response = client.get(reverse("events:manage-export", args=[event_with_hostile_names.pk, "csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:2] == ["Name", "Mobile number"]
    names = [row[0] for row in rows[1:]]
    assert "王秀英" in names
    assert ["13812345678"] == [row[1] for row in rows[1:] if row[0] == "王秀英"]
    assert all(not name.startswith(("=", "+", "-", "@", "\t", "\r")) for name in names)


def test_excel_export_never_writes_formulas(client, org_user, event_with_hostile_names):
    client.force_login(org_user)
    response = client.get(reverse("events:manage-export", args=[event_with_hostile_names.pk, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "'=HYPERLINK(\"http://evil\")" in names
    assert "王秀英" in names


def test_unknown_export_format_is_404(client, org_user, event_with_hostile_names):
    client.force_login(org_user)
    assert client.get(reverse("events:manage-export", args=[event_with_hostile_names.pk, "pdf"])).status_code == 404


def test_excel_export_has_the_header_and_one_row_per_sign_up_in_local_time(client, org_user, org):
    event = EventFactory(organization=org)
    RegistrationFactory(
        event=event, name="王秀英", mobile="13812345678", email="wang@example.org",
        checked_in_at=datetime(2028, 2, 29, 1, 5, tzinfo=ZoneInfo("UTC")),
    )
    client.force_login(org_user)
    response = client.get(reverse("events:manage-export", args=[event.pk, "xlsx"]))
    assert response["Content-Disposition"] == f'attachment; filename="event-{event.pk}-registrations.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Name", "Mobile number", "Email", "Status", "Signed up at", "Checked in at"]
    assert len(rows) == 2
    name, mobile, email, status, signed_up, checked_in = rows[1]
    assert (name, mobile, email, status) == ("王秀英", "13812345678", "wang@example.org", "Confirmed")
    assert checked_in == "2028-02-29 09:05"  # Shanghai time
    assert signed_up == timezone.localtime(event.registrations.get().created_at).strftime("%Y-%m-%d %H:%M")
    assert sheet.title == "Registrations"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_staff_monthly_activity_export_in_both_formats(client, staff_user, org, other_org, file_format):
    Membership.objects.update(joined_on=date(2020, 1, 1))
    org.name = "=cmd|' /C calc'!A0"
    org.save()
    completed_activity(org, datetime(2025, 3, 31, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    client.force_login(staff_user)
    response = client.get(reverse("events:compliance-export", args=[file_format]), {"month": "2025-03"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="monthly-activity-2025-03.{file_format}"'
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.title == "2025-03"
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        rows = [[str(value) for value in row] for row in rows]
    assert rows == [
        ["Organization", "Community activities", "Duty met"],
        [other_org.name, "0", "no"],
        ["'=cmd|' /C calc'!A0", "1", "yes"],
    ]
