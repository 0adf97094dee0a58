"""The recipes in deploy/ agree with the code: every setting is documented, the example passes Django's
deployment checks, every timer starts a unit and a command that exist, nginx passes what the app expects."""

import configparser
import re
import secrets
import shutil
import subprocess

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


def listed_in_env_example():
    """Every name the example lists, active or commented out."""
    return set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), flags=re.M))


def test_the_example_environment_lists_every_setting_the_project_reads():
    read = set()
    for path in (ROOT / "federation_portal" / "settings.py", ROOT / "gunicorn.conf.py"):
        read |= set(ENV_READ.findall(path.read_text()))
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "GUNICORN_WORKERS"} <= read  # the scan itself works
    assert sorted(read - listed_in_env_example()) == []


def filled_in_example(tmp_path, **values):
    """The example environment file with `values` replacing its lines, as an operator would edit it."""
    lines = []
    for line in ENV_EXAMPLE.read_text().splitlines():
        name = line.partition("=")[0]
        lines.append(f"{name}={values.pop(name)}" if name in values else line)
    path = tmp_path / "env"
    path.write_text("\n".join(lines + [f"{name}={value}" for name, value in values.items()]) + "\n")
    return path


def portal_manage(env_file, *args, **environment):
    """deploy/portal-manage, the operators' way to run manage.py with the settings file."""
    environment.setdefault("DEBUG", None)  # as on the server: what the file says
    env = clean_env(PORTAL_APP_DIR=ROOT, PORTAL_ENV_FILE=env_file, **environment)
    return subprocess.run([DEPLOY / "portal-manage", *args], env=env, capture_output=True, text=True, timeout=120)


def test_the_filled_in_example_passes_the_deployment_checks(tmp_path):
    env_file = filled_in_example(
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        STATIC_ROOT=tmp_path / "static",
        MEDIA_ROOT=tmp_path / "media",
    )
    result = portal_manage(env_file, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout
    shown = portal_manage(env_file, "shell", "-c", "from django.conf import settings as s; "
                          "print(s.DEFAULT_FROM_EMAIL, s.DATABASES['default'].get('CONN_MAX_AGE'))")
    assert shown.stdout.strip().splitlines()[-1] == "长寿社会组织联合会 <noreply@portal.example.cn> 60"


def test_a_variable_given_on_the_command_line_wins_over_the_file(tmp_path):
    """How jobs and migrations lift the web requests' statement time limit."""
    env_file = filled_in_example(tmp_path, SECRET_KEY=secrets.token_urlsafe(50),
                                 DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}")
    code = "import os; print(os.environ['DB_STATEMENT_TIMEOUT'])"
    assert portal_manage(env_file, "shell", "-c", code).stdout.split()[-1] == "25000"
    assert portal_manage(env_file, "shell", "-c", code, DB_STATEMENT_TIMEOUT="0").stdout.split()[-1] == "0"


def test_the_example_refuses_to_start_until_the_secret_key_is_changed(tmp_path):
    env_file = filled_in_example(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}")
    result = portal_manage(env_file, "check")
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
