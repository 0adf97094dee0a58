"""The environment switches cache, sessions, media storage, database options and the replica router.

Each case imports the settings in a fresh process, as gunicorn or a cron job would.
"""

import secrets
import subprocess
import sys

import pytest

from tests.deploy.helpers import ROOT, clean_env, production_env, run_probe


def probe(**settings_env):
    return run_probe("settings_probe", clean_env(**settings_env))


def test_development_defaults_keep_everything_in_one_process_and_on_disk(tmp_path):
    result = probe(DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite3'}")
    assert result["cache_backend"] == "LocMemCache"
    assert result["session_engine"] == "django.contrib.sessions.backends.db"
    assert result["storage"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert result["media_url"] == "/media/logos/abc.jpg"
    assert result["databases"] == ["default"]
    assert result["routers"] == []
    assert result["default_options"] == {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    assert result["conn_max_age"] == 0
    assert result["log_format"] == "text"
    assert result["img_src"] == ["'self'", "data:"]


def test_debug_is_off_unless_set(tmp_path):
    """A server started without DEBUG (a plain `gunicorn`, a cron job) never shows tracebacks, whatever
    ENVIRONMENT says; without DEBUG and without a real SECRET_KEY it does not start at all."""
    env = {key: value for key, value in clean_env(SECRET_KEY="k" * 10 + secrets.token_urlsafe(50)).items()}
    del env["DEBUG"]
    assert run_probe("settings_probe", env)["debug"] is False
    assert probe(DEBUG="1")["debug"] is True
    del env["SECRET_KEY"]
    refused = subprocess.run(
        [sys.executable, "-m", "tests.deploy.settings_probe"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr and "set DEBUG=1" in refused.stderr


def test_manage_py_is_a_development_tool_outside_production(tmp_path):
    """manage.py turns DEBUG on where ENVIRONMENT is not production (a developer's `makemigrations --check`
    needs no SECRET_KEY); with ENVIRONMENT=production it leaves DEBUG off and asks for the key."""
    shell = "from django.conf import settings; print(settings.DEBUG)"
    env = clean_env(DEBUG=None, DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite3'}")
    development = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", shell], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )
    assert development.stdout.strip().splitlines()[-1] == "True", development.stderr[-2000:]
    production = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env={**env, "ENVIRONMENT": "production"},
        capture_output=True, text=True, timeout=60,
    )
    assert production.returncode != 0 and "SECRET_KEY must be set" in production.stderr


def test_production_logs_json_and_serves_hashed_static_files(tmp_path):
    result = run_probe("settings_probe", production_env(tmp_path))
    assert result["log_format"] == "json"
    assert result["static_storage"] == "CompressedManifestStaticFilesStorage"


def test_redis_url_gives_a_shared_redis_cache_with_short_timeouts():
    result = probe(REDIS_URL="redis://cache.internal:6379/2", REDIS_TIMEOUT="1.5")
    assert result["cache_backend"] == "RedisCache"
    assert result["cache_location"] == "redis://cache.internal:6379/2"
    assert result["cache_options"] == {"socket_connect_timeout": 1.5, "socket_timeout": 1.5}
    assert result["session_engine"] == "django.contrib.sessions.backends.db"


@pytest.mark.parametrize(
    ("engine", "expected"),
    [
        ("cache", "django.contrib.sessions.backends.cache"),
        ("cached_db", "django.contrib.sessions.backends.cached_db"),
        ("django.contrib.sessions.backends.cached_db", "django.contrib.sessions.backends.cached_db"),
    ],
)
def test_sessions_can_live_in_redis(engine, expected):
    result = probe(REDIS_URL="redis://127.0.0.1:6379/0", SESSION_ENGINE=engine)
    assert result["session_engine"] == expected


@pytest.mark.parametrize("engine", ["cache", "cached_db"])
def test_cache_sessions_without_redis_refuse_to_start(engine):
    """Per-process memory would log people out whenever another worker answers."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.deploy.settings_probe"],
        cwd=ROOT, env=clean_env(SESSION_ENGINE=engine), capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "needs a shared cache: set REDIS_URL" in result.stderr


def test_bucket_name_moves_uploads_to_s3_compatible_storage_with_signed_links():
    result = probe(
        AWS_STORAGE_BUCKET_NAME="portal-media",
        AWS_S3_ENDPOINT_URL="https://oss-cn-shanghai.aliyuncs.com",
        AWS_S3_REGION_NAME="oss-cn-shanghai",
        AWS_S3_ADDRESSING_STYLE="virtual",
        AWS_ACCESS_KEY_ID="test-key-id",
        AWS_SECRET_ACCESS_KEY="test-secret",
    )
    assert result["storage"] == "storages.backends.s3.S3Storage"
    assert result["storage_bucket"] == "portal-media"
    assert result["storage_endpoint"] == "https://oss-cn-shanghai.aliyuncs.com"
    url = result["media_url"]
    assert url.startswith("https://portal-media.oss-cn-shanghai.aliyuncs.com/media/logos/abc.jpg?")
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=3600" in url
    # The pages may show pictures from there, and only from there.
    assert result["img_src"] == ["'self'", "data:", "https://portal-media.oss-cn-shanghai.aliyuncs.com"]


def test_public_bucket_behind_a_cdn_gets_plain_links():
    result = probe(
        AWS_STORAGE_BUCKET_NAME="portal-media",
        AWS_S3_CUSTOM_DOMAIN="media.portal.example.cn",
        AWS_QUERYSTRING_AUTH="0",
        AWS_ACCESS_KEY_ID="test-key-id",
        AWS_SECRET_ACCESS_KEY="test-secret",
    )
    assert result["media_url"] == "https://media.portal.example.cn/media/logos/abc.jpg"
    assert result["img_src"] == ["'self'", "data:", "https://media.portal.example.cn"]


def test_minio_with_path_style_links_is_allowed_by_its_endpoint():
    result = probe(
        AWS_STORAGE_BUCKET_NAME="portal-media",
        AWS_S3_ENDPOINT_URL="https://minio.internal:9000",
        AWS_ACCESS_KEY_ID="test-key-id",
        AWS_SECRET_ACCESS_KEY="test-secret",
    )
    assert result["media_url"].startswith("https://minio.internal:9000/portal-media/media/logos/abc.jpg?")
    assert result["img_src"] == ["'self'", "data:", "https://minio.internal:9000"]


def test_postgresql_gets_persistent_connections_and_time_limits():
    result = probe(
        DATABASE_URL="postgres://portal:secret@db.internal:5432/portal",
        DB_CONN_MAX_AGE="60",
        DB_CONNECT_TIMEOUT="3",
        DB_STATEMENT_TIMEOUT="25000",
        DB_LOCK_TIMEOUT="5s",
    )
    assert result["conn_max_age"] == 60
    assert result["conn_health_checks"] is True
    assert result["default_options"] == {
        "connect_timeout": 3,
        "options": "-c statement_timeout=25000 -c lock_timeout=5s -c jit=off",
    }


def test_postgresql_without_time_limits_sets_the_connect_timeout_and_jit_off():
    result = probe(DATABASE_URL="postgres://portal@db.internal/portal")
    assert result["default_options"] == {"connect_timeout": 5, "options": "-c jit=off"}
    # JIT compilation only cost (issue 24); a server that gains from it can have it back.
    assert probe(DATABASE_URL="postgres://portal@db.internal/portal", DB_JIT="on")["default_options"] == {
        "connect_timeout": 5, "options": "-c jit=on"}


def test_replica_url_adds_the_replica_and_its_router():
    result = probe(
        DATABASE_URL="postgres://portal@db-primary.internal/portal",
        DATABASE_REPLICA_URL="postgres://portal_ro@db-replica.internal/portal",
        DB_STATEMENT_TIMEOUT="25000",
    )
    assert result["databases"] == ["default", "replica"]
    assert result["routers"] == ["federation_portal.db_router.ReplicaRouter"]
    # Tests use the primary's test database for both; outside a request every read goes to the primary.
    assert result["replica_mirror"] == "default"
    assert result["read_db_outside_requests"] == "default"
