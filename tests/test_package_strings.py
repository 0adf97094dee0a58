"""The project's catalog overrides strings of Django and the admin's packages (federation_portal/package_strings.py,
locale/zh_Hans/LC_MESSAGES/djangojs.po): each must still be a string of an installed package, or an upgrade that
reworded it would quietly bring the package's own translation back; and each is translated."""

import json
from pathlib import Path

import django
import import_export
import polib
import pytest
import simple_history
from django.conf import settings
from django.utils import translation

from federation_portal import package_strings

PACKAGES = [Path(django.__file__).parent, Path(import_export.__file__).parent, Path(simple_history.__file__).parent]
PROJECT_CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def package_msgids(domain):
    """Every (context, msgid) of the packages' catalogs, in any language."""
    found = set()
    for package in PACKAGES:
        for path in package.rglob(f"locale/*/LC_MESSAGES/{domain}.po"):
            found.update((entry.msgctxt, entry.msgid) for entry in polib.pofile(str(path)) if not entry.obsolete)
    return found


def overridden(strings):
    for value in strings:
        if isinstance(value, str):
            yield value
        else:  # a lazy plural: its singular identifies it
            yield value._kw["singular"]


OVERRIDES = [
    msgid
    for group in (
        package_strings.DJANGO, package_strings.ADMIN, package_strings.IMPORT_EXPORT, package_strings.SIMPLE_HISTORY
    )
    for msgid in overridden(group)
]


@pytest.fixture(scope="module")
def known():
    return {msgid for _, msgid in package_msgids("django")}


@pytest.mark.parametrize("msgid", OVERRIDES)
def test_each_override_is_a_string_of_a_package(known, msgid):
    # The admin log's import messages are "%s through import_export" with the row's import type put in first.
    assert msgid in known or ("%s through import_export" in known and msgid.endswith(" through import_export"))


def test_each_override_is_in_the_project_catalog_and_translated():
    catalog = {entry.msgid: entry for entry in polib.pofile(str(PROJECT_CATALOG / "django.po")) if not entry.obsolete}
    for msgid in OVERRIDES:
        entry = catalog[msgid]
        assert entry.translated() and not entry.fuzzy, msgid


def test_the_javascript_overrides_are_strings_of_the_admin():
    known = package_msgids("djangojs")
    for entry in polib.pofile(str(PROJECT_CATALOG / "djangojs.po")):
        assert (entry.msgctxt, entry.msgid) in known, entry.msgid
        assert entry.translated(), entry.msgid


def test_the_admin_scripts_speak_chinese(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    script = response.content.decode()
    for chinese in ("选择全部%s", "移除所选%s", "选中要添加的%s，再点击“选择”箭头按钮。"):
        assert json.dumps(chinese) in script  # the catalog is written with \uXXXX escapes


def test_the_label_suffix_is_a_chinese_colon():
    from django import forms

    class Form(forms.Form):
        name = forms.CharField(label="名称")
        question = forms.CharField(label="是否公开？")

    with translation.override("zh-hans"):
        form = Form()
        assert form["name"].label_tag().endswith("名称：</label>")
        assert "是否公开？</label>" in form["question"].label_tag()
