"""An SMS backend for the worker test: fails with a temporary error as often as SMS_FLAKY_FAILURES says, counted
in a file beside the messages, then delivers to the file backend."""

import os
from pathlib import Path

from django.conf import settings

from core.sms import TemporaryError
from core.sms.filebased import SmsBackend as FileBackend


class SmsBackend(FileBackend):
    def send(self, message):
        counter = Path(settings.SMS_FILE_PATH) / "failures"
        counter.parent.mkdir(parents=True, exist_ok=True)
        failed = int(counter.read_text()) if counter.exists() else 0
        if failed < int(os.environ.get("SMS_FLAKY_FAILURES", "0")):
            counter.write_text(str(failed + 1))
            raise TemporaryError(f"provider busy ({failed + 1})")
        return super().send(message)
