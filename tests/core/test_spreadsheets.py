"""Admin exports (filters applied, formulas neutralised) and the Excel ledger import (preview, all or nothing)."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.http import Http404
from django.urls import reverse
from django.utils.functional import lazystr

from core.spreadsheets import safe_cell, spreadsheet_response, write_csv, write_xlsx
from members.models import Community, Organization
from members.resources import OrganizationResource
from tests.members.factories import MembershipFactory, OrganizationFactory, valid_credit_code

pytestmark = pytest.mark.django_db

FIELDS = [
    "name",
    "credit_code",
    "org_type",
    "founded_on",
    "registration_authority",
    "service_fields",
    "communities",
    "address",
    "contact_person",
    "contact_phone",
    "email",
    "summary",
    "government_funded",
    "star_rating",
    "has_party_organization",
]


def export(client, fmt, query=""):
    data = {"resource": "0", "format": fmt, **{f"organizationresource_{name}": "on" for name in FIELDS}}
    return client.post(reverse("admin:members_organization_export") + query, data)


HOSTILE = ['=HYPERLINK("http://evil","x")', "+86 138", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_triggers_are_neutralised(value):
    assert safe_cell(value) == "'" + value
    assert safe_cell("长寿") == "长寿"
    assert safe_cell(5) == 5


def test_values_keep_their_type_and_times_are_local():
    assert safe_cell(None) == ""
    assert safe_cell(Decimal("12.50")) == Decimal("12.50")
    assert safe_cell(date(2028, 2, 29)) == date(2028, 2, 29)
    assert safe_cell(datetime(2028, 12, 31, 15, 30, tzinfo=UTC)) == "2028-12-31 23:30"  # Shanghai
    assert safe_cell(True) is True
    assert safe_cell(lazystr("Name")) == "Name"  # lazy translations


def test_csv_writer_neutralises_every_trigger_in_header_and_rows():
    text = write_csv(["=head", "Name"], [[value, f"ok {n}"] for n, value in enumerate(HOSTILE)])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert rows[0] == ["'=head", "Name"]
    assert [row[0] for row in rows[1:]] == ["'" + value for value in HOSTILE]
    assert [row[1] for row in rows[1:]] == [f"ok {n}" for n in range(len(HOSTILE))]


def test_excel_writer_neutralises_every_trigger_and_opens_with_its_headers_and_rows():
    rows = [[value, n, date(2028, 2, 29)] for n, value in enumerate(HOSTILE)] + [["王秀英\x07", 7, None]]
    content = write_xlsx(["=head", "Count", "Day"], rows, title="报名/名单:2028")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    assert sheet.title == "报名名单2028"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["'=head", "Count", "Day"]
    # (the file's XML gives a carriage return back as a line feed)
    assert [row[0] for row in values[1:-1]] == ["'" + value.replace("\r", "\n") for value in HOSTILE]
    assert [row[1] for row in values[1:]] == [*range(len(HOSTILE)), 7]
    assert values[1][2] == datetime(2028, 2, 29)  # a date stays a date
    assert values[-1][0] == "王秀英\N{REPLACEMENT CHARACTER}"  # a control character Excel cannot hold
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold


@pytest.mark.parametrize(("file_format", "content_type"), [("csv", "text/csv"), ("xlsx", "application/vnd.openxml")])
def test_spreadsheet_response_names_the_file_and_refuses_other_formats(file_format, content_type):
    response = spreadsheet_response(file_format, "sign-ups", ["Name"], [["=1"]], title="Sign-ups")
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"] == f'attachment; filename="sign-ups.{file_format}"'
    with pytest.raises(Http404):
        spreadsheet_response("pdf", "sign-ups", ["Name"], [])


def test_csv_export_applies_the_changelist_filters_and_never_writes_formulas(client, staff_user):
    member = OrganizationFactory(name='=HYPERLINK("http://evil")', summary="@SUM(1)")
    MembershipFactory(organization=member, status="active")
    outsider = OrganizationFactory(name="Not a member")
    MembershipFactory(organization=outsider, status="applied")
    client.force_login(staff_user)
    response = export(client, "0", "?membership__status__exact=active")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    names = [row[0] for row in rows[1:]]
    assert names == ['\'=HYPERLINK("http://evil")']
    assert "'@SUM(1)" in rows[1]


def test_xlsx_export_cells_are_text_not_formulas(client, staff_user):
    OrganizationFactory(name="=1+1")
    client.force_login(staff_user)
    response = export(client, "1")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in sheet["A"]]
    assert "'=1+1" in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def ledger(rows, headers=("名称", "统一社会信用代码", "组织类型", "服务领域", "服务社区", "政府资助背景", "星级")):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "台账.xlsx"
    return buffer


def import_ledger(client, file):
    return client.post(
        reverse("admin:members_organization_import"), {"resource": "0", "format": "1", "import_file": file}
    )


def test_ledger_import_previews_then_imports(client, staff_user):
    Community.objects.create(name="西康居委会", code="C1")
    client.force_login(staff_user)
    response = import_ledger(
        client,
        ledger(
            [
                (
                    "西康书画社",
                    valid_credit_code(501),
                    "社会服务机构(民办非企业单位)",
                    "文化艺术，志愿服务",  # a full-width comma separates too
                    "西康居委会",
                    "是",
                    3,
                ),
                ("西康合唱团队", None, "社区群众活动团队（备案）", "文化艺术", "", "否", 0),  # full-width too
            ]
        ),
    )
    assert response.status_code == 200
    assert "confirm_form" in response.context
    assert not Organization.objects.filter(name="西康书画社").exists()  # a dry run so far

    confirm = response.context["confirm_form"]
    response = client.post(reverse("admin:members_organization_process_import"), confirm.initial)
    assert response.status_code == 302
    painting = Organization.objects.get(name="西康书画社")
    assert painting.org_type == "service_agency"
    assert painting.government_funded is True
    assert painting.star_rating == 3
    assert {str(f.code) for f in painting.service_fields.all()} == {"culture_arts", "volunteering"}
    assert [c.name for c in painting.communities.all()] == ["西康居委会"]
    choir = Organization.objects.get(name="西康合唱团队")
    assert choir.credit_code is None and choir.org_type == "community_team"


def test_ledger_with_one_bad_row_imports_nothing_and_names_the_row(client, staff_user):
    client.force_login(staff_user)
    response = import_ledger(
        client,
        ledger(
            [
                ("好组织", valid_credit_code(601), "社会团体", "", "", "否", 0),
                ("坏组织", "91350100M000100Y44", "社会团体", "", "", "否", 0),
                ("未知类型组织", valid_credit_code(602), "外星组织", "", "", "否", 0),
            ]
        ),
    )
    assert response.status_code == 200
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    result = response.context["result"]
    assert result.has_validation_errors() or result.has_errors()
    invalid_rows = {row.number for row in result.invalid_rows}
    error_rows = {number for number, _ in result.row_errors()}
    assert {2, 3} <= invalid_rows | error_rows
    content = response.content.decode()
    assert "check digit" in content
    assert not Organization.objects.filter(name__in=["好组织", "坏组织", "未知类型组织"]).exists()


def test_round_trip_export_then_import_changes_nothing(staff_user):
    organization = OrganizationFactory(name="往返组织", summary="原样", government_funded=True, star_rating=2)
    dataset = OrganizationResource().export()
    result = OrganizationResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] + result.totals["new"] == 0
    organization.refresh_from_db()
    assert (organization.summary, organization.government_funded, organization.star_rating) == ("原样", True, 2)


def test_only_staff_reach_export_and_import(client, org_user):
    client.force_login(org_user)
    for name in ("admin:members_organization_export", "admin:members_organization_import"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("admin:login") in response.url
