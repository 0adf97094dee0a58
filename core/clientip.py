"""The visitor's address, the same for the login lockout (django-axes) and the throttles (django-ratelimit).

Behind TRUSTED_PROXY_COUNT proxies (nginx = 1; a load balancer in front of nginx = 2) each proxy appends the address
it received the request from to X-Forwarded-For, so the visitor is the TRUSTED_PROXY_COUNT-th entry from the right;
whatever the visitor wrote into the header themselves is further left and ignored. With 0 the header is not read at
all (the connection's own address). django-ipware counts the proxies named in the header, one fewer.
"""

from django.conf import settings
from ipware.ip import get_client_ip


def client_ip(request):
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return request.META.get("REMOTE_ADDR") or "0.0.0.0"
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    # Fewer entries than proxies: the request did not come through them all (a misconfiguration, or a visitor
    # reaching the app server directly). Their connection is still theirs.
    return address or request.META.get("REMOTE_ADDR") or "0.0.0.0"
