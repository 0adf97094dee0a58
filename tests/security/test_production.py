"""Production settings, checked in a fresh process with a production environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.security.observatory import grade

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "ENVIRONMENT"}
    }
    env.update(
        ENVIRONMENT="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.cn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_no_issue_with_nothing_silenced(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "a" * 60}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "django-insecure-" + secrets.token_urlsafe(50)}, "SECRET_KEY must be set"),
        ({"DEBUG": "1"}, "DEBUG must be off"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(tmp_path, overrides, message):
    result = manage(production_env(tmp_path, **overrides), "check")
    assert result.returncode != 0
    assert message in result.stderr


def test_security_headers_score_no_observatory_penalty(tmp_path):
    env = production_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "tests.security.observatory"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads(result.stdout.strip().splitlines()[-1])
    assert results["/"]["status"] == 200
    assert results["/no-such-page/"]["status"] == 404
    assert results["login"]["status"] == 302
    assert {"sessionid", "csrftoken"} <= set(results["login"]["cookies"])
    assert results["/join/"]["status"] == 200
    penalties = {page: result["penalties"] for page, result in results.items() if result["penalties"]}
    assert penalties == {}


def test_grader_sees_missing_headers():
    """The grader itself must be able to fail: a bare response collects every penalty."""
    penalties = {test for test, _, _ in grade({}, [{"name": "sessionid", "secure": False, "httponly": False,
                                                   "samesite": ""}], https_redirect_status=200)}
    assert penalties == {
        "content-security-policy", "cookies", "redirection", "strict-transport-security",
        "x-content-type-options", "x-frame-options",
    }
    unsafe = grade({"Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'"}, [])
    assert ("content-security-policy", -20, "unsafe-inline in script-src") in unsafe


def test_language_cookie_is_secure_and_lax_in_production(tmp_path):
    code = "from django.conf import settings as s; print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE)"
    result = manage(production_env(tmp_path), "shell", "-c", code)
    assert result.stdout.split()[-2:] == ["True", "Lax"], result.stderr


def test_errors_reach_a_sentry_compatible_server_without_personal_data(tmp_path):
    """A stand-in Sentry server on loopback receives the report; the mobile in it is masked, no locals travel."""
    import gzip
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received = []

    class Collector(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            received.append(body.decode("utf-8", "replace"))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = production_env(tmp_path, SENTRY_DSN=f"http://publickey@127.0.0.1:{server.server_port}/1")
        code = (
            "import sentry_sdk\n"
            "def sign_up(name='Li Hua', mobile='13812345678'):\n"
            "    raise ValueError('duplicate sign-up for 13812345678')\n"
            "try:\n    sign_up()\nexcept ValueError as error:\n    sentry_sdk.capture_exception(error)\n"
            "sentry_sdk.flush(5)\n"
        )
        result = manage(env, "shell", "-c", code)
        assert result.returncode == 0, result.stderr
    finally:
        server.shutdown()
    report = "".join(received)
    assert "duplicate sign-up for 138****5678" in report
    assert "13812345678" not in report and "Li Hua" not in report
