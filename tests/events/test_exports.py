import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from events.exports import safe_cell
from tests.events.factories import EventFactory, RegistrationFactory

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
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
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
