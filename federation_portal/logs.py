"""Structured logs: one JSON object per line, tagged with the request id, without personal data.

Used by Django's LOGGING (settings.py) and by gunicorn's logconfig_dict (gunicorn.conf.py), so this
module imports nothing from Django: gunicorn's master process loads it before Django is set up.

Personal data stays out of the logs: request bodies and query strings are never logged, and mobile
numbers and e-mail addresses that end up in a message or a traceback (a database error quoting the
duplicate value, say) are masked before the line is written.
"""

import contextvars
import json
import logging
import re
from datetime import UTC, datetime

# The id of the request being handled in this thread or task; "-" outside requests (commands, start-up).
request_id_var = contextvars.ContextVar("request_id", default="-")

MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
EMAIL = re.compile(r"\b[\w.+-]+@((?:[\w-]+\.)+[A-Za-z]{2,})\b")


def redact(text):
    """Mask mainland mobile numbers (138****5678) and e-mail addresses (***@example.cn) in `text`."""
    return EMAIL.sub(r"***@\1", MOBILE.sub(r"\1****\2", text))


class RequestIDFilter(logging.Filter):
    """Adds `record.request_id` so that plain-text formats can show it too."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


# gunicorn's access-log atoms that are worth a field of their own; remote address, query string,
# referrer and user agent are left out on purpose (personal data; nginx keeps its own access log).
GUNICORN_ACCESS_FIELDS = {
    "m": "method",
    "U": "path",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "{x-request-id}o": "request_id",
}


class JSONFormatter(logging.Formatter):
    """time, level, logger, message, request_id, and for requests method/path/status; tracebacks as `exception`."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            for atom, field in GUNICORN_ACCESS_FIELDS.items():
                value = record.args.get(atom.lower() if atom.startswith("{") else atom)
                if value not in (None, "-"):
                    entry[field] = value
        request = getattr(record, "request", None)  # django.request and django.security pass it
        if request is not None and hasattr(request, "method"):
            entry.setdefault("method", request.method)
            entry.setdefault("path", getattr(request, "path", ""))
            entry["request_id"] = getattr(request, "id", entry["request_id"])
        if hasattr(record, "status_code"):
            entry["status"] = record.status_code
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
