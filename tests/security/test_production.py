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
