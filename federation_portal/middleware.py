from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control


class StaffSessionTimeoutMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request.

    Setting the expiry on every staff request makes it a sliding window: the session is saved
    with a fresh expiry each time, so only inactivity ends it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)


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
