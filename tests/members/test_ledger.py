"""The organization ledger (台账) round trip: the app's own export imports as "no changes", one changed cell imports
exactly that change, and every bad value is refused with its row, its column's header and the value."""

import datetime

import pytest
import tablib
from django.urls import reverse
from django.utils import translation
from import_export.formats.base_formats import XLSX

from members.models import Community, Organization, ServiceField
from members.resources import OrganizationResource
from tests.members.factories import OrganizationFactory, valid_credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger_world():
    west = Community.objects.create(name="西康居委会", code="C1")
    east = Community.objects.create(name="曹家渡居委会", code="C2")
    full = OrganizationFactory(
        name="长寿书画社",
        founded_on=datetime.date(2012, 6, 1),
        registration_authority="普陀区民政局",
        contact_person="王老师",
        contact_phone="021-62981234",
        website="https://example.org",
        government_funded=True,
        has_party_organization=True,
        star_rating=3,
    )
    full.communities.set([west, east])
    full.service_fields.set(ServiceField.objects.filter(code__in=["culture_arts", "elderly"]))
    # A filed community team: no credit code, no e-mail, no phone, no website, no date (blank cells).
    OrganizationFactory(name="夕阳红合唱队", org_type=Organization.Type.COMMUNITY_TEAM, credit_code=None, email="")
    return full


def exported(language):
    """The ledger as staff download it (an .xlsx, headers in their language), read back as a file is."""
    with translation.override(language):
        dataset = OrganizationResource().export()
        return XLSX().create_dataset(XLSX().export_data(dataset))


def import_ledger(dataset, language="zh-hans", dry_run=False):
    with translation.override(language):
        return OrganizationResource().import_data(dataset, dry_run=dry_run)


def snapshot():
    return [
        (
            o.name, o.credit_code, o.org_type, o.founded_on, o.contact_phone, o.email, o.website, o.summary,
            o.government_funded, o.star_rating, o.has_party_organization,
            sorted(o.communities.values_list("name", flat=True)),
            sorted(o.service_fields.values_list("code", flat=True)),
        )
        for o in Organization.objects.order_by("name")
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_export_imports_unchanged_as_no_changes(ledger_world, language):
    before = snapshot()
    result = import_ledger(exported(language), language)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 2
    assert result.totals["update"] == result.totals["new"] == 0
    assert snapshot() == before
    assert Organization.objects.get(name="夕阳红合唱队").email == ""  # blank stays blank, never NULL


def test_one_changed_cell_imports_exactly_that_change(ledger_world):
    dataset = exported("zh-hans")
    rows = [list(row) for row in dataset]
    row = next(i for i, values in enumerate(rows) if values[0] == "长寿书画社")
    rows[row][dataset.headers.index("简介")] = "书法、国画，周三下午活动。"
    before = snapshot()
    result = import_ledger(tablib.Dataset(*rows, headers=dataset.headers))
    assert (result.totals["update"], result.totals["skip"]) == (1, 1)
    after = snapshot()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert len(changed) == 1
    old, new = changed[0]
    assert [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b] == [7]  # the summary only
    assert new[7] == "书法、国画，周三下午活动。"


BAD_VALUES = [
    ("服务社区", "火星居委会", "火星居委会"),
    ("服务领域", "太空探索", "太空探索"),
    ("联系电话", "abc", "abc"),
    ("政府资助背景", "也许", "也许"),
    ("已建立党组织", "maybe", "maybe"),
    ("登记日期", "昨天", "昨天"),
    ("星级", "6", "6"),
    ("星级", "三", "三"),
    ("统一社会信用代码", "91350100M000100Y44", "91350100M000100Y44"),
    ("组织类型", "外星组织", "外星组织"),
    ("电子邮箱", "not-an-address", "not-an-address"),
]


@pytest.mark.parametrize(("column", "value", "named"), BAD_VALUES)
def test_each_bad_value_is_named_by_row_column_and_value_and_nothing_is_written(ledger_world, column, value, named):
    dataset = exported("zh-hans")
    rows = [list(row) for row in dataset]
    rows[0][dataset.headers.index("简介")] = "这一行本身没有问题"  # a valid change in another row …
    rows[1][dataset.headers.index(column)] = value
    before = snapshot()
    result = import_ledger(tablib.Dataset(*rows, headers=dataset.headers))
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    messages = invalid.error_dict[column]
    assert any(named in message for message in messages), messages
    assert snapshot() == before  # … is not written either: the whole file or nothing


def test_a_name_or_credit_code_twice_in_one_file_is_refused(ledger_world):
    dataset = exported("zh-hans")
    rows = [list(row) for row in dataset]
    rows.append(list(rows[0]))
    rows[-1][dataset.headers.index("统一社会信用代码")] = valid_credit_code(777)
    result = import_ledger(tablib.Dataset(*rows, headers=dataset.headers), dry_run=True)
    [invalid] = result.invalid_rows
    assert invalid.number == 3
    assert "第 1 行" in invalid.error_dict["名称"][0] or "row 1" in invalid.error_dict["名称"][0]


def test_the_admin_preview_names_the_column_in_chinese_and_offers_no_confirmation(client, staff_user, ledger_world):
    dataset = exported("zh-hans")
    rows = [list(row) for row in dataset]
    rows[0][dataset.headers.index("联系电话")] = "abc"
    upload = tablib.Dataset(*rows, headers=dataset.headers).export("xlsx")
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_user)
    response = client.post(
        reverse("admin:members_organization_import"),
        {"resource": "0", "format": "1", "import_file": SimpleUploadedFile("台账.xlsx", upload)},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    content = response.content.decode()
    assert "联系电话" in content and "“abc”" in content
    assert Organization.objects.get(name=rows[0][0]).contact_phone != "abc"
