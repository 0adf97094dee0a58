import re
import time
import uuid

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import Http404
from django.utils.cache import add_never_cache_headers, patch_cache_control

from federation_portal import db_router
from federation_portal.logs import request_id_var


class StaffSessionTimeoutMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request.

    Moving the expiry forward on staff requests makes it a sliding window: only inactivity ends it. The
    expiry moves at most once a minute (REFRESH_SECONDS), so that a staff member clicking through pages does
    not write the session row on every request; the window is exact to within that minute.
    """

    REFRESH_SECONDS = 60
    SEEN_KEY = "_staff_seen_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            now = int(time.time())
            session = request.session
            if now - session.get(self.SEEN_KEY, 0) >= self.REFRESH_SECONDS or session.get_expiry_age() > (
                settings.STAFF_SESSION_IDLE_SECONDS
            ):
                session[self.SEEN_KEY] = now
                session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)


# Runtime: request ids, health checks and read-replica routing (issue 9)

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestIDMiddleware:
    """Gives every request an id: `request.id`, the `X-Request-ID` response header and every log line.

    nginx passes its own `$request_id`, so its access log and ours can be matched; a missing or
    malformed header (anything but 1-64 letters, digits, '.', '_' or '-') gets a fresh random id.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.id
        return response


class HealthCheckMiddleware:
    """Answers a load balancer's /healthz probe that is addressed to this server rather than to the site.

    Load balancers probe each app server by its own address (Host: 10.0.0.11:8000) over plain HTTP. Such a
    probe gets the real answer (200, or 503 when the database or cache is down) instead of a 400 for the
    unknown host or a 301 to HTTPS, which a balancer would count as healthy. /healthz asked for under the
    site's own host name is an ordinary page: HTTPS redirect and security headers as everywhere.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            try:
                request.get_host()
            except DisallowedHost:
                from federation_portal.views import healthz

                return healthz(request)
        return self.get_response(request)


class ReplicaMiddleware:
    """Lets GET pages of visitors who are not logged in read from the replica (see `db_router`).

    After a request that wrote something, a short-lived cookie keeps that browser on the primary,
    so a resident who has just signed up sees the sign-up on the next page.
    """

    cookie_name = "fp_primary"

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = db_router.REPLICA in settings.DATABASES

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        use_replica = (
            request.method in ("GET", "HEAD")
            and self.cookie_name not in request.COOKIES
            and not request.user.is_authenticated
        )
        state, token = db_router.begin_request(use_replica=use_replica)
        try:
            response = self.get_response(request)
        finally:
            db_router.end_request(token)
        if state.has_written:
            response.set_cookie(
                self.cookie_name, "1", max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
            )
        return response


class PrivatePagesNoStoreMiddleware:
    """Pages that may show personal data are never stored by browsers or proxies.

    That is every page served to a logged-in user (organizers see their residents' mobiles, staff
    see everything) and the residents' private sign-up pages reached by their secret link.
    """

    PRIVATE_PREFIXES = ("/events/sign-ups/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(self.PRIVATE_PREFIXES):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


# Control characters: never part of a real page's address; NUL in particular cannot reach PostgreSQL (it answers with
# an error, the page with a 500). Tab and line breaks may come from a pasted search term in a query string.
CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_IN_QUERY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadBytesMiddleware:
    """A control character in the address (a path parameter, a query value) is a page that does not exist: 404,
    before any view or query sees it. Form fields get their own form error (Django's CharField refuses NUL)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_IN_PATH.search(request.path_info) or any(
            CONTROL_IN_QUERY.search(key) or CONTROL_IN_QUERY.search(value)
            for key, values in request.GET.lists()
            for value in values
        ):
            raise Http404("control character in the address")
        return self.get_response(request)
