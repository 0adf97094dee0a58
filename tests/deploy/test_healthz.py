"""/healthz: 200 only when every database and the cache answer; load balancers get the real answer."""

import pytest
from django.core.cache import caches

from tests.deploy.helpers import production_env, require_redis, run_probe

NOBODY_LISTENS = "127.0.0.1:9"  # the discard port: connection refused at once


def healthz(tmp_path, **settings_env):
    """The answer to a load balancer's probe: plain HTTP, addressed to the server (Host: 10.0.0.5:8000)."""
    return run_probe("healthz_probe", production_env(tmp_path, **settings_env))["10.0.0.5:8000"]


@pytest.mark.django_db
def test_healthz_answers_ok_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\noutbox: 0 queued\n"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_tells_how_many_messages_wait_and_since_when(client, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from core import outbox
    from core.models import OutboxMessage

    with django_capture_on_commit_callbacks(execute=False):  # no worker took them
        for _ in range(2):
            outbox.queue("test", channel="email", recipient="a@example.org", subject="S", body="B")
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert client.get("/healthz").content.decode().splitlines()[1] == "outbox: 2 queued, oldest 300 s"


@pytest.mark.django_db
def test_healthz_is_degraded_when_the_task_broker_is_down(client, settings):
    """Pages work; messages wait in the outbox until the broker is back (beat's sweep)."""
    settings.CELERY_BROKER_URL = f"redis://{NOBODY_LISTENS}/0"
    from federation_portal.celery import app

    app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = None
    assert response.status_code == 200
    assert response.content == b"degraded: broker\noutbox: 0 queued\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("session_engine", "status", "body"),
    [
        ("django.contrib.sessions.backends.db", 200, b"degraded: cache\noutbox: 0 queued\n"),  # pages still render
        ("django.contrib.sessions.backends.cache", 503, b"unavailable: cache\n"),  # nobody could stay logged in
    ],
)
def test_healthz_when_the_configured_cache_is_down(client, settings, session_engine, status, body):
    settings.SESSION_ENGINE = session_engine
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://{NOBODY_LISTENS}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == status
    assert response.content == body
    caches["default"].close()


def test_a_probe_addressed_to_the_server_gets_the_health_not_a_host_error_or_redirect(tmp_path):
    """Otherwise a balancer would get 400 (unknown host) or 301 (to HTTPS) whatever the health."""
    result = run_probe("healthz_probe", production_env(tmp_path))
    assert result["10.0.0.5:8000"] == {"status": 200, "body": "ok\noutbox: unknown\n", "location": None}  # no tables
    # Under the site's name it is an ordinary page: plain HTTP is sent to HTTPS.
    assert result["portal.example.cn"] == {"status": 301, "body": "", "location": "https://portal.example.cn/healthz"}


def test_healthz_fails_when_the_database_is_down(tmp_path):
    result = healthz(tmp_path, DATABASE_URL=f"postgres://postgres@{NOBODY_LISTENS}/portal", DB_CONNECT_TIMEOUT="2")
    assert result["status"] == 503
    assert result["body"] == "unavailable: database\n"


def test_healthz_fails_when_the_replica_is_down(tmp_path):
    result = healthz(tmp_path, DATABASE_REPLICA_URL=f"postgres://postgres@{NOBODY_LISTENS}/portal")
    assert result["status"] == 503
    assert result["body"] == "unavailable: database\n"


def test_healthz_is_degraded_when_redis_is_down(tmp_path):
    result = healthz(tmp_path, REDIS_URL=f"redis://{NOBODY_LISTENS}/0")  # the cache and the broker
    assert result["status"] == 200
    assert result["body"] == "degraded: broker, cache\noutbox: unknown\n"  # (the probe's database has no tables)


def test_healthz_is_ok_with_redis_up(tmp_path):
    redis_url = require_redis()
    result = healthz(tmp_path, REDIS_URL=redis_url, CACHE_KEY_PREFIX=f"fp-test-{tmp_path.name}")
    assert result["status"] == 200, result
