"""The recipes in deploy/ agree with the code: every setting is documented, the example passes Django's
deployment checks, every timer starts a unit and a command that exist, nginx passes what the app expects."""

import configparser
import re
import secrets
import shutil
import subprocess
import sys

import pytest
from django.core.management import get_commands

from tests.deploy.helpers import ROOT, clean_env

DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / "federation-portal.env.example"
NGINX_SITE = DEPLOY / "nginx" / "federation-portal.conf"
SYSTEMD = DEPLOY / "systemd"
ENV_READ = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|env_bool|env_list|os\.environ\[)\(?\s*["']([A-Z][A-Z0-9_]*)["']"""
)

# Commands that other issues add; their timers are ready before the commands land.
COMMANDS_FROM_OTHER_ISSUES = {"remind_monthly_duty": "issue 5 (events)", "purge_personal_data": "issue 7 (security)"}


def env_example_lines():
    """{name: value} of the active lines, and the set of every name listed (active or commented)."""
    active, listed = {}, set()
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^(#\s?)?([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
        if match:
            listed.add(match.group(2))
            if not match.group(1):
                active[match.group(2)] = match.group(3).strip().strip('"')
    return active, listed


def test_the_example_environment_lists_every_setting_the_project_reads():
    read = set()
    for path in (ROOT / "federation_portal" / "settings.py", ROOT / "gunicorn.conf.py"):
        read |= set(ENV_READ.findall(path.read_text()))
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "GUNICORN_WORKERS"} <= read  # the scan itself works
    _, listed = env_example_lines()
    assert sorted(read - listed) == []


def test_the_filled_in_example_passes_the_deployment_checks(tmp_path):
    active, _ = env_example_lines()
    env = clean_env(**{
        **active,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "STATIC_ROOT": tmp_path / "static",
        "MEDIA_ROOT": tmp_path / "media",
    })
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_the_example_refuses_to_start_until_the_secret_key_is_changed(tmp_path):
    active, _ = env_example_lines()
    env = clean_env(**{**active, "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}"})
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def timers():
    return sorted(SYSTEMD.glob("*.timer"))


def unit(path):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(path)
    return parser


@pytest.mark.parametrize("timer", timers(), ids=lambda path: path.stem)
def test_every_timer_starts_a_unit_and_a_command_that_exist(timer):
    started = unit(timer)["Timer"]["Unit"]
    name, _, instance = started.partition("@")
    service_file = SYSTEMD / (f"{name}@.service" if instance else started)
    assert service_file.exists(), started
    assert unit(timer)["Timer"]["Persistent"] == "true"
    if instance:
        command = instance.removesuffix(".service")
        assert "manage.py %i" in unit(service_file)["Service"]["ExecStart"]
    else:
        command = re.search(r"manage\.py (\w+)", unit(service_file)["Service"]["ExecStart"]).group(1)
    if command not in get_commands() and command in COMMANDS_FROM_OTHER_ISSUES:
        pytest.skip(f"{command} comes with {COMMANDS_FROM_OTHER_ISSUES[command]}, not merged into this tree yet")
    assert command in get_commands()


def test_nginx_passes_what_the_app_relies_on():
    site = NGINX_SITE.read_text()
    for header in ("Host $host", "X-Forwarded-Proto $scheme", "X-Forwarded-For $proxy_add_x_forwarded_for",
                   "X-Request-ID $request_id"):
        assert f"proxy_set_header {header};" in site
    assert re.search(r"client_max_body_size \d+m;", site)


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed here (apt-get install nginx-light)")
def test_nginx_accepts_the_site(tmp_path):
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=portal.example.cn", "-keyout", key, "-out", certificate], check=True, capture_output=True)
    site = (NGINX_SITE.read_text()
            .replace("/etc/letsencrypt/live/portal.example.cn/fullchain.pem", str(certificate))
            .replace("/etc/letsencrypt/live/portal.example.cn/privkey.pem", str(key))
            .replace("/var/log/nginx/", f"{tmp_path}/"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(["nginx", "-t", "-c", tmp_path / "nginx.conf", "-p", tmp_path],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
