"""An SMS provider that takes its time (bench/signups.py): each message costs SLOW_SMS_SECONDS (default 2) and
then goes nowhere. It stands in for a provider's API under load; the sign-up page must not notice it."""

import os
import time

from core.sms import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def send(self, message):
        time.sleep(float(self.options.get("seconds", os.environ.get("SLOW_SMS_SECONDS", "2"))))
        return ""
