"""Login lockout by the pair (user name, visitor's address), with a higher limit per address across user names.

django-axes records the failed logins (AXES_LOCKOUT_PARAMETERS: the pair, then the address alone); this handler
decides. A user name is locked at one address after AXES_FAILURE_LIMIT failures from it, so an attacker elsewhere
cannot lock the owner out; an address that fails LOGIN_ADDRESS_FAILURE_LIMIT times over any user names is locked for
every name (guessing many accounts). The address is the real visitor's behind the trusted proxies (core.clientip).
Staff are told, by inbox and e-mail, when their account gets locked somewhere: once per lockout.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .notifications import Audience, Rule, notify, register_rule


def _failures(attempts):
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        """The pair's failures, or the limit itself once the address has failed too often over all user names."""
        pair, address = self.get_user_attempts(request, credentials)
        failures = _failures(pair)
        if _failures(address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            failures = max(failures, get_failure_limit(request, credentials))
        return failures

    def reset_user_attempts(self, request, credentials=None):
        """A successful login clears its own pair only: one good account must not wipe an address's count."""
        pair = self.filter_user_attempts(request, credentials)[0]
        count, _ = pair.delete()
        return count

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or not getattr(request, "axes_locked_out", False):
            return
        # Exactly at the limit: the attempt that locked the pair (later ones while locked count on past it).
        if getattr(request, "axes_failures_since_start", 0) != get_failure_limit(request, credentials):
            return
        username = get_client_username(request, credentials)
        user = get_user_model().objects.filter(username=username, is_staff=True, is_active=True).first()
        if user is not None:
            with transaction.atomic():
                notify(
                    "login_locked", user=user, address=request.axes_ip_address,
                    when=timezone.localtime(), minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
                )


register_rule(
    "login_locked",
    Rule(
        subject=lambda c: _("Your account was locked after repeated failed logins"),
        template="core/email/login_locked.txt",
        audience=lambda c: Audience(users=[c["user"]], emails=[]),
    ),
)
