"""Tencent Cloud (腾讯云短信) through its official SDK, tencentcloud-sdk-python-sms, imported only to send.

Settings: SMS_ACCESS_KEY_ID / SMS_ACCESS_KEY_SECRET (SecretId / SecretKey), SMS_APP_ID (SmsSdkAppId), SMS_REGION,
SMS_SIGN_NAME, SMS_TEMPLATES and SMS_ENDPOINT (empty: sms.tencentcloudapi.com over HTTPS; "http://host:port"
reaches a stand-in, as the tests do).

Tencent templates number their variables {1}, {2}, … and take the values as a list, while a message's params are
named. The order is declared with the template: SMS_TEMPLATES maps a kind to "<TemplateId>:<name>,<name>,…", e.g.
"1234567:event,time,link" fills {1} with params["event"]. A bare "<TemplateId>" takes the params sorted by name,
numerically when the names are numbers ("1", "2", … "10"). The order never depends on the dict's order: rows keep
params as JSON, and PostgreSQL's jsonb does not keep the order of keys.

Each SendSms is one attempt: the SDK does not retry, the outbox does (core.outbox). The provider's codes (SMS API 3.0
error codes and the common ones of Tencent Cloud API 3.0) are sorted by `is_temporary`.
"""

from django.conf import settings

from core.validators import normalize_mobile

from . import BaseSmsBackend, PermanentError, TemporaryError

CONNECT_TIMEOUT, READ_TIMEOUT = 3, 5  # seconds: a worker does not wait longer for the provider

# Throttling, sending quotas (staff may raise them in the console), the platform's own failures, a clock that is
# off (time sync corrects it), and the SDK's own codes for no answer or an unreadable one.
TEMPORARY_CODES = {
    "ClientNetworkError",
    "ServerNetworkError",
    "JSONDecodeError",
    "InternalError",
    "RequestLimitExceeded",
    "ResourceUnavailable",
    "AuthFailure.SignatureExpire",
}
TEMPORARY_PREFIXES = ("LimitExceeded.", "InternalError.", "RequestLimitExceeded.")
# Those of the prefixes above that no later attempt will get through: too many numbers, a blocked country region,
# a request the provider cannot read or verify.
PERMANENT_CODES = {
    "LimitExceeded.PhoneNumberCountLimit",
    "LimitExceeded.AppCountryOrRegionInBlacklist",
    "InternalError.SigVerificationFail",
    "InternalError.SigFieldMissing",
    "InternalError.RestApiInterfaceNotExist",
    "InternalError.JsonParseFail",
}


def is_temporary(code):
    """Whether a later attempt may get through: everything else (InvalidParameterValue.*, FailedOperation.*,
    UnauthorizedOperation.*, AuthFailure.*, … a wrong number, a template or signature not approved, the account's
    balance, key or permissions) waits for a person."""
    code = code or ""
    if code in PERMANENT_CODES:
        return False
    return code in TEMPORARY_CODES or code.startswith(TEMPORARY_PREFIXES)


def provider_error(code, message, request_id=""):
    error_class = TemporaryError if is_temporary(code) else PermanentError
    return error_class(f"{code}: {message}" + (f" (request {request_id})" if request_id else ""))


def _name_order(name):
    return (0, int(name), "") if name.isdigit() else (1, 0, name)


def template_id_and_params(template_code, params):
    """The TemplateId and the values for its {1}, {2}, … (the order convention is in this module's docstring)."""
    template_id, _, names = template_code.partition(":")
    if names:
        order = [name.strip() for name in names.split(",") if name.strip()]
        missing = [name for name in order if name not in params]
        if missing:
            raise PermanentError(f"template {template_id} needs the parameter(s) {', '.join(missing)}")
    else:
        order = sorted(params, key=_name_order)
    return template_id.strip(), [str(params[name]) for name in order]


def international(mobile):
    """E.164, as Tencent takes it: a mainland number gets +86."""
    number = normalize_mobile(mobile)
    return number if number.startswith("+") else f"+86{number}"


def split_endpoint(value):
    """(protocol, host) of SMS_ENDPOINT: a bare host is reached over HTTPS, "http://host:port" over HTTP."""
    scheme, separator, host = (value or "").partition("://")
    if not separator:
        return "https", scheme or None  # None: the SDK's own endpoint
    return scheme.lower(), host.rstrip("/")


class SmsBackend(BaseSmsBackend):
    """Sends through Tencent Cloud's SendSms; returns the SerialNo. Options override the settings (access_key_id,
    access_key_secret, app_id, region, endpoint) and the timeouts (connect_timeout, read_timeout, in seconds)."""

    def option(self, name, setting):
        return self.options.get(name, getattr(settings, setting))

    def client(self):
        from tencentcloud.common.credential import Credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111.sms_client import SmsClient

        protocol, host = split_endpoint(self.option("endpoint", "SMS_ENDPOINT"))
        # The SDK hands reqTimeout to requests, which takes (connect, read).
        timeout = (self.options.get("connect_timeout", CONNECT_TIMEOUT), self.options.get("read_timeout", READ_TIMEOUT))
        profile = ClientProfile(httpProfile=HttpProfile(protocol=protocol, endpoint=host, reqTimeout=timeout))
        credential = Credential(self.option("access_key_id", "SMS_ACCESS_KEY_ID"),
                                self.option("access_key_secret", "SMS_ACCESS_KEY_SECRET"))
        return SmsClient(credential, self.option("region", "SMS_REGION"), profile)

    def send(self, message):
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111.models import SendSmsRequest

        if not message.template_code:
            raise PermanentError("no Tencent Cloud template id for this kind of message (SMS_TEMPLATES)")
        request = SendSmsRequest()
        request.PhoneNumberSet = [international(message.mobile)]
        request.SmsSdkAppId = self.option("app_id", "SMS_APP_ID")
        request.SignName = message.sign_name
        request.TemplateId, request.TemplateParamSet = template_id_and_params(message.template_code, message.params)
        try:
            response = self.client().SendSms(request)
        except TencentCloudSDKException as error:  # no key, the call itself refused, or no answer
            raise provider_error(error.get_code(), error.get_message(), error.get_request_id()) from error
        status = (response.SendStatusSet or [None])[0]
        if status is None:
            raise TemporaryError(f"no send status in the answer (request {response.RequestId})")
        if status.Code == "Ok":
            return status.SerialNo or ""
        raise provider_error(status.Code, status.Message, response.RequestId)
