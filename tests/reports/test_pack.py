"""The reporting pack: every cell equal to the statistics functions, the checks, the labels as data."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reports import pack
from reports.layout import UnknownFigureKeyError
from reports.models import ReportTemplate
from reports.services import download_report, prepare_report
from stats import figures
from stats.figures import Period
from tests.clock import shanghai
from tests.events.factories import EventFactory
from tests.members.factories import UserFactory
from tests.reports.factories import ReportLabelFactory, quarter_data

pytestmark = [pytest.mark.django_db, pytest.mark.clock(2026, 10, 15, 10)]

Q3 = Period(2026, "Q", 3)
SHEETS = [
    "A 社会组织分类", "B 会员单位", "C 活动开展", "D 政府购买服务", "E 党组织覆盖", "F 品牌与优秀项目",
    "无活动会员", "校验",
]


def open_pack(period=Q3, template=None):
    template = template or ReportTemplate.objects.default()
    content, download = download_report(period, template, acting_user=UserFactory())
    return load_workbook(io.BytesIO(content)), download


def rows_of(sheet):
    """The sheet's rows without the empty cells at their ends."""
    rows = []
    for row in sheet.iter_rows(values_only=True):
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    return rows


def test_the_default_template_is_the_streets_quarterly_report_with_the_fixed_sheets():
    quarter_data()
    book, _download = open_pack()
    assert ReportTemplate.objects.default().name == "街道季报"
    assert book.sheetnames == SHEETS
    assert rows_of(book["A 社会组织分类"])[0] == ["类型", "期末数", "本期新增", "本期注销"]
    assert rows_of(book["C 活动开展"])[0] == ["活动类型", "社区", "场次", "参与人次", "受益人次", "志愿者人次"]


def test_every_cell_equals_the_statistics_functions_for_the_same_period():
    quarter_data()
    book, _download = open_pack()
    # A: per type and in total, from organizations_by_type; the registered ones as organizations_on gives them.
    by_type = figures.organizations_by_type(Q3)
    a = rows_of(book["A 社会组织分类"])[1:]
    labels = {"social_group": "社会团体", "service_agency": "社会服务机构", "foundation": "基金会",
              "community_team": "社区群众活动团队"}
    assert a[:4] == [[labels[row["type"]], row["total"], row["new"], row["closed"]] for row in by_type["rows"]]
    assert a[4] == ["合计", *by_type["total"].values()]
    assert a[5][1] == figures.organizations_on([Q3.last])[Q3.last][0]
    # B: members_on at the quarter's edges, the joins and departures.
    members = figures.member_changes(Q3)
    b = rows_of(book["B 会员单位"])
    assert b[1:5] == [["期初会员单位", members["start"]], ["本期入会", members["joined"]],
                      ["本期暂停或退会", members["left"]], ["期末会员单位", members["end"]]]
    assert members["end"] == figures.members_on([Q3.last])[Q3.last]
    # C: per kind and community, the subtotals per kind, and the events per month of the statistics page.
    activities = figures.activities_by_kind_and_community(Q3)
    c = rows_of(book["C 活动开展"])[1:]
    measures = ("events", "participants", "beneficiaries", "volunteers")
    community_rows = [row for row in c if row[1] not in ("小计", "", None)]
    expected = [[row["community_name"] or "未指定社区", *(row[m] for m in measures)] for row in activities["rows"]]
    assert sorted(row[1:] for row in community_rows) == sorted(expected)
    subtotals = {row[0]: row[2:] for row in c if row[1] == "小计"}
    assert subtotals["社区公益活动"] == [activities["kinds"]["community_activity"][m] for m in measures]
    months, _kinds, counts, _held = figures.events_by_month_and_kind(Q3.filters())
    for kind, label in (("community_activity", "社区公益活动"), ("training", "专项培训")):
        assert subtotals[label][0] == sum(counts.get((month, kind), 0) for month in Q3.months)
    assert c[-1][0] == "合计" and c[-1][2:] == [sum(values[i] for values in subtotals.values()) for i in range(4)]
    # D, E, F
    government = figures.government_purchased_services(Q3)
    d = rows_of(book["D 政府购买服务"])[1:]
    assert d[:-1] == [[row["project"], row["organization"], row["amount"]] for row in government["rows"]]
    assert d[-1] == ["合计", government["projects"], government["amount"]]
    party = figures.party_coverage(Q3)
    assert rows_of(book["E 党组织覆盖"])[1:] == [
        ["期末会员单位", party["members"]], ["已建党组织", party["with_party"]],
        ["未建党组织", party["without_party"]], ["覆盖率（%）", party["coverage"]],
    ]
    projects = figures.brand_and_selected_projects(Q3)
    assert [row[0] for row in rows_of(book["F 品牌与优秀项目"])[1:]] == [row["project"] for row in projects["rows"]]
    assert [row[0] for row in rows_of(book["无活动会员"])[1:]] == figures.members_without_activity(Q3)


