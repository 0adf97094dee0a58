"""One English string, one meaning. Django merges every catalog into one: the project's (locale/) first, then the
apps' in INSTALLED_APPS order, then the packages'. A msgid translated one way in one catalog and another way in the
next shows the first translation everywhere ("reviewers" as a count, 评审专家数, labelled the reviewer picker), so a
second meaning needs a context (pgettext)."""

import glob
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from events.models import EventReport, Registration
from members.models import Community
from projects.admin import CallAdmin
from projects.models import Call, NeedResponse, Project

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def test_a_msgid_has_one_translation_across_the_project_catalogs():
    seen = {}
    clashes = []
    paths = [ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"] + [
        Path(path) for path in sorted(glob.glob(str(ROOT / "*/locale/zh_Hans/LC_MESSAGES/django.po")))
    ]
    for path in paths:
        for entry in polib.pofile(str(path)):
            if entry.obsolete or entry.msgid_plural:
                continue
            key = (entry.msgctxt, entry.msgid)
            first = seen.setdefault(key, (path.relative_to(ROOT), entry.msgstr))
            if first[1] != entry.msgstr:
                clashes.append(f"{entry.msgid!r}: {first[1]} ({first[0]}) ≠ {entry.msgstr} ({path.relative_to(ROOT)})")
    assert not clashes, "\n".join(clashes)


def label(model, field):
    return str(model._meta.get_field(field).verbose_name)


def test_labels_say_what_they_are_in_chinese():
    with translation.override("zh-hans"):
        assert label(Call, "reviewers") == "评审专家"
        assert str(CallAdmin.reviewer_count.short_description) == "评审专家数"
        assert label(Registration, "name") == "姓名"  # a person's name, not an organization's 名称
        assert label(EventReport, "summary") == "活动小结"
        assert label(Project, "communities") == "服务社区"
        assert str(Community._meta.verbose_name_plural) == "社区"
        assert label(NeedResponse, "message") == "留言"


def test_the_reviewer_picker_is_labelled_reviewers(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("admin:projects_call_add"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    content = response.content.decode()
    assert 'data-field-name="评审专家"' in content
    assert "评审专家数" not in content


def test_django_strings_that_share_an_english_word_keep_their_own_chinese():
    """Clear (a file input's checkbox), Change (an admin link), Summary (the delete page) and New (an import row)
    are also strings of the project's pages, with other meanings: the project's use a context."""
    from django.forms import ClearableFileInput

    # (The strings are looked up through variables: makemessages must not take them for the project's own.)
    expected = {
        (None, "Change"): "修改",
        (None, "Summary"): "概览",
        (None, "New"): "新增",
        ("clear the filters", "Clear"): "清除条件",
    }
    with translation.override("zh-hans"):
        assert str(ClearableFileInput.clear_checkbox_label) == "清除"
        for (context, english), chinese in expected.items():
            found = translation.pgettext(context, english) if context else translation.gettext(english)
            assert found == chinese, english
