"""Whole-page cache for visitors who are not logged in, with invalidation on every change of the data.

Most requests to the public pages (home, showcase, directory, events, statistics…) come from residents
without an account, and every one of them sees the same page for the same address and language. Such a
page is rendered once and then served from the cache (Redis when `REDIS_URL` is set) until:

- **the data it shows changes** — any write to a table of the families the view declares (`page_cache =
  ("members", "events")`; `True`: every family), by whatever means (`save`, `QuerySet.update`, `bulk_create`, raw
  SQL; see `core.caching`). The change moves the family's version on; the versions are part of the page's key,
  so the next request renders afresh. A sign-up moves only the sign-ups' version: the event's page changes, the
  directory and the showcase stay cached.
- **or `PAGE_CACHE_SECONDS` pass** (60 by default): pages that depend on the clock alone (“upcoming
  events”, sign-up opening at a given time) are at most that old.

A page is only looked up and put into the cache when its view says it may be (`page_cache` on the view class;
the address is resolved first, so a request for any other page costs no cache look-up),
the visitor has no session (nobody logged in) and no message waiting (“your sign-up was cancelled”), and
the page carries no per-visitor content: a page whose rendering asked for a CSRF token or set a cookie is
never stored. The key is made of the versions, the language, the display mode (standard or 长辈版, display.py)
and the full address (scheme, host, path and query string).

The version is kept in the database and mirrored in a shared cache (Redis), so every app server sees a change
at once. Settings turn the page cache off in production without Redis (see `PAGE_CACHE_SECONDS` in
settings.py): each process's own memory would hold pages that other processes cannot see.

Every page looked up says so in `X-Page-Cache: hit` or `miss` (the benchmark's hit rate; other pages say
nothing). Residents' browsers get `Cache-Control: no-cache` and an ETag (ConditionalGetMiddleware): they ask again
each time and get `304 Not Modified` while nothing changed.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.translation import get_language

from core.caching import data_version, families_of, replica_may_lag

from . import display

logger = logging.getLogger(__name__)


def enabled():
    return settings.PAGE_CACHE_SECONDS > 0


def page_families(view_func):
    """The data families a view's page shows when it may be kept (its `page_cache`), or None."""
    declared = getattr(getattr(view_func, "view_class", None), "page_cache", None)
    return families_of(declared) if declared else None


class PublicPageCacheMiddleware:
    """Serves and stores the public pages of visitors who are not logged in (see the module's text).

    It sits early in MIDDLEWARE, just after LocaleMiddleware: a page from the cache is answered before
    sessions, authentication, CSRF, messages and the view are reached, with the headers that those middleware
    and the view gave it when it was rendered (CSP, frame options, Vary, Content-Language, ETag…). The
    middleware above it (request id, security headers, conditional GET) still see every response.

    Only requests without a session cookie (nobody is logged in) and without a message waiting are looked
    up; such a visitor's page is stored when its view allows it and nothing in it was personal.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = None
        families = self._families(request)
        if families is not None:
            try:
                key = self._key(request, families)
                entry = cache.get(key)
            except Exception:
                logger.warning("page cache: cache not available", exc_info=True)
                key = entry = None
            if entry is not None:
                response = self._from_entry(entry)
                response["X-Page-Cache"] = "hit"
                return response
        response = self.get_response(request)
        if getattr(request, "_page_families", None) is not None:
            self._public(response)
            if key is not None and request._page_families == families and self._storable(request, response):
                self._store(key, response)
        if key is not None:
            # Looked up and not found: the benchmark counts hits and misses from this header (bench/mix.py).
            response["X-Page-Cache"] = "miss"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request._page_families = page_families(view_func)

    def _families(self, request):
        """The families of the page asked for, when it may come from the cache; None: no look-up."""
        if not enabled() or request.method not in ("GET", "HEAD") or self._has_visitor_state(request):
            return None
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return None
        return page_families(match.func)

    @staticmethod
    def _has_visitor_state(request):
        # A session (someone logged in, or was) or a message waiting for the next page ("sign-up cancelled").
        return settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES

    @staticmethod
    def _key(request, families):
        address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:32]
        return f"page:{data_version(families)}:{get_language()}:{display.mode_of(request)}:{address}"

    @staticmethod
    def _public(response):
        # Browsers ask again every time (and get 304 while nothing changed); a logged-in visitor's copy differs.
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ["Cookie"])

    @staticmethod
    def _storable(request, response):
        user = getattr(request, "user", None)
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not (user is not None and user.is_authenticated)
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds this visitor's CSRF token
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
            and not replica_may_lag(request._page_families)
        )

    @staticmethod
    def _store(key, response):
        if not response.has_header("ETag"):
            set_response_etag(response)
        entry = (response.content, list(response.items()))  # only 200s are stored
        try:
            cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("page cache: could not store a page", exc_info=True)

    @staticmethod
    def _from_entry(entry):
        content, headers = entry
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        return response
