"""The site's address for absolute links (mails, the inbox, calendar feeds): the address the visitor used, when
there is a request, else settings.SITE_URL (workers, management commands)."""

import contextvars

from django.conf import settings

_current = contextvars.ContextVar("site_url", default=None)


def site_url():
    """'https://portal.example.cn' (no trailing slash): the request's scheme and host, or SITE_URL."""
    return _current.get() or settings.SITE_URL.rstrip("/")


class SiteUrlMiddleware:
    """Remembers the scheme and host of the request (checked against ALLOWED_HOSTS) while it is handled."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(request.build_absolute_uri("/").rstrip("/"))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
