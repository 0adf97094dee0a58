"""Error reports to a Sentry-compatible server (Sentry, GlitchTip, …) when SENTRY_DSN is set.

No personal data leaves the site: no user, address or cookies (send_default_pii off), no request bodies or query
strings, and anything that looks like a mainland mobile number in a message is masked.
"""

import re

MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def _mask(value):
    return MOBILE.sub(r"\1****\2", value) if isinstance(value, str) else value


def scrub(event, hint=None):
    """Sentry's before_send: drop what may name a person, mask mobiles in what stays."""
    request = event.get("request") or {}
    for key in ("data", "cookies", "query_string", "env"):
        request.pop(key, None)
    headers = request.get("headers") or {}
    for name in list(headers):
        if name.lower() in {"cookie", "authorization", "x-forwarded-for", "x-real-ip"}:
            headers.pop(name)
    event.pop("user", None)
    (event.get("extra") or {}).pop("sys.argv", None)  # a command's arguments may name someone
    for entry in (event.get("logentry"), event.get("message")):
        if isinstance(entry, dict):
            for key in ("message", "formatted"):
                entry[key] = _mask(entry.get(key))
            entry.pop("params", None)
    for exception in (event.get("exception") or {}).get("values", []):
        exception["value"] = _mask(exception.get("value"))
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)  # local variables: a registration's name and mobile
    for crumb in (event.get("breadcrumbs") or {}).get("values", []):
        crumb["message"] = _mask(crumb.get("message"))
        crumb.pop("data", None)
    return event


def init(dsn, *, environment, release=""):
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub,
        traces_sample_rate=0,
    )
