"""Aliyun (阿里云短信) through its official SDK, alibabacloud-dysmsapi20170525, imported only when a message is sent.

Settings: SMS_ACCESS_KEY_ID / SMS_ACCESS_KEY_SECRET (a RAM user allowed to send SMS), SMS_SIGN_NAME, SMS_TEMPLATES
(kind -> "SMS_…" template code, whose variables are named like the message's params) and SMS_ENDPOINT (empty:
dysmsapi.aliyuncs.com over HTTPS; "http://host:port" reaches a stand-in, as the tests do).

Each SendSms is one attempt: the SDK does not retry, the outbox does (core.outbox). The provider's codes (API error
codes of 短信服务) are sorted into what a later attempt may get through (`TemporaryError`) and what never will
(`PermanentError`), see `is_temporary`.
"""

import json

from django.conf import settings

from core.validators import normalize_mobile

from . import BaseSmsBackend, PermanentError, TemporaryError

DEFAULT_ENDPOINT = "dysmsapi.aliyuncs.com"
CONNECT_TIMEOUT, READ_TIMEOUT = 3, 5  # seconds: a worker does not wait longer for the provider

# Throttling and sending quotas (per number, per day or month: staff may raise them in the console) and the
# platform's own failures. isp.RAM_PERMISSION_DENY is an isp.* code but means the key may not send: permanent.
TEMPORARY_CODES = {"isv.DAY_LIMIT_CONTROL", "isv.MONTH_LIMIT_CONTROL", "ServiceUnavailable", "InternalError"}
TEMPORARY_PREFIXES = ("isp.", "Throttling", "isv.BUSINESS_LIMIT")  # isv.BUSINESS_LIMIT_CONTROL, …_HOUR, …_DAY
PERMANENT_CODES = {"isp.RAM_PERMISSION_DENY"}


def is_temporary(code):
    """Whether a later attempt may get through: everything else (a wrong number, a template or signature not
    approved, missing parameters, the account's balance, key or permissions) waits for a person."""
    code = code or ""
    if code in PERMANENT_CODES:
        return False
    return code in TEMPORARY_CODES or code.startswith(TEMPORARY_PREFIXES)


def provider_error(code, message, request_id=""):
    error_class = TemporaryError if is_temporary(code) else PermanentError
    return error_class(f"{code}: {message}" + (f" (request {request_id})" if request_id else ""))


def split_endpoint(value):
    """(protocol, host) of SMS_ENDPOINT: a bare host is reached over HTTPS, "http://host:port" over HTTP."""
    scheme, separator, host = (value or DEFAULT_ENDPOINT).partition("://")
    if not separator:
        return "https", scheme
    return scheme.lower(), host.rstrip("/")


class SmsBackend(BaseSmsBackend):
    """Sends through Aliyun's SendSms; returns the BizId. Options override the settings (access_key_id,
    access_key_secret, endpoint) and the timeouts (connect_timeout, read_timeout, in seconds)."""

    def client(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.models import Config

        protocol, host = split_endpoint(self.options.get("endpoint", settings.SMS_ENDPOINT))
        return Client(
            Config(
                access_key_id=self.options.get("access_key_id", settings.SMS_ACCESS_KEY_ID),
                access_key_secret=self.options.get("access_key_secret", settings.SMS_ACCESS_KEY_SECRET),
                endpoint=host,
                protocol=protocol,
                # milliseconds for this SDK
                connect_timeout=int(self.options.get("connect_timeout", CONNECT_TIMEOUT) * 1000),
                read_timeout=int(self.options.get("read_timeout", READ_TIMEOUT) * 1000),
            )
        )

    def send(self, message):
        from alibabacloud_dysmsapi20170525.models import SendSmsRequest
        from alibabacloud_tea_openapi.exceptions import AlibabaCloudException, ClientException
        from darabonba.exceptions import UnretryableException

        if not message.template_code:
            raise PermanentError("no Aliyun template code for this kind of message (SMS_TEMPLATES)")
        request = SendSmsRequest(
            phone_numbers=normalize_mobile(message.mobile),
            sign_name=message.sign_name,
            template_code=message.template_code,
            # the provider takes only string values
            template_param=json.dumps({name: str(value) for name, value in message.params.items()},
                                      ensure_ascii=False),
        )
        try:
            body = self.client().send_sms(request).body
        except ClientException as error:  # the gateway refused the call (4xx): key, signature, throttling
            raise provider_error(error.code, error.message, error.request_id) from error
        except AlibabaCloudException as error:  # 5xx, or throttled with a time to wait
            raise TemporaryError(f"{error.code}: {error.message}") from error
        except UnretryableException as error:  # no answer: refused, timed out, or not one the SDK could read
            raise TemporaryError(f"Aliyun unreachable: {error}") from error
        if body.code == "OK":
            return body.biz_id or ""
        raise provider_error(body.code, body.message, body.request_id)
