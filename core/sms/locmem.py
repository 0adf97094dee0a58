from core import sms

from . import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Keeps messages in `core.sms.outbox` (a list), as Django's locmem e-mail backend does, for tests."""

    def send(self, message):
        if not hasattr(sms, "outbox"):
            sms.outbox = []
        sms.outbox.append(message)
        return f"locmem-{len(sms.outbox)}"
