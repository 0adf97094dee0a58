"""The SMS providers' backends (core.sms.aliyun, core.sms.tencent) against a local stand-in for each provider.

The stand-in is an HTTP server on 127.0.0.1 that the SDK reaches through SMS_ENDPOINT = "http://127.0.0.1:<port>":
it reads the request as the provider would (template, parameters, number, signature), checks that it is signed
with the configured key (the providers' documented signing, ACS3-HMAC-SHA256 and TC3-HMAC-SHA256, recomputed here)
and answers success or the provider's error chosen by the test. No traffic leaves the machine.
"""

import hashlib
import hmac
import json
import socket
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.utils import timezone

from core import outbox, sms
from core.models import OutboxMessage
from core.sms import aliyun, tencent

KEY_ID, KEY_SECRET = "LTAI-test-key", "test-secret"
SIGN_NAME = "长寿社会组织联合会"
MOBILE = "13812345678"

Status, Channel = OutboxMessage.Status, OutboxMessage.Channel


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    """Both SDKs honour HTTP(S)_PROXY: a developer's proxy would carry the requests off the machine."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


# The stand-in


class StandIn(ThreadingHTTPServer):
    """Records each request (`requests`) as `read` sees it and answers with `answer(request)`: (status, body)."""

    daemon_threads = True

    def __init__(self, read):
        super().__init__(("127.0.0.1", 0), Handler)
        self.read = read  # (handler, body) -> the request as the provider sees it
        self.requests = []
        self.answer = None
        self.released = threading.Event()  # ends a slow answer when the test is over

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server_port}"


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        request = self.server.read(self, body)
        self.server.requests.append(request)
        status, payload = self.server.answer(request)
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if isinstance(payload, bytes) else "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def stand_in(settings):
    servers = []

    def start(read, answer):
        server = StandIn(read)
        server.answer = answer
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        settings.SMS_ENDPOINT = server.endpoint
        return server

    yield start
    for server in servers:
        server.released.set()
        server.shutdown()
        server.server_close()


def slow(server, seconds):
    """An answer that comes after the SDK has stopped waiting."""

    def answer(request):
        server.released.wait(seconds)
        return 200, {}

    return answer


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


# Aliyun's side: RPC over POST, the parameters in the query string, ACS3-HMAC-SHA256 in Authorization.


def read_aliyun(handler, body):
    query = parse_qsl(urlsplit(handler.path).query, keep_blank_values=True)
    fields = dict(part.split("=", 1) for part in handler.headers["Authorization"].split(" ", 1)[1].split(","))
    signed = fields["SignedHeaders"].split(";")
    canonical = "\n".join([
        handler.command,
        urlsplit(handler.path).path or "/",
        "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in sorted(query)),
        "".join(f"{name}:{handler.headers[name].strip()}\n" for name in signed),
        fields["SignedHeaders"],
        handler.headers["x-acs-content-sha256"],
    ])
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    expected = hmac.new(KEY_SECRET.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    params = dict(query)
    return {
        "action": handler.headers["x-acs-action"],
        "key_id": fields["Credential"],
        "signed": hmac.compare_digest(expected, fields["Signature"])
        and handler.headers["x-acs-content-sha256"] == hashlib.sha256(body).hexdigest()
        and {"host", "x-acs-action", "x-acs-date", "x-acs-signature-nonce"} <= set(signed),
        "mobile": params.get("PhoneNumbers"),
        "sign_name": params.get("SignName"),
        "template": params.get("TemplateCode"),
        "params": json.loads(params.get("TemplateParam") or "{}"),
    }


def aliyun_answer(code="OK", status=200):
    """The provider's answer; a bad signature gets the gateway's refusal, whatever the test chose."""

    def answer(request):
        if not request["signed"]:
            return 400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched.",
                         "RequestId": "REQ-SIG"}
        if code == "OK":
            return 200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "REQ-1"}
        return status, {"Code": code, "Message": f"{code} (stand-in)", "RequestId": "REQ-2"}

    return answer


@pytest.fixture
def aliyun_provider(stand_in, settings):
    settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = KEY_ID, KEY_SECRET
    return stand_in(read_aliyun, aliyun_answer())


def aliyun_message(**kwargs):
    return sms.SmsMessage(**{"mobile": MOBILE, "text": "您报名的活动明天开始", "template_code": "SMS_465000001",
                             "params": {"event": "重阳节茶话会", "link": "/r/Ab3xY9/"}, "sign_name": SIGN_NAME,
                             **kwargs})


def test_aliyun_sends_the_template_its_parameters_and_signature_signed_with_the_key(aliyun_provider):
    assert aliyun.SmsBackend().send(aliyun_message()) == "900619746936498440^0"
    [request] = aliyun_provider.requests
    assert request == {
        "action": "SendSms", "key_id": KEY_ID, "signed": True, "mobile": MOBILE, "sign_name": SIGN_NAME,
        "template": "SMS_465000001", "params": {"event": "重阳节茶话会", "link": "/r/Ab3xY9/"},
    }


def test_aliyun_takes_a_number_written_with_its_country_code(aliyun_provider):
    aliyun.SmsBackend().send(aliyun_message(mobile="+86 138-1234-5678"))
    assert aliyun_provider.requests[0]["mobile"] == MOBILE


def test_a_request_signed_with_another_secret_is_refused_for_good(aliyun_provider):
    with pytest.raises(sms.PermanentError, match="SignatureDoesNotMatch"):
        aliyun.SmsBackend(access_key_secret="not-the-secret").send(aliyun_message())
    assert aliyun_provider.requests[0]["signed"] is False


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [
        ("isv.BUSINESS_LIMIT_CONTROL", 200, sms.TemporaryError),  # throttled for this number
        ("isv.DAY_LIMIT_CONTROL", 200, sms.TemporaryError),
        ("isp.SYSTEM_ERROR", 200, sms.TemporaryError),
        ("Throttling.User", 400, sms.TemporaryError),  # the gateway's own throttling
        ("ServiceUnavailable", 503, sms.TemporaryError),
        ("isv.MOBILE_NUMBER_ILLEGAL", 200, sms.PermanentError),
        ("isv.SMS_TEMPLATE_ILLEGAL", 200, sms.PermanentError),
        ("isv.SMS_SIGNATURE_ILLEGAL", 200, sms.PermanentError),
        ("isv.TEMPLATE_MISSING_PARAMETERS", 200, sms.PermanentError),
        ("isv.AMOUNT_NOT_ENOUGH", 200, sms.PermanentError),
        ("isp.RAM_PERMISSION_DENY", 200, sms.PermanentError),  # the key may not send: a person must grant it
        ("InvalidAccessKeyId.NotFound", 404, sms.PermanentError),
    ],
)
def test_aliyun_error_codes_are_temporary_or_permanent(aliyun_provider, code, status, error):
    aliyun_provider.answer = aliyun_answer(code, status)
    with pytest.raises(error, match=code) as raised:
        aliyun.SmsBackend().send(aliyun_message())
    assert type(raised.value) is error
    assert MOBILE not in str(raised.value)  # the outbox keeps the error: numbers appear only masked


def test_aliyun_timeout_is_temporary_and_the_worker_waits_no_longer_than_the_read_timeout(aliyun_provider):
    aliyun_provider.answer = slow(aliyun_provider, 5)
    started = time.monotonic()
    with pytest.raises(sms.TemporaryError, match="unreachable"):
        aliyun.SmsBackend(read_timeout=0.3).send(aliyun_message())
    assert time.monotonic() - started < 2
    assert len(aliyun_provider.requests) == 1  # the SDK does not retry: the outbox does


def test_aliyun_connection_refused_is_temporary(settings):
    settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = KEY_ID, KEY_SECRET
    settings.SMS_ENDPOINT = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(sms.TemporaryError):
        aliyun.SmsBackend().send(aliyun_message())


def test_aliyun_an_answer_that_is_no_answer_is_temporary(aliyun_provider):
    aliyun_provider.answer = lambda request: (502, b"<html>Bad Gateway</html>")
    with pytest.raises(sms.TemporaryError):
        aliyun.SmsBackend().send(aliyun_message())


def test_aliyun_without_a_template_code_fails_for_good_and_sends_nothing(aliyun_provider):
    with pytest.raises(sms.PermanentError, match="SMS_TEMPLATES"):
        aliyun.SmsBackend().send(aliyun_message(template_code=""))
    assert aliyun_provider.requests == []


def test_aliyun_default_endpoint_is_the_providers_over_https():
    assert aliyun.split_endpoint("") == ("https", "dysmsapi.aliyuncs.com")
    assert aliyun.split_endpoint("dysmsapi.aliyuncs.com") == ("https", "dysmsapi.aliyuncs.com")
    assert aliyun.split_endpoint("http://127.0.0.1:8080/") == ("http", "127.0.0.1:8080")


# Tencent Cloud's side: API 3.0, a JSON body, TC3-HMAC-SHA256 in Authorization.


def read_tencent(handler, body):
    algorithm, rest = handler.headers["Authorization"].split(" ", 1)
    fields = dict(part.strip().split("=", 1) for part in rest.split(","))
    key_id, date, service, _ = fields["Credential"].split("/")
    timestamp = handler.headers["X-TC-Timestamp"]
    canonical = "\n".join([
        handler.command, "/", "",
        f"content-type:{handler.headers['Content-Type']}\nhost:{handler.headers['Host']}\n",
        "content-type;host",
        hashlib.sha256(body).hexdigest(),
    ])
    to_sign = "\n".join([algorithm, timestamp, f"{date}/{service}/tc3_request",
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("TC3" + KEY_SECRET).encode()
    for part in (date, service, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    payload = json.loads(body)
    return {
        "action": handler.headers["X-TC-Action"],
        "region": handler.headers["X-TC-Region"],
        "key_id": key_id,
        "signed": hmac.compare_digest(expected, fields["Signature"])
        and fields["SignedHeaders"] == "content-type;host"
        and datetime.fromtimestamp(int(timestamp), UTC).strftime("%Y-%m-%d") == date and service == "sms",
        "app_id": payload.get("SmsSdkAppId"),
        "mobiles": payload.get("PhoneNumberSet"),
        "sign_name": payload.get("SignName"),
        "template": payload.get("TemplateId"),
        "params": payload.get("TemplateParamSet"),
    }


def tencent_answer(code="Ok", *, whole_request=False):
    """A per-number status (how SendSms answers for each number), or an error of the whole request."""

    def answer(request):
        if not request["signed"]:
            code_, whole = "AuthFailure.SignatureFailure", True
        else:
            code_, whole = code, whole_request
        if whole:
            return 200, {"Response": {"Error": {"Code": code_, "Message": f"{code_} (stand-in)"},
                                      "RequestId": "req-err"}}
        status = {"SerialNo": "2640:1346573121716512345" if code_ == "Ok" else "", "PhoneNumber": request["mobiles"][0],
                  "Fee": 1 if code_ == "Ok" else 0, "SessionContext": "", "Code": code_,
                  "Message": "send success" if code_ == "Ok" else f"{code_} (stand-in)", "IsoCode": "CN"}
        return 200, {"Response": {"SendStatusSet": [status], "RequestId": "req-1"}}

    return answer


@pytest.fixture
def tencent_provider(stand_in, settings):
    settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = KEY_ID, KEY_SECRET
    settings.SMS_APP_ID, settings.SMS_REGION = "1400123456", "ap-guangzhou"
    return stand_in(read_tencent, tencent_answer())


def tencent_message(**kwargs):
    return sms.SmsMessage(**{"mobile": MOBILE, "text": "您报名的活动明天开始", "template_code": "2345678:event,link",
                             "params": {"link": "/r/Ab3xY9/", "event": "重阳节茶话会"}, "sign_name": SIGN_NAME,
                             **kwargs})


def test_tencent_sends_the_template_its_ordered_parameters_and_signature_signed_with_the_key(tencent_provider):
    assert tencent.SmsBackend().send(tencent_message()) == "2640:1346573121716512345"
    [request] = tencent_provider.requests
    assert request == {
        "action": "SendSms", "region": "ap-guangzhou", "key_id": KEY_ID, "signed": True, "app_id": "1400123456",
        "mobiles": ["+8613812345678"], "sign_name": SIGN_NAME, "template": "2345678",
        "params": ["重阳节茶话会", "/r/Ab3xY9/"],  # {1}, {2} in the order SMS_TEMPLATES declares
    }


def test_tencent_template_parameters_without_a_declared_order_go_by_name():
    assert tencent.template_id_and_params("2345678", {"link": "L", "event": "E"}) == ("2345678", ["E", "L"])
    numbered = {str(n): f"v{n}" for n in (10, 2, 1)}
    assert tencent.template_id_and_params("2345678", numbered) == ("2345678", ["v1", "v2", "v10"])


def test_tencent_a_parameter_the_template_declares_but_the_message_lacks_fails_for_good(tencent_provider):
    with pytest.raises(sms.PermanentError, match="code"):
        tencent.SmsBackend().send(tencent_message(template_code="2345678:event,code"))
    assert tencent_provider.requests == []


def test_tencent_a_request_signed_with_another_secret_is_refused_for_good(tencent_provider):
    with pytest.raises(sms.PermanentError, match="AuthFailure.SignatureFailure"):
        tencent.SmsBackend(access_key_secret="not-the-secret").send(tencent_message())
    assert tencent_provider.requests[0]["signed"] is False


@pytest.mark.parametrize(
    ("code", "whole_request", "error"),
    [
        ("LimitExceeded.PhoneNumberThirtySecondLimit", False, sms.TemporaryError),
        ("LimitExceeded.PhoneNumberDailyLimit", False, sms.TemporaryError),
        ("InternalError.Timeout", False, sms.TemporaryError),
        ("RequestLimitExceeded", True, sms.TemporaryError),
        ("InternalError", True, sms.TemporaryError),
        ("InvalidParameterValue.IncorrectPhoneNumber", False, sms.PermanentError),
        ("FailedOperation.TemplateIncorrectOrUnapproved", True, sms.PermanentError),
        ("FailedOperation.SignatureIncorrectOrUnapproved", True, sms.PermanentError),
        ("FailedOperation.PhoneNumberInBlacklist", False, sms.PermanentError),
        ("FailedOperation.InsufficientBalanceInSmsPackage", True, sms.PermanentError),
        ("UnauthorizedOperation.SmsSdkAppIdVerifyFail", True, sms.PermanentError),
        ("InternalError.SigVerificationFail", True, sms.PermanentError),
        ("LimitExceeded.AppCountryOrRegionInBlacklist", False, sms.PermanentError),
    ],
)
def test_tencent_error_codes_are_temporary_or_permanent(tencent_provider, code, whole_request, error):
    tencent_provider.answer = tencent_answer(code, whole_request=whole_request)
    with pytest.raises(error, match=code.replace(".", r"\.")) as raised:
        tencent.SmsBackend().send(tencent_message())
    assert type(raised.value) is error
    assert MOBILE not in str(raised.value)


def test_tencent_timeout_is_temporary_and_the_worker_waits_no_longer_than_the_read_timeout(tencent_provider):
    tencent_provider.answer = slow(tencent_provider, 5)
    started = time.monotonic()
    with pytest.raises(sms.TemporaryError, match="ClientNetworkError"):
        tencent.SmsBackend(read_timeout=0.3).send(tencent_message())
    assert time.monotonic() - started < 2
    assert len(tencent_provider.requests) == 1


def test_tencent_connection_refused_is_temporary(settings):
    settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = KEY_ID, KEY_SECRET
    settings.SMS_ENDPOINT = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(sms.TemporaryError, match="ClientNetworkError"):
        tencent.SmsBackend().send(tencent_message())


def test_tencent_an_answer_that_is_no_answer_is_temporary(tencent_provider):
    tencent_provider.answer = lambda request: (502, b"<html>Bad Gateway</html>")
    with pytest.raises(sms.TemporaryError, match="ServerNetworkError"):
        tencent.SmsBackend().send(tencent_message())


def test_tencent_without_keys_fails_for_good(tencent_provider, settings):
    settings.SMS_ACCESS_KEY_ID = ""
    with pytest.raises(sms.PermanentError, match="InvalidCredential"):
        tencent.SmsBackend().send(tencent_message())
    assert tencent_provider.requests == []


# Through the outbox: a queued row, delivered as a worker delivers it.

# backend, SMS_TEMPLATES entry, the stand-in's reading and answers, a busy code, what the provider should receive
PROVIDERS = {
    "aliyun": ("core.sms.aliyun.SmsBackend", "SMS_465000001", read_aliyun, aliyun_answer,
               "isv.BUSINESS_LIMIT_CONTROL",
               {"mobile": MOBILE, "template": "SMS_465000001",
                "params": {"event": "重阳节茶话会", "link": "/r/Ab3xY9/"}}),
    "tencent": ("core.sms.tencent.SmsBackend", "2345678:event,link", read_tencent, tencent_answer,
                "LimitExceeded.PhoneNumberOneHourLimit",
                {"mobiles": ["+86" + MOBILE], "template": "2345678", "params": ["重阳节茶话会", "/r/Ab3xY9/"]}),
}


@pytest.fixture(params=sorted(PROVIDERS))
def provider(request, stand_in, settings):
    backend, template, read, answer, busy, expected = PROVIDERS[request.param]
    settings.SMS_BACKEND = backend
    settings.SMS_TEMPLATES = {"event_reminder": template}
    settings.SMS_SIGN_NAME = SIGN_NAME
    settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET, settings.SMS_APP_ID = KEY_ID, KEY_SECRET, "1400123456"
    server = stand_in(read, answer())
    server.busy, server.expected = answer(busy), expected
    return server


def queue_reminder():
    return outbox.queue("event_reminder", channel=Channel.SMS, recipient=MOBILE, subject="Reminder",
                        body="【长寿社会组织联合会】重阳节茶话会明天开始: /r/Ab3xY9/",
                        sms_params={"event": "重阳节茶话会", "link": "/r/Ab3xY9/"})


@pytest.mark.django_db
def test_a_queued_sms_reaches_the_provider_after_the_commit_and_the_row_is_sent(provider, delivered):
    with delivered():
        message = queue_reminder()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 1, "")
    [request] = provider.requests
    assert request["signed"] and request["key_id"] == KEY_ID and request["sign_name"] == SIGN_NAME
    assert {name: request[name] for name in provider.expected} == provider.expected


@pytest.mark.django_db
def test_a_provider_that_is_busy_leaves_the_row_queued_for_a_later_attempt(provider):
    provider.answer = provider.busy
    message = queue_reminder()
    assert outbox.deliver([message.pk]) == [message.pk]  # a worker's delivery: the row comes back later
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.QUEUED, 1)
    assert message.next_attempt_at > timezone.now()
    assert "LIMIT" in message.last_error.upper() and MOBILE not in message.last_error


# The site starts without the SDKs: they are imported only when a message is sent.

SDKS = ("alibabacloud", "darabonba", "Tea", "tencentcloud")


class MissingSdks:
    """An import finder for which the providers' SDKs are not installed."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0].startswith(SDKS):
            raise ImportError(f"No module named {name!r}")


def test_the_backends_load_without_the_providers_sdks(monkeypatch):
    for name in list(sys.modules):
        if name.split(".")[0].startswith(SDKS) or name in ("core.sms.aliyun", "core.sms.tencent"):
            monkeypatch.delitem(sys.modules, name)
    for name in ("aliyun", "tencent"):
        monkeypatch.delattr(sms, name, raising=False)  # the package's attribute comes back with the module
    monkeypatch.setattr(sys, "meta_path", [MissingSdks(), *sys.meta_path])
    for path in ("core.sms.aliyun.SmsBackend", "core.sms.tencent.SmsBackend"):
        backend = sms.get_backend(path)
        with pytest.raises(ImportError):
            backend.send(aliyun_message())  # only sending needs the SDK
