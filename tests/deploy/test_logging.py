"""Request ids and structured logs: enough context to find an error, never personal data."""

import json
import logging

import pytest

from federation_portal.logs import JSONFormatter, RequestIDFilter, redact, request_id_var


def formatted(record):
    return json.loads(JSONFormatter().format(record))


@pytest.mark.django_db
def test_every_response_carries_a_fresh_request_id(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_the_request_id_from_nginx_is_kept(client):
    response = client.get("/", HTTP_X_REQUEST_ID="5f0c1e2d3b4a69788796a5b4c3d2e1f0")
    assert response["X-Request-ID"] == "5f0c1e2d3b4a69788796a5b4c3d2e1f0"


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", ["", "has space", "x" * 65, 'quote"', "line\nbreak"])
def test_a_malformed_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_a_server_error_is_logged_with_request_context_but_no_personal_data(client, settings, caplog):
    settings.ROOT_URLCONF = "tests.deploy.urls"
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.post(
            "/test-failure/?mobile=13900001111",
            {"name": "Wang Fang", "mobile": "13712345678", "email": "wang.fang@example.cn"},
            HTTP_X_REQUEST_ID="req-42",
        )
    assert response.status_code == 500
    [record] = [r for r in caplog.records if r.name == "django.request"]
    line = JSONFormatter().format(record)
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["request_id"] == "req-42" == response["X-Request-ID"]
    assert entry["method"] == "POST"
    assert entry["path"] == "/test-failure/"
    assert entry["status"] == 500
    assert "ValueError" in entry["exception"] and "138****5678" in entry["exception"]
    for personal in ("13812345678", "13712345678", "13900001111", "Wang Fang", "wang.fang"):
        assert personal not in line


def test_the_request_id_of_the_current_request_tags_every_record():
    record = logging.LogRecord("members.services", logging.INFO, __file__, 1, "approved", None, None)
    token = request_id_var.set("abc123")
    try:
        RequestIDFilter().filter(record)
        entry = formatted(record)
    finally:
        request_id_var.reset(token)
    assert record.request_id == "abc123"
    assert entry["request_id"] == "abc123"
    assert entry["logger"] == "members.services"
    assert entry["message"] == "approved"
    assert entry["time"].endswith("+00:00")


def test_outside_a_request_the_request_id_is_a_dash():
    record = logging.LogRecord("events", logging.WARNING, __file__, 1, "purge done", None, None)
    assert formatted(record)["request_id"] == "-"


def test_gunicorn_access_records_become_fields_without_address_or_query():
    atoms = {"h": "203.0.113.9", "m": "GET", "U": "/events/", "q": "mobile=13812345678", "s": "200",
             "B": 5120, "M": 12, "a": "Mozilla/5.0", "{x-request-id}o": "rid-1"}
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(m)s %(U)s %(s)s", atoms, None)
    entry = formatted(record)
    assert entry == {
        "time": entry["time"], "level": "INFO", "logger": "gunicorn.access", "message": "GET /events/ 200",
        "request_id": "rid-1", "method": "GET", "path": "/events/", "status": "200", "bytes": 5120,
        "duration_ms": 12,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sign-up 13812345678 saved", "sign-up 138****5678 saved"),
        ("(mobile)=(19912345678)", "(mobile)=(199****5678)"),
        ("mail to li.na+events@example.com.cn failed", "mail to ***@example.com.cn failed"),
        ("order 2026112412345678901, code 91310107MA1G8K2X3Q", "order 2026112412345678901, code 91310107MA1G8K2X3Q"),
        ("12812345678 is not a mobile", "12812345678 is not a mobile"),
    ],
)
def test_mobile_numbers_and_email_addresses_are_masked(text, expected):
    assert redact(text) == expected
