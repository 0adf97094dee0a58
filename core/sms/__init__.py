"""Text messages (SMS), chosen by settings.SMS_BACKEND as Django chooses its e-mail backend.

Mainland providers send only pre-approved templates: a message is a template code (settings.SMS_TEMPLATES, one
per kind of message), its parameters and the signature (settings.SMS_SIGN_NAME). The text is kept too, for the
console, the outbox's record and the tests. Backends: console (development), locmem (tests), filebased (one JSON
line per message, for a worker's end-to-end test), aliyun and tencent (the providers' official SDKs).

A backend raises `TemporaryError` for what a later attempt may get through (network, throttling, the provider
being down) and `PermanentError` for what never will (a wrong number, a template the provider refuses).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    pass


class TemporaryError(SmsError):
    """Try again later."""


class PermanentError(SmsError):
    """Never going through: the message is marked failed."""


@dataclass
class SmsMessage:
    mobile: str
    text: str
    template_code: str = ""
    params: dict = field(default_factory=dict)
    sign_name: str = ""


class BaseSmsBackend:
    def __init__(self, **options):
        self.options = options

    def send(self, message):
        """Send one message; return the provider's id for it (or "")."""
        raise NotImplementedError


def get_backend(path=None, **options):
    return import_string(path or settings.SMS_BACKEND)(**options)


def make_message(mobile, text, *, kind, params=None):
    return SmsMessage(
        mobile=mobile,
        text=text,
        template_code=settings.SMS_TEMPLATES.get(kind, ""),
        params=dict(params or {}),
        sign_name=settings.SMS_SIGN_NAME,
    )
