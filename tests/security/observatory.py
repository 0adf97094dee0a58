"""Grades HTTP responses the way the Mozilla HTTP Observatory does (its scoring rules for each test).

Only penalties matter here: the test expects none. Run as a module (with production settings in
the environment) it fetches pages through Django's test client and prints the grading as JSON.
"""

import json
import os
import re
import sys


def parse_csp(value):
    directives = {}
    for part in value.split(";"):
        tokens = part.strip().split()
        if tokens:
            directives[tokens[0].lower()] = [token for token in tokens[1:]]
    return directives


def grade(headers, cookies, *, https_redirect_status=None, https_redirect_location=""):
    """Return a list of (test, penalty, detail); an empty list means no penalty at all."""
    penalties = []
    headers = {name.lower(): value for name, value in headers.items()}

    csp = headers.get("content-security-policy")
    if not csp:
        penalties.append(("content-security-policy", -25, "not implemented"))
    else:
        d = parse_csp(csp)
        script_src = d.get("script-src", d.get("default-src", []))
        if "'unsafe-inline'" in script_src and "'strict-dynamic'" not in script_src:
            penalties.append(("content-security-policy", -20, "unsafe-inline in script-src"))
        if "'unsafe-eval'" in script_src:
            penalties.append(("content-security-policy", -10, "unsafe-eval in script-src"))
        if "default-src" not in d:
            penalties.append(("content-security-policy", -10, "no default-src"))
        if any(source in ("*", "http:", "https:") for source in script_src + d.get("object-src", [])):
            penalties.append(("content-security-policy", -20, "insecure scheme or wildcard source"))
        if d.get("object-src") != ["'none'"] and d.get("default-src") != ["'none'"]:
            penalties.append(("content-security-policy", -5, "object-src not 'none'"))

    for cookie in cookies:
        if not cookie["secure"]:
            penalties.append(("cookies", -40, f"{cookie['name']} without Secure"))
        if cookie["name"] in ("sessionid", "csrftoken") and not cookie["httponly"]:
            penalties.append(("cookies", -30, f"{cookie['name']} without HttpOnly"))
        if not cookie["samesite"]:
            penalties.append(("cookies", -5, f"{cookie['name']} without SameSite"))

    if headers.get("access-control-allow-origin", "").strip() == "*":
        penalties.append(("cross-origin-resource-sharing", -50, "Access-Control-Allow-Origin: *"))

    if https_redirect_status is not None:
        if https_redirect_status not in (301, 302, 307, 308) or not https_redirect_location.startswith("https://"):
            penalties.append(("redirection", -20, "http does not redirect to https"))

    referrer = headers.get("referrer-policy", "").split(",")[-1].strip().lower()
    if referrer in ("origin-when-cross-origin", "origin", "unsafe-url", "no-referrer-when-downgrade"):
        penalties.append(("referrer-policy", -5, f"unsafe referrer policy {referrer}"))

    hsts = headers.get("strict-transport-security", "")
    match = re.search(r"max-age=(\d+)", hsts)
    if not match:
        penalties.append(("strict-transport-security", -20, "not implemented"))
    elif int(match.group(1)) < 15768000:
        penalties.append(("strict-transport-security", -10, "max-age under six months"))

    if headers.get("x-content-type-options", "").lower() != "nosniff":
        penalties.append(("x-content-type-options", -5, "nosniff missing"))

    frame_ancestors = parse_csp(csp).get("frame-ancestors") if csp else None
    if headers.get("x-frame-options", "").upper() not in ("DENY", "SAMEORIGIN") and not frame_ancestors:
        penalties.append(("x-frame-options", -20, "not implemented"))

    return penalties


def cookie_list(response):
    return [
        {
            "name": morsel.key,
            "secure": bool(morsel["secure"]),
            "httponly": bool(morsel["httponly"]),
            "samesite": morsel["samesite"],
        }
        for morsel in response.cookies.values()
    ]


def main():
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("probe", "probe@example.org", "Probe-password-2026")
    client = Client(HTTP_HOST="portal.example.cn")
    results = {}
    pages = ["/", "/organizations/", "/about/", "/accounts/login/", "/admin/login/", "/no-such-page/", "/healthz"]
    for path in pages:
        response = client.get(path, secure=True)
        plain = client.get(path, secure=False)
        results[path] = {
            "status": response.status_code,
            "penalties": grade(
                response.headers,
                cookie_list(response),
                https_redirect_status=plain.status_code,
                https_redirect_location=plain.headers.get("Location", ""),
            ),
        }
    # Logged in: the session and CSRF cookies.
    client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/",
        {
            "username": user.username,
            "password": "Probe-password-2026",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
        secure=True,
    )
    results["login"] = {
        "status": response.status_code,
        "cookies": sorted(cookie["name"] for cookie in cookie_list(response)),
        "penalties": grade(response.headers, cookie_list(response)),
    }
    response = client.get("/join/", secure=True)  # logged in, without an organization yet
    results["/join/"] = {"status": response.status_code, "penalties": grade(response.headers, cookie_list(response))}
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "federation_portal.settings")
    main()
