"""Every page of PAGES, in both languages, is valid HTML (Nu Html Checker) with the page basics in place; the
admin pages staff use (ADMIN_PAGES) are valid HTML too.

No browser needed: the test client fetches the pages and vnu checks them all in one run.
"""

import json
import subprocess
from functools import partial
from html.parser import HTMLParser

from django.contrib.auth import get_user_model

from .conftest import LANGUAGES
from .pages import ADMIN_PAGES, PAGES


class PageBasics(HTMLParser):
    """What every page must have once: <html lang>, <meta charset>, <title>, meta description, <h1>."""

    def __init__(self):
        super().__init__()
        self.html_lang = None
        self.charset = None
        self.titles = []
        self.descriptions = []
        self.h1_count = 0
        self._in_title = False
        self._svg_depth = 0  # an SVG chart's <title> is its text alternative, not the page's title

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "meta" and "charset" in attrs:
            self.charset = attrs["charset"]
        elif tag == "meta" and attrs.get("name") == "description":
            self.descriptions.append(attrs.get("content") or "")
        elif tag == "svg":
            self._svg_depth += 1
        elif tag == "title" and not self._svg_depth:
            self._in_title = True
            self.titles.append("")
        elif tag == "h1":
            self.h1_count += 1

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "svg":
            self._svg_depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.titles[-1] += data


def basics_problems(html, language):
    basics = PageBasics()
    basics.feed(html)
    problems = []
    if basics.html_lang != LANGUAGES[language]["html_lang"]:
        problems.append(f'<html lang="{basics.html_lang}">, expected "{LANGUAGES[language]["html_lang"]}"')
    if (basics.charset or "").lower() != "utf-8":
        problems.append(f"<meta charset> is {basics.charset!r}, expected utf-8")
    if len(basics.titles) != 1 or not basics.titles[0].strip():
        problems.append(f"{len(basics.titles)} <title> elements (or an empty one); expected one")
    if len(basics.descriptions) != 1 or not basics.descriptions[0].strip():
        problems.append(f"{len(basics.descriptions)} meta descriptions (or an empty one); expected one")
    if basics.h1_count != 1:
        problems.append(f"{basics.h1_count} <h1> elements; expected one")
    return problems


def fetch(client, page, language):
    client.logout()
    if page.user:
        client.force_login(get_user_model().objects.get(username=page.user))
    send = client.get if page.data is None else partial(client.post, data=page.data)
    response = send(page.path(), HTTP_ACCEPT_LANGUAGE=LANGUAGES[language]["accept"], follow=True)
    assert response.status_code == page.status, f"{page.name} ({language}): status {response.status_code}"
    return response.content.decode()


def run_vnu(vnu, files):
    """One vnu run over all files; returns {file name: [messages]}."""
    result = subprocess.run(
        [*vnu, "--format", "json", "--stdout", *map(str, files)], capture_output=True, text=True, timeout=300
    )
    messages = json.loads(result.stdout or "{}").get("messages", [])
    by_file = {}
    for message in messages:
        by_file.setdefault(message.get("url", "").rsplit("/", 1)[-1], []).append(message)
    return by_file


def test_every_page_is_valid_html_with_lang_title_description_and_one_h1(client, demo, vnu, tmp_path):
    # `demo`: the demo world as the browser tests have it (its copy, when this process has seeded it already)
    files, problems = [], []
    for language in LANGUAGES:
        for page in [page for page in PAGES + ADMIN_PAGES if page.html_check]:
            html = fetch(client, page, language)
            if page in PAGES:  # Django's admin has its own frame (no meta description)
                problems += [f"{page.name} ({language}): {problem}" for problem in basics_problems(html, language)]
            path = tmp_path / f"{language}--{page.slug}.html"
            path.write_text(html, encoding="utf-8")
            files.append(path)

    # The same mistake in a shared template shows on many pages: report it once, with where.
    seen = {}
    for name, messages in sorted(run_vnu(vnu, files).items()):
        for message in messages:
            kind = "error" if message["type"] == "error" else message.get("subType", message["type"])
            extract = " ".join(message.get("extract", "").split())
            where = f"{name}:{message.get('lastLine', '?')}"
            seen.setdefault((kind, message["message"]), (extract, []))[1].append(where)
    for (kind, text), (extract, where) in seen.items():
        line = f"vnu {kind}: {text} «{extract}» ({len(where)}×: {', '.join(where[:3])}{' …' if len(where) > 3 else ''})"
        if kind in ("error", "fatal"):
            problems.append(line)
        else:
            print(line)

    assert not problems, f"{len(problems)} HTML problems:\n" + "\n".join(problems)