def test_numbers_are_numbers_and_user_text_is_never_a_formula():
    made = quarter_data()
    made["old_group"].name = "=HYPERLINK(\"http://evil\")"
    made["old_group"].save()
    book, _download = open_pack()
    a = book["A 社会组织分类"]
    assert all(isinstance(cell.value, int) for cell in a[2][1:]) and a[2][1].data_type == "n"
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    names = [row[1] for row in rows_of(book["D 政府购买服务"])[1:]]
    assert "'=HYPERLINK(\"http://evil\")" in names
    assert isinstance(rows_of(book["D 政府购买服务"])[1][2], int | float | Decimal)


def test_renaming_a_row_label_in_the_template_changes_the_next_download():
    quarter_data()
    template = ReportTemplate.objects.default()
    template.label_rows.filter(key="A.social_group").update(label="社团")
    template.label_rows.filter(key="A.community_team").update(position=0)  # first row now
    book, _download = open_pack()
    a = rows_of(book["A 社会组织分类"])
    assert a[1][0] == "社区群众活动团队" and "社团" in [row[0] for row in a]
    assert "社会团体" not in [row[0] for row in a]


def test_a_template_without_a_label_falls_back_on_the_layouts_and_an_unknown_key_is_a_clear_error():
    quarter_data()
    template = ReportLabelFactory(key="A.social_group", label="Groups").template
    book, _download = open_pack(template=template)
    assert rows_of(book["A Organizations by type"])[0][0] == "Type"
    ReportLabelFactory(template=template, key="A.nonsense")
    with pytest.raises(UnknownFigureKeyError) as error:
        prepare_report(Q3, template)
    assert error.value.keys == ["A.nonsense"]


def test_the_checks_pass_on_consistent_data_and_are_written_on_the_check_sheet():
    quarter_data()
    _data, _labels, found = prepare_report(Q3, ReportTemplate.objects.default())
    assert all(check.passed for check in found), [check for check in found if not check.passed]
    book, download = open_pack()
    check = rows_of(book["校验"])
    assert check[0] == ["校验项", "结果", "说明"]
    assert check[1][:2] == ["报告期", "2026-Q3"] and check[2][:2] == ["模板", "街道季报"]
    assert {row[1] for row in check[3:]} == {"通过"} and download.failed_checks == 0


@pytest.mark.parametrize("tamper, name", [
    (lambda data: data["organizations"]["rows"][0].update(total=99),
     "A: the types add up to the total (At the end of the period)"),
    (lambda data: data["activities"]["rows"][0].update(participants=1000),
     "C: the communities add up to the kind's subtotal"),
    (lambda data: data["government"]["rows"][0].update(amount=1), "D: the projects add up to the total"),
    (lambda data: data["party"].update(with_party=9), "E: with and without a party organization add up to the "
                                                        "member units"),
    (lambda data: data["members"].update(joined=-1), "No negative figure"),
    (lambda data: data["members"].update(left=None), "No missing figure"),
])
def test_a_deliberately_inconsistent_figure_is_caught(tamper, name):
    quarter_data()
    data = figures.period_figures(Q3)
    tamper(data)
    failed = [check.name for check in pack.checks(data) if not check.passed]
    assert name in failed


def test_a_completed_event_without_its_report_fails_a_check_on_the_page_and_in_the_file():
    made = quarter_data()
    EventFactory(organization=made["old_group"], state="completed", starts_at=shanghai(2026, 9, 1, 9),
                 ends_at=shanghai(2026, 9, 1, 11), title="Unreported fair")
    book, download = open_pack()
    failed = [row for row in rows_of(book["校验"]) if row[1] == "未通过"]
    assert len(failed) == 1 and "Unreported fair" in failed[0][2]
    assert download.failed_checks == 1
