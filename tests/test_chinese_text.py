"""Chinese text is typeset as Chinese: full-width ，：；（）！？ next to Chinese characters, never the ASCII ,:;()!?
(“订阅这些活动（iCal）”, not “订阅这些活动(iCal)”), and no space between a Chinese word and an interpolated name
(“提交成功！%(organization)s的入会申请”, not “… %(organization)s 的…”; numbers, dates and e-mail addresses keep
the customary space: “共 %(counter)s 家”).

Checked where the Chinese comes from: every msgstr of the zh_Hans catalogs (the project's overrides of Django's and
the packages' strings included), the text of the templates (literal Chinese, and the ASCII punctuation a template
puts next to a translated string or a value, which shows in both languages), and the strings of the demo data.
"""

import ast
import html
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from stats import charts

ROOT = Path(settings.BASE_DIR)
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
CHINESE = f"[{HAN}\u3000-\u303f\uff01-\uff0f\uff1a-\uff1f\u201c\u201d\u2018\u2019]"  # characters and their punctuation
ASCII_PUNCTUATION = "[,:;()!?]"
ASCII_NEXT_TO_CHINESE = re.compile(f"{CHINESE} *{ASCII_PUNCTUATION}|{ASCII_PUNCTUATION} *[{HAN}]")

# Placeholders: %(name)s, %s, %d, {name} and {}.
PLACEHOLDER = r"%\(\w+\)[sdr]|%[sd]|\{\w*\}"
PLACEHOLDER_NAME = re.compile(r"%\((\w+)\)|\{(\w*)\}")
# Placeholders whose value is a number, a date, a month or an e-mail address: a space beside them is customary.
NOT_A_NAME = re.compile(
    r"n|num|number|count|counter|cnt|sel|items|pages|size|limit|megapixels|taken|days|attendance|volunteers|served|"
    r"capacity|left|confirmed|attended|waitlisted|cancelled|position|row|line|percent|priority_number|total_count|"
    r"full_result_count|len|when|date|month|month_label|opens|closes|email|min_length|limit_value|show_value|"
    r"max|min|minutes|hours|length|per_hour"
)
URL = re.compile(r"\S*://\S*")
SPACE_BESIDE_NAME = re.compile(f"[{HAN}] +(?:{PLACEHOLDER})|(?:{PLACEHOLDER}) +[{HAN}]")


def name_of(text):
    """The name of the (first) placeholder in `text`; "n" for a positional %d, "" for a positional %s or {}."""
    named = PLACEHOLDER_NAME.search(text)
    return (named.group(1) or named.group(2)) if named else ("n" if "%d" in text else "")


def problems(text):
    """What is wrong with one piece of Chinese text, as short quotes of the offending spots."""
    found = []
    # A name stands in Chinese (中), a number as a digit: "%(organization)s:" is as wrong as "长寿:".
    stand_ins = re.sub(PLACEHOLDER, lambda match: "0" if NOT_A_NAME.fullmatch(name_of(match.group())) else "中", text)
    for match in ASCII_NEXT_TO_CHINESE.finditer(URL.sub("X", stand_ins)):
        found.append(f"ASCII punctuation “{match.group()}”")
    for match in SPACE_BESIDE_NAME.finditer(text):
        if NOT_A_NAME.fullmatch(name_of(match.group())):
            continue
        found.append(f"space beside a name “{match.group()}”")
    return found


def report(findings):
    return "\n".join(f"{where}: {text!r}: {', '.join(what)}" for where, text, what in findings)


# Catalogs


