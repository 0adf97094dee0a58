"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

Every test here carries the `e2e` marker (`make e2e`; `make test` leaves them out). Without the browser
or the HTML checker, the tests that need them are left out with one line locally, and fail in CI (CI=true).
"""

import importlib.util
import io
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.utils import translation
from django.utils.text import capfirst

from .pages import DEMO_ORGANIZATION, ORG_ADMIN, PAGES
from .world import make_tour_objects

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VNU_JAR = Path(django_settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

NOT_RUN = pytest.StashKey[str]()

# The two languages of the site: how the browser asks for it, and the <html lang> the site answers with.
LANGUAGES = {
    "zh-hans": {"locale": "zh-CN", "accept": "zh-CN,zh;q=0.9", "html_lang": "zh-Hans"},
    "en": {"locale": "en-US", "accept": "en-US,en;q=0.9", "html_lang": "en"},
}
PHONE = {"width": 375, "height": 812}
SMALL_PHONE = {"width": 320, "height": 568}  # the narrowest phones still in use (iPhone SE 1st generation)
DESKTOP = {"width": 1280, "height": 900}
# The two display modes (federation_portal/display.py): the standard version and the 长辈版.
MODES = ("standard", "elder")


def missing_tools():
    """{fixture name: why it cannot run} for the tools this machine lacks."""
    missing = {}
    if not os.access(CHROMIUM, os.X_OK):
        missing["browser"] = f"browser tests need {CHROMIUM}: apt-get install chromium fonts-wqy-zenhei"
    elif importlib.util.find_spec("playwright") is None:
        missing["browser"] = "browser tests need Playwright: make install"
    if not shutil.which("java") or not VNU_JAR.exists():
        missing["vnu"] = "the HTML check needs java and node_modules/vnu-jar: npm ci --ignore-scripts"
    return missing


def pytest_collection_modifyitems(config, items):
    e2e = [item for item in items if HERE in Path(str(item.path)).parents]
    for item in e2e:
        item.add_marker(pytest.mark.e2e)
    if os.environ.get("CI", "").lower() == "true":
        return  # in CI the fixtures below fail instead
    missing = missing_tools()
    cannot_run = [item for item in e2e if any(tool in item.fixturenames for tool in missing)]
    if cannot_run:
        # One line instead of a skip per test.
        config.hook.pytest_deselected(items=cannot_run)
        items[:] = [item for item in items if item not in cannot_run]
        config.stash[NOT_RUN] = f"e2e: {len(cannot_run)} tests not run; " + "; ".join(sorted(set(missing.values())))


def pytest_terminal_summary(terminalreporter, config):
    if NOT_RUN in config.stash:
        terminalreporter.write_line(config.stash[NOT_RUN], yellow=True)


def say(language, message, *, capital=False, context=None):
    """What the site shows for `message` (in `context`) in `language`; Chinese must really be translated."""
    with translation.override(language):
        text = translation.pgettext(context, message) if context else translation.gettext(message)
    if language != "en":
        assert text != message, f"no {language} translation for {message!r}"
    return capfirst(text) if capital else text


def unavailable(reason):
    """Skip locally, fail in CI: the CI run must exercise the browser tests."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI must run the browser tests)", pytrace=False)
    pytest.skip(reason)


def serialized_test_databases():
    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


def restore_serialized_test_databases(serialized):
    for alias, contents in serialized.items():
        if not hasattr(connections[alias], "_test_serialized_contents"):
            connections[alias]._test_serialized_contents = contents


@pytest.fixture(scope="package")
def browser():
    """Chromium, for the tests of this package only.

    While Playwright's sync API runs, its event loop counts as running in this thread. Django then
    (a) refuses synchronous ORM calls unless DJANGO_ALLOW_ASYNC_UNSAFE is set, and (b) keeps database
    connections per context rather than per thread, i.e. new connection objects, which must be handed the
    test database's serialized rows (made by data migrations) that serialized_rollback restores after each
    live_server test. Both are undone when the package's tests are over, so other tests run as usual.
    """
    if "browser" in missing_tools():
        unavailable(missing_tools()["browser"])
    from playwright.sync_api import sync_playwright

    serialized = serialized_test_databases()
    async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            restore_serialized_test_databases(serialized)
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
            serialized = serialized_test_databases()
        restore_serialized_test_databases(serialized)
    finally:
        if async_unsafe is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = async_unsafe


@pytest.fixture(scope="session")
def vnu():
    """The command line of the Nu Html Checker."""
    if "vnu" in missing_tools():
        unavailable(missing_tools()["vnu"])
    return ["java", "-Xss2m", "-jar", str(VNU_JAR)]


