"""The admin pages staff use in Chinese: export and import (column headers, file name, errors), the change history,
labels and messages. No English word of the packages, no "None", no ASCII colon after a Chinese label."""

import datetime
import html
import io
import re
from urllib.parse import quote

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Community, Invitation, Organization
from tests.events.factories import EventFactory
from tests.members.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def visible_text(response):
    """The page's text as a reader sees it: no scripts, styles or tags."""
    content = re.sub(r"<(script|style)\b.*?</\1>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", content)))


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


def test_the_export_page_offers_each_column_by_its_chinese_header(staff):
    text = visible_text(staff.get(reverse("admin:members_organization_export"), **ZH))
    assert "统一社会信用代码" in text and "全选" in text
    assert "Credit Code" not in text and "Select all" not in text and "Name (" not in text


@pytest.mark.clock(2026, 12, 1, 1, 30)  # in Shanghai; still 30 November in UTC
@pytest.mark.parametrize(("headers", "name"), [(ZH, "社会组织-2026-12-01.xlsx"), ({}, "organizations-2026-12-01.xlsx")])
def test_the_export_file_is_named_after_the_list_and_the_day_in_shanghai(staff, clock, headers, name):
    """In the staff member's language, with the English name for browsers that cannot read filename*."""
    OrganizationFactory()
    page = staff.get(reverse("admin:members_organization_export"), **headers).content.decode()
    fields = dict.fromkeys(re.findall(r'name="(organizationresource_\w+)"', page), "on")
    response = staff.post(
        reverse("admin:members_organization_export"), {"resource": "0", "format": "1", **fields}, **headers
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"organizations-2026-12-01.xlsx\"; filename*=utf-8''{quote(name)}"
    )


def test_the_import_page_names_problems_in_chinese_and_shows_blank_cells_blank(staff):
    workbook = openpyxl.Workbook()
    workbook.active.append(["名称", "统一社会信用代码", "组织类型", "电子邮箱"])
    workbook.active.append(["西康书画社", None, "外星组织", None])
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "台账.xlsx"
    response = staff.post(
        reverse("admin:members_organization_import"), {"resource": "0", "format": "1", "import_file": upload}, **ZH
    )
    text = visible_text(response)
    assert "以下各行未通过检查" in text and "“外星组织”" in text
    assert "名称、统一社会信用代码、组织类型" in text  # the columns the file may have
    assert "导入文件：" in text
    assert "None" not in text and "Some rows" not in text


def test_the_history_page_reads_as_chinese(staff):
    organization = OrganizationFactory(name="长寿书画社", government_funded=False)
    organization.government_funded = True
    organization.org_type = Organization.Type.FOUNDATION
    organization.email = ""
    organization.save()
    organization.communities.set([Community.objects.create(name="西康居委会", code="C1")])
    text = visible_text(staff.get(reverse("admin:members_organization_history", args=[organization.pk]), **ZH))
    assert "变更内容" in text and "政府资助背景：" in text
    assert "否 → 是" in text
    assert "基金会" in text and "西康居委会" in text
    assert "None" not in text and "Changes" not in text and "foundation" not in text and "[" not in text


def test_a_past_version_is_reached_through_chinese_breadcrumbs(staff):
    organization = OrganizationFactory()
    record = organization.history.earliest()
    text = visible_text(
        staff.get(reverse("admin:members_organization_simple_history", args=[organization.pk, record.pk]), **ZH)
    )
    assert "会员管理 › 社会组织" in text
    assert "Historical" not in text and "Members" not in text


def test_labels_of_the_organization_and_invitation_pages(staff):
    organization = OrganizationFactory()
    MembershipFactory(organization=organization)
    text = visible_text(staff.get(reverse("admin:members_organization_change", args=[organization.pk]), **ZH))
    assert "名称：" in text and "会员资格：" in text
    assert "名称:" not in text
    invitation = Invitation.objects.create(
        email="new@example.org", organization=organization, token="t" * 20,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    text = visible_text(staff.get(reverse("admin:members_invitation_change", args=[invitation.pk]), **ZH))
    assert "邀请码：" in text and "Token" not in text


def test_django_s_uniqueness_message_reads_as_chinese():
    OrganizationFactory(name="长寿书画社")
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as error:
            OrganizationFactory.build(name="长寿书画社").full_clean()
        assert error.value.message_dict["name"] == ["已存在相同名称的社会组织。"]


def test_a_file_staff_cannot_fix_by_a_cell_shows_no_python_traceback(staff):
    workbook = openpyxl.Workbook()
    workbook.active.append(["组织类型"])  # no 名称 column: the library refuses the whole file
    workbook.active.append(["社会团体"])
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "台账.xlsx"
    response = staff.post(
        reverse("admin:members_organization_import"), {"resource": "0", "format": "1", "import_file": upload}, **ZH
    )
    text = visible_text(response)
    assert "错误" in text and "名称" in text
    assert "Traceback" not in text


def test_a_refused_admin_action_names_the_row_in_chinese_form(staff):
    membership = MembershipFactory(organization=OrganizationFactory(name="长寿书画社"))  # already active
    response = staff.post(
        reverse("admin:members_membership_changelist"),
        {"action": "approve", "_selected_action": [membership.pk]},
        follow=True,
        **ZH,
    )
    [message] = [str(message) for message in response.context["messages"]]
    assert message.startswith("长寿书画社（正式会员）：")


def test_a_sign_up_s_cancellation_code_is_labelled_in_chinese(staff):
    event = EventFactory(organization=OrganizationFactory())
    registration = event.registrations.create(name="王阿姨", mobile="13812345678", consent=True)
    text = visible_text(staff.get(reverse("admin:events_registration_change", args=[registration.pk]), **ZH))
    assert "取消报名码：" in text and "Token" not in text
