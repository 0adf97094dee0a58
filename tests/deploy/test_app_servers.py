"""Two gunicorn app servers on one database (and one Redis) behave as one site.

A session made through one server is valid on the other, and a logout (the session's deletion from
the database or from the Redis cache) through one is seen at once by the other. This is what lets
nginx or a load balancer send any request to any app server. On PostgreSQL the servers use the test
database; on SQLite, one migrated file.
"""

import json
import secrets
import subprocess
import sys

import pytest
import redis

from tests.deploy.helpers import PASSWORD, ROOT, USERNAME, AppServer, Browser, production_env, require_redis


@pytest.fixture
def app_servers(database_url, static_root, tmp_path):
    """start(**env) → two running servers A and B with the same settings; always stopped afterwards."""
    servers = []
    redis_prefixes = []

    def start(**settings_env):
        if "REDIS_URL" in settings_env:
            prefix = f"fp-test-{secrets.token_hex(6)}"
            settings_env["CACHE_KEY_PREFIX"] = prefix
            redis_prefixes.append((settings_env["REDIS_URL"], prefix))
        env = production_env(tmp_path, DATABASE_URL=database_url, STATIC_ROOT=static_root, **settings_env)
        pair = [AppServer(name, env, tmp_path) for name in ("a", "b")]
        servers.extend(pair)
        for server in pair:
            server.wait_until_healthy()
        return pair

    yield start
    for server in servers:
        server.stop()
    for url, prefix in redis_prefixes:
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        client.close()


def log_in(browser, server):
    token = browser.csrf_token(server, "/admin/login/")
    status, headers, page = browser.request(
        server, "POST", "/admin/login/",
        {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/admin/"},
    )
    assert status == 302, page[:2000]
    assert headers["Location"] == "/admin/"
    return headers["X-Request-ID"]


def admin_index(browser, server):
    status, headers, page = browser.request(server, "GET", "/admin/")
    return status, headers.get("Location"), page


@pytest.mark.parametrize(
    "sessions",
    [
        pytest.param({}, id="database-sessions"),
        pytest.param({"SESSION_ENGINE": "cache"}, id="redis-sessions"),
        pytest.param({"SESSION_ENGINE": "cached_db"}, id="redis-cached-database-sessions"),
    ],
)
def test_two_app_servers_share_sessions_and_see_each_others_logout(app_servers, sessions):
    if sessions:
        sessions["REDIS_URL"] = require_redis()
    a, b = app_servers(**sessions)
    browser = Browser()

    login_request_id = log_in(browser, a)
    session = browser.cookies["sessionid"]

    # The session made through A is valid on B, and on A.
    status, _, page = admin_index(browser, b)
    assert status == 200
    assert USERNAME in page
    assert admin_index(browser, a)[0] == 200

    # Logging out through B deletes the session (row and/or cache entry) ...
    token = browser.csrf_token(b, "/admin/password_change/")
    status, headers, _ = browser.request(b, "POST", "/admin/logout/", {"csrfmiddlewaretoken": token})
    assert (status, headers["Location"]) == (302, "/")
    assert "sessionid" not in browser.cookies

    # ... and A no longer accepts the old session cookie: no stale copy anywhere.
    browser.cookies["sessionid"] = session
    status, location, _ = admin_index(browser, a)
    assert status == 302
    assert location.startswith("/admin/login/")

    # Both servers wrote JSON access lines; the login is traceable by its request id; no password anywhere.
    logs = a.log() + b.log()
    assert PASSWORD not in logs
    access = [json.loads(line) for line in a.log().splitlines() if '"gunicorn.access"' in line]
    [login] = [entry for entry in access if entry["request_id"] == login_request_id]
    assert (login["method"], login["path"], login["status"]) == ("POST", "/admin/login/", "302")


def test_a_change_made_anywhere_is_on_the_next_page_of_every_app_server(app_servers):
    """The public page cache lives in Redis with the site version: a change made by any process (here a
    management command, as a third app server would) shows on the next request to either server."""
    redis_url = require_redis()
    a, b = app_servers(REDIS_URL=redis_url)
    visitor = Browser()  # not logged in: pages come from the page cache

    for server in (a, b):
        status, _, page = visitor.request(server, "GET", "/organizations/")
        assert status == 200 and "测试居委会" not in page
    client = redis.Redis.from_url(redis_url)
    prefix = a.env["CACHE_KEY_PREFIX"]
    assert any(b":page:" in key for key in client.scan_iter(f"{prefix}*"))  # stored, not only rendered
    client.close()

    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from members.models import Community; Community.objects.create(name='测试居委会', code='T1')"],
        cwd=ROOT, env=a.env, check=True, timeout=120, capture_output=True,
    )
    for server in (a, b):
        status, _, page = visitor.request(server, "GET", "/organizations/")
        assert status == 200 and "测试居委会" in page  # the community filter lists it at once


def _shell(server, code):
    subprocess.run([sys.executable, "manage.py", "shell", "-c", code],
                   cwd=ROOT, env=server.env, check=True, timeout=120, capture_output=True)


def test_without_redis_a_figure_cached_by_each_server_follows_a_change_made_anywhere(app_servers):
    """Each server (and each of its workers) keeps the showcase's years in its own memory; the site version
    row in the database tells them all when a change was committed, even one made by QuerySet.update()."""
    a, b = app_servers()
    visitor = Browser()
    _shell(a, "import datetime; from tests.projects.factories import ProjectFactory; "
              "ProjectFactory(state='in_progress', starts_on=datetime.date(2019, 3, 1))")
    for server in (a, b):
        for _ in range(3):  # every worker that answers keeps its copy
            status, _, page = visitor.request(server, "GET", "/projects/")
            assert status == 200 and 'value="2019"' in page
    _shell(b, "import datetime; from projects.models import Project; "
              "Project.objects.update(starts_on=datetime.date(2017, 5, 1))")
    for server in (a, b):
        for _ in range(3):
            status, _, page = visitor.request(server, "GET", "/projects/")
            assert status == 200 and 'value="2017"' in page and 'value="2019"' not in page
