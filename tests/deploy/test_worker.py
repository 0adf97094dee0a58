"""A real Celery worker and beat on the local Redis deliver the outbox: a message queued by another process
reaches the SMS provider (a file here), a flaky provider is tried again, and a message queued while the broker
was down is picked up by beat's sweep. This is how production runs (docs/deploy.md)."""

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.deploy.helpers import ROOT, Background, production_env, require_redis


class Celery(Background):
    """`celery -A federation_portal <command>`."""

    lifetime = 240
    stop_timeout = 20

    def __init__(self, name, env, folder, *args):
        command = [sys.executable, "-m", "celery", "-A", "federation_portal", *args]
        self.start(command, env, Path(folder) / f"{name}.log")


@pytest.fixture
def site(database_url, tmp_path):
    """The environment of the site's processes: one database, Redis as the broker (a queue of this test's own),
    SMS to files; start(kind) starts a worker or beat, stopped afterwards."""
    redis_url = require_redis()
    env = production_env(
        tmp_path,
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_QUEUE=f"fp-test-{secrets.token_hex(4)}",
        SMS_BACKEND="core.sms.filebased.SmsBackend",
        SMS_FILE_PATH=str(tmp_path / "sms"),
        OUTBOX_RETRY_SECONDS="1",
        OUTBOX_SWEEP_SECONDS="1",
        OUTBOX_SWEEP_AFTER_SECONDS="0",
    )
    processes = []

    def start(kind, **extra):
        process_env = {**env, **{key: str(value) for key, value in extra.items()}}
        if kind == "worker":
            args = ["worker", "--pool", "solo", "-Q", env["CELERY_QUEUE"], "-l", "info"]
        else:
            args = ["beat", "-l", "info", "-s", str(tmp_path / "beat-schedule"), "--max-interval", "1"]
        processes.append(Celery(kind, process_env, tmp_path, *args))
        return processes[-1]

    env_ = dict(env)
    yield env_, start
    for process in processes:
        process.stop()


def shell(env, code):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


QUEUE_SMS = (
    "from core import outbox; "
    "outbox.queue('test', channel='sms', recipient='13812345678', subject='报名成功', body='您已报名：太极拳。')"
)
ROW = "from core.models import OutboxMessage as M; m = M.objects.get(); print(m.status, m.attempts)"


def delivered_messages(env, timeout=60, *processes):
    path = Path(env["SMS_FILE_PATH"]) / "messages.jsonl"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return [json.loads(line) for line in path.read_text().splitlines()]
        time.sleep(0.3)
    logs = "\n".join(process.log()[-3000:] for process in processes)
    raise AssertionError(f"no SMS delivered within {timeout}s:\n{logs}")


def test_a_worker_delivers_what_another_process_queued(site):
    env, start = site
    worker = start("worker")
    shell(env, QUEUE_SMS)  # e.g. a web server's request: the row, then the task after the commit
    [message] = delivered_messages(env, 60, worker)
    assert (message["mobile"], message["text"]) == ("13812345678", "您已报名：太极拳。")
    assert message["pid"] != os.getpid()
    assert shell(env, ROW).split() == ["sent", "1"]


def test_a_flaky_provider_is_tried_again_until_it_gets_through(site):
    env, start = site
    worker = start("worker", SMS_BACKEND="tests.deploy.flaky_sms.SmsBackend", SMS_FLAKY_FAILURES=2)
    shell({**env, "SMS_BACKEND": "tests.deploy.flaky_sms.SmsBackend"}, QUEUE_SMS)
    delivered_messages(env, 60, worker)
    assert shell(env, ROW).split() == ["sent", "3"]
    assert "provider busy (2)" in worker.log()


def test_beat_sends_what_was_queued_while_the_broker_was_down(site):
    env, start = site
    shell({**env, "CELERY_BROKER_URL": "redis://127.0.0.1:9/0"}, QUEUE_SMS)  # nobody listens there
    assert shell(env, ROW).split() == ["queued", "0"]
    worker, beat = start("worker"), start("beat")
    delivered_messages(env, 90, worker, beat)
    assert shell(env, ROW).split() == ["sent", "1"]


def test_a_residents_sign_up_on_the_site_reaches_them_by_sms_through_the_worker(site, static_root, tmp_path):
    """The whole path as in production: gunicorn takes the sign-up (mobile only) and answers at once; the row
    goes to Redis after the commit; the worker sends the text with the private link."""
    from tests.deploy.helpers import AppServer, Browser

    env, start = site
    worker = start("worker")
    server_env = {**env, "STATIC_ROOT": str(static_root)}
    event_pk = shell(
        server_env,
        "from tests.events.factories import EventFactory; print(EventFactory(title='社区义诊').pk)",
    )
    server = AppServer("web", server_env, tmp_path)
    try:
        server.wait_until_healthy()
        browser = Browser()
        path = f"/events/{event_pk}/sign-up/"
        token = browser.csrf_token(server, path)
        started = time.monotonic()
        status, headers, page = browser.request(
            server, "POST", path,
            {"csrfmiddlewaretoken": token, "name": "王伯伯", "mobile": "13812345678", "consent": "on"},
        )
        answered = time.monotonic() - started
        assert status == 302, page[:2000]
        [message] = delivered_messages(env, 60, worker)
    finally:
        server.stop()
    assert message["mobile"] == "13812345678" and "社区义诊" in message["text"]
    assert "/r/" in message["text"]
    assert answered < 5  # the page did not wait for the provider
