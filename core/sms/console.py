import sys

from core.validators import mask_mobile

from . import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Writes each message to the console (the demo): the signature, the text and the masked number."""

    def send(self, message):
        stream = self.options.get("stream") or sys.stdout
        stream.write(f"SMS to {mask_mobile(message.mobile)} · {message.template_code or '-'}\n")
        stream.write(f"【{message.sign_name}】{message.text}\n\n")
        stream.flush()
        return ""
