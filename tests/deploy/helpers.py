"""Helpers for the deployment tests: fresh Django processes with a given environment, Redis, gunicorn."""

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_ADDRESS = ("127.0.0.1", 6379)

# Everything the settings read that could leak in from the environment running the tests.
SETTINGS_ENV = re.compile(
    r"^(DEBUG|SECRET_KEY|ENVIRONMENT|ALLOWED_HOSTS|DATABASE_URL|DATABASE_REPLICA_URL|REDIS_URL|SESSION_ENGINE"
    r"|CACHE_KEY_PREFIX|LOG_FORMAT|LOG_LEVEL|STATIC_ROOT|MEDIA_ROOT|DB_\w+|AWS_\w+|GUNICORN_\w+|WEB_CONCURRENCY)$"
)


def clean_env(**settings_env):
    """The current environment without any project setting, plus `settings_env`: a development machine
    (DEBUG=1, as `make run` sets it) unless `settings_env` names DEBUG or ENVIRONMENT. A value None leaves the
    variable unset."""
    env = {key: value for key, value in os.environ.items() if not SETTINGS_ENV.match(key)}
    env.update(PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="federation_portal.settings", PYTHONUNBUFFERED="1")
    if "DEBUG" not in settings_env and "ENVIRONMENT" not in settings_env:
        env["DEBUG"] = "1"
    env.update({key: str(value) for key, value in settings_env.items() if value is not None})
    return env


def production_env(tmp_path, **settings_env):
    """A production environment on a SQLite file in `tmp_path`; `settings_env` overrides. DEBUG is not set:
    off, as on a real server."""
    return clean_env(**{
        "ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "STATIC_ROOT": tmp_path / "static",
        "MEDIA_ROOT": tmp_path / "media",
        **settings_env,
    })


def run_probe(module, env, *args, timeout=60):
    """Run `python -m tests.deploy.<module>` with `env`; return its last stdout line parsed as JSON."""
    result = subprocess.run(
        [sys.executable, "-m", f"tests.deploy.{module}", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def redis_is_required():
    return os.environ.get("CI", "").lower() == "true"


def require_redis():
    """Skip when Redis is not running here (with the reason); in CI (CI=true) fail instead."""
    try:
        socket.create_connection(REDIS_ADDRESS, timeout=1).close()
    except OSError as error:
        message = f"no Redis at {REDIS_ADDRESS[0]}:{REDIS_ADDRESS[1]} ({error})"
        if redis_is_required():
            pytest.fail(f"{message}: CI must run the Redis tests")
        pytest.skip(f"{message}; start redis-server to run this test (CI always does)")
    return f"redis://{REDIS_ADDRESS[0]}:{REDIS_ADDRESS[1]}/{redis_database()}"


def redis_database():
    """A Redis database of this test process's own: under pytest-xdist each worker's (gw0 → 10, gw1 → 11…), so that
    two workers' Celery workers never take each other's tasks from one queue; 0 in a run without xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return 10 + int(worker.removeprefix("gw")) if worker.startswith("gw") else 0


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Background:
    """A process of the site started for a test, in its own process group, with its log; stop() ends it."""

    lifetime = 300  # seconds
    stop_timeout = 15  # seconds before SIGKILL

    def start(self, command, env, log_path):
        self.log_path = Path(log_path)
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        # `timeout` ends the process even if the test run itself is killed before it can clean up.
        self.process = subprocess.Popen(
            ["timeout", str(self.lifetime), *command],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def log(self):
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self._log.close()


class AppServer(Background):
    """One gunicorn process (its own port, one worker) started with gunicorn.conf.py and `env`."""

    def __init__(self, name, env, log_dir):
        self.name = name
        self.env = env
        self.port = free_port()
        self.start(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1"],
            env, Path(log_dir) / f"{name}.log",
        )

    def wait_until_healthy(self, timeout=45):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log()[-3000:]}")
            try:
                if self.request("GET", "/healthz", headers={})[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} not healthy after {timeout}s: {self.log()[-3000:]}")

    def request(self, method, path, headers, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.msg, response.read().decode("utf-8", "replace")
        finally:
            connection.close()



class Browser:
    """Keeps cookies like a browser (shared by every port of one host) and talks HTTPS-behind-nginx."""

    host = "portal.example.cn"

    def __init__(self):
        self.cookies = {}
        self.last_headers = None

    def request(self, server, method, path, data=None):
        headers = {"Host": self.host, "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{self.host}"})
        status, response_headers, text = server.request(method, path, headers, body)
        for cookie in response_headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0].strip('"')
            if value and "max-age=0" not in cookie.lower():
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        self.last_headers = response_headers
        return status, response_headers, text

    def csrf_token(self, server, path):
        status, _, page = self.request(server, "GET", path)
        assert status == 200, page[:500]
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


# The superuser that the shared database of several processes holds (conftest.database_url).
USERNAME = "street-office"
PASSWORD = secrets.token_urlsafe(16)