def catalogs():
    return sorted(ROOT.glob("locale/zh_Hans/LC_MESSAGES/*.po")) + sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/*.po"))


def test_the_catalogs_are_found():
    assert len(catalogs()) >= 6


def test_every_msgstr_of_the_chinese_catalogs_uses_chinese_punctuation():
    findings = []
    for path in catalogs():
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                if what := problems(text):
                    findings.append((f"{path.relative_to(ROOT)} (msgid {entry.msgid!r})", text, what))
    assert not findings, "\n" + report(findings)


# Templates

TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
TRANSLATED = re.compile(
    r"\{%\s*(?:translate|trans)\s.*?%\}|\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S
)
VALUE = re.compile(r"\{\{.*?\}\}", re.S)


def template_texts(source):
    """The text a template shows (tags, attributes, scripts and styles left out), with every translated string and
    every value replaced by a Chinese stand-in (中): in Chinese, that is what stands there."""
    source = re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", "", source, flags=re.S)
    source = re.sub(r"<(script|style)\b.*?</\1>", "", source, flags=re.S | re.I)
    source = TRANSLATED.sub("中", source)
    source = VALUE.sub("中", source)
    source = TAG.sub(" ", source)
    # Attribute values are not shown; what remains between tags is.
    return [html.unescape(chunk).strip() for chunk in re.split(r"<[^>]*>", source) if chunk.strip()]


def templates():
    ignored = {".venv", "node_modules", "staticfiles", "tests"}
    return sorted(
        path
        for pattern in ("*.html", "*.txt")
        for path in ROOT.rglob(pattern)
        if not ignored & set(path.relative_to(ROOT).parts) and "templates" in path.parts
    )


def test_the_templates_are_found():
    assert len(templates()) > 50


def test_template_text_uses_chinese_punctuation_next_to_chinese():
    findings = []
    for path in templates():
        for text in template_texts(path.read_text(encoding="utf-8")):
            if what := [problem for problem in problems(text) if problem.startswith("ASCII")]:
                findings.append((path.relative_to(ROOT), text, what))
    assert not findings, "\n" + report(findings)


@pytest.mark.parametrize(
    ("source", "bad"),
    [
        ('{% translate "Scored" %} ({{ a }} / {{ b }})', True),
        ("<p>很抱歉,页面出错了。</p>", True),
        ("{{ turn.ends_on }}: {{ turn.organization.name }}", True),
        ('<a href="{% url "x" %}?a={{ b }}">{% translate "Open" %}</a>', False),
        ('{% blocktranslate %}Hello {{ name }} (iCal){% endblocktranslate %}', False),  # the catalog's concern
        ("<p>{{ a }} · {{ b }}</p>", False),
    ],
)
def test_the_template_check_sees_punctuation_beside_translations_and_values(source, bad):
    assert any(problems(text) for text in template_texts(source)) is bad


# Demo data

DEMO_FILES = ["members/demo.py", "projects/demo.py", "events/demo.py"]


def demo_strings(path):
    """Every string literal with Chinese in it (docstrings aside), f-strings' parts joined around {…} placeholders."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body
        and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if id(node) in docstrings:
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(part.value if isinstance(part, ast.Constant) else "{name}" for part in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if re.search(f"[{HAN}]", text):
            yield node.lineno, text


def test_the_demo_data_uses_chinese_punctuation():
    findings = []
    for name in DEMO_FILES:
        for line, text in demo_strings(ROOT / name):
            if what := problems(text):
                findings.append((f"{name}:{line}", text, what))
    assert not findings, "\n" + report(findings)


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("提交成功！%(name)s 的入会申请", True),
        ("提交成功！%(name)s的入会申请", False),
        ("订阅这些活动(iCal)", True),
        ("订阅这些活动（iCal）", False),
        ("第三届理事会 (2026年7月1日 – 2029年6月30日)", True),
        ("2026年7月1日: 长寿", True),
        ("共 %(counter)s 家会员单位", False),
        ("邀请已发送至 %(email)s。", False),
        ("已处理 %(count)d 项。", False),
        ("增加 %s", True),
        ("{name} 的活动", True),
        ("详见 https://example.org/a?b=1", False),
        ("链接：中://中/", False),
        ("%(organization)s:", True),
        ("第 %(row)s 行:", True),
    ],
)
def test_the_check_itself(text, bad):
    assert bool(problems(text)) is bad


# Text made in code


def test_chart_titles_use_the_language_s_colon():
    with translation.override("zh-hans"):
        bars = charts.bar_chart("c", "t", "d", ["2026年10月"], [("社区公益活动", [94]), ("项目对接会", [1])])
        line = charts.line_chart("l", "t", "d", ["2026年10月"], [("报名人次", [4141])])
    assert bars["bars"][0]["title"] == "2026年10月 · 社区公益活动：94"
    assert line["lines"][0]["points"][0]["title"] == "2026年10月：4141"