def seed_demo_world():
    """The demo world of `make run` (members, projects, events…), as residents and organizations see it, plus the
    tour's own events (world.py), whose pages look the same whatever the day."""
    from members.models import Organization

    call_command("seed_demo", stdout=io.StringIO())
    make_tour_objects(
        Organization.objects.get(name=DEMO_ORGANIZATION), get_user_model().objects.get(username=ORG_ADMIN)
    )


# The demo world once seeded in this process, for the next live-server test: a copy of the SQLite database (the
# test database lives in memory) and of the pictures. Seeding takes ten seconds; copying, a few milliseconds.
DEMO_WORLD = {}


def load_demo_world(media_root, tmp_path_factory):
    connection = connections["default"]
    if connection.vendor != "sqlite":
        seed_demo_world()
        return
    connection.ensure_connection()
    if "database" in DEMO_WORLD:
        DEMO_WORLD["database"].backup(connection.connection)
        shutil.copytree(DEMO_WORLD["media"], media_root, dirs_exist_ok=True)
        return
    seed_demo_world()
    snapshot = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(snapshot)
    DEMO_WORLD["media"] = tmp_path_factory.mktemp("demo-media")
    if Path(media_root).exists():
        shutil.copytree(media_root, DEMO_WORLD["media"], dirs_exist_ok=True)
    DEMO_WORLD["database"] = snapshot


@pytest.fixture
def demo(django_db_serialized_rollback, live_server, settings, tmp_path_factory):
    """The demo world behind a live server, with login lockout on as in production; returns the base URL.

    serialized_rollback: live_server tests empty the tables afterwards, and rows made by data
    migrations (service fields) must be back for the next test (on SQLite the copy of the demo world brings them
    back too).
    """
    load_demo_world(settings.MEDIA_ROOT, tmp_path_factory)
    settings.AXES_ENABLED = True
    return live_server.url


def session_cookie(username, base_url):
    """A logged-in session for the browser, without typing the password on every page."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value, "url": base_url}


@pytest.fixture
def open_page(browser, demo):
    """open_page(path, language=, user=, viewport=, mode=) → a Playwright page showing `path` of the demo site."""
    contexts = []

    def open_(path="/", *, language="zh-hans", user=None, viewport=PHONE, mode="standard", **context_options):
        context = browser.new_context(
            base_url=demo,
            locale=LANGUAGES[language]["locale"],
            viewport=viewport,
            **context_options,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        if user:
            context.add_cookies([session_cookie(user, demo)])
        if mode != "standard":
            context.add_cookies([{"name": django_settings.DISPLAY_MODE_COOKIE_NAME, "value": mode, "url": demo}])
        page = context.new_page()
        if path is not None:
            page.goto(path)
        return page

    yield open_
    for context in contexts:
        context.close()


POST_JS = """([path, data]) => {
  const form = Object.assign(document.createElement('form'), {method: 'post', action: path});
  const token = document.querySelector('[name=csrfmiddlewaretoken]').value;
  for (const [name, values] of Object.entries({...data, csrfmiddlewaretoken: token})) {
    for (const value of [].concat(values)) {
      form.append(Object.assign(document.createElement('input'), {type: 'hidden', name, value}));
    }
  }
  document.body.append(form);
  form.submit();
}"""


def post(tab, path, data):
    """Submit `data` to `path` as a form on the site would (with a CSRF token); returns the response."""
    if tab.url == "about:blank" or not tab.locator("[name=csrfmiddlewaretoken]").count():
        tab.goto("/accounts/login/")  # a page with a form, so with a token (public pages have none)
    with tab.expect_navigation() as navigation:
        tab.evaluate(POST_JS, [path, data])
    return navigation.value


@pytest.fixture
def tour(open_page):
    """tour(language, viewport=, pages=, mode=) yields (Page, browser tab) for each page, logged in as the page
    needs, in the standard version or the 长辈版 (mode="elder")."""

    def tour_(language, *, viewport=PHONE, pages=PAGES, mode="standard"):
        tabs = {}
        for spec in pages:
            if spec.user not in tabs:
                tabs[spec.user] = open_page(None, language=language, user=spec.user, viewport=viewport, mode=mode)
            tab = tabs[spec.user]
            response = tab.goto(spec.path()) if spec.data is None else post(tab, spec.path(), spec.data)
            assert response.status == spec.status, f"{spec.name} ({language}): HTTP {response.status}"
            yield spec, tab

    return tour_
