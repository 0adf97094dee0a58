"""Throttles of anonymous writes (sign-ups, cancellations, applications, password resets), counted in the shared
cache by django-ratelimit: per visitor's address (core.clientip), and where it matters per event and per mobile.

A view lists its throttles; a POST beyond any of them gets the friendly "too many requests" page (429). The limits
live in settings.THROTTLES ("10/h" = 10 an hour), each overridable from the environment. When the cache cannot be
reached the throttles let requests through: a Redis outage must not stop residents signing up.
"""

import logging

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage

from .clientip import client_ip

logger = logging.getLogger(__name__)


def by_address(request, kwargs):
    return client_ip(request)


def by_address_and(url_kwarg):
    """Per visitor's address and object of the URL (an event): one client cannot fill one event."""
    return lambda request, kwargs: f"{client_ip(request)}:{kwargs.get(url_kwarg)}"


def by_posted(field, normalize=str.strip):
    """Per value of a posted field (a mobile), whichever address it comes from; nothing when it is empty."""
    return lambda request, kwargs: normalize(request.POST.get(field, "")) or None


def exceeded(request, throttles, kwargs):
    """The first throttle of `throttles` ((name, key function) pairs) this request goes beyond, and its usage;
    every one of them counts the request."""
    beyond = None
    for name, key in throttles:
        value = key(request, kwargs)
        rate = settings.THROTTLES.get(name)
        if not value or not rate:
            continue
        try:
            usage = get_usage(
                request, group=f"throttle:{name}", key=lambda group, request, value=value: value, rate=rate,
                method="POST", increment=True,
            )
        except Exception:  # the cache is down: let the request through (see the module's docstring)
            logger.warning("throttle: the cache cannot be reached; %s not counted", name, exc_info=True)
            continue
        if usage and usage["should_limit"] and beyond is None:
            beyond = (name, usage)
    return beyond


def too_many_requests(request, retry_after=None):
    response = render(request, "429.html", status=429)
    if retry_after and retry_after > 0:
        response["Retry-After"] = str(retry_after)
    return response


class ThrottleMixin:
    """For views that take anonymous POSTs: `throttles = [("sign-up-address", by_address), …]`."""

    throttles = ()

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            beyond = exceeded(request, self.throttles, kwargs)
            if beyond is not None:
                name, usage = beyond
                logger.warning("throttle: %s reached", name)
                return too_many_requests(request, usage["time_left"])
        return super().dispatch(request, *args, **kwargs)
