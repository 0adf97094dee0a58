"""Events whose organizer asks for a text-message code to sign up (Event.signup_needs_code): the first step sends
a code to the mobile, the second signs up with it; a wrong, old or borrowed code signs up nobody."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import sms
from core.models import OutboxMessage
from events import services
from events.models import Event, LookupCode, Registration
from tests.events.factories import EventFactory
from tests.events.test_views import _event_form_data

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"
ANSWERS = {"name": "王阿姨", "mobile": MOBILE, "email": "", "consent": "on"}


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    settings.SMS_BACKEND = "core.sms.locmem.SmsBackend"
    sms.outbox = []


@pytest.fixture
def event():
    return EventFactory(signup_needs_code=True, title="重阳节茶话会", capacity=2)


def sign_up(client, event, data, address="198.51.100.7"):
    return client.post(reverse("events:sign-up", args=[event.pk]), data, REMOTE_ADDR=address)


def texted_codes(mobile=MOBILE):
    return [message.params["code"] for message in sms.outbox if message.mobile == mobile]


def ask_code(client, event, delivered, data=ANSWERS):
    with delivered():
        response = sign_up(client, event, data)
    assert response.status_code == 200, response.content.decode()
    return response, texted_codes(data["mobile"])[-1]


def wrong(code):
    return f"{(int(code) + 1) % 10**6:06d}"


def test_the_first_step_texts_a_code_and_shows_the_second_step_with_the_answers_kept(client, event, delivered):
    page = client.get(reverse("events:sign-up", args=[event.pk])).content.decode()
    assert "needs a code sent by text message" in page and "Send me a code" in page

    response, code = ask_code(client, event, delivered)

    html = response.content.decode()
    assert "A code is on its way to 138****5678" in html
    assert 'name="code"' in html and 'type="hidden" name="name" value="王阿姨"' in html
    assert "Signing up: 王阿姨" in html
    assert not Registration.objects.exists()
    [message] = sms.outbox
    assert code in message.text and "重阳节茶话会" in message.text
    assert message.params == {"code": code, "event": "重阳节茶话会"}
    assert OutboxMessage.objects.get().kind == "event_sign_up_code"


def test_the_right_code_signs_up_and_is_used_up(client, event, delivered):
    _, code = ask_code(client, event, delivered)

    response = sign_up(client, event, {**ANSWERS, "code": code})

    registration = Registration.objects.get()
    assert response.status_code == 302 and response.url == registration.get_absolute_url()
    assert (registration.name, registration.mobile, registration.is_confirmed) == ("王阿姨", MOBILE, True)
    assert LookupCode.objects.get().used_at is not None
    registration.delete()
    again = sign_up(client, event, {**ANSWERS, "code": code})
    assert again.status_code == 400 and "This code has expired" in again.content.decode()
    assert not Registration.objects.exists()


def test_full_width_digits_from_a_chinese_keyboard_are_a_right_code(client, event, delivered):
    _, code = ask_code(client, event, delivered)
    full_width = "".join(chr(0xFF10 + int(digit)) for digit in code)

    assert sign_up(client, event, {**ANSWERS, "code": full_width}).status_code == 302


def test_a_wrong_code_signs_up_nobody_and_counts_a_try(client, event, delivered):
    _, code = ask_code(client, event, delivered)

    response = sign_up(client, event, {**ANSWERS, "code": wrong(code)})

    assert response.status_code == 400
    html = response.content.decode()
    assert "This code is not right. You have 4 more tries." in html
    assert 'name="code"' in html  # still the second step, the answers kept
    assert not Registration.objects.exists()
    assert LookupCode.objects.get().attempts == 1


def test_no_code_or_a_malformed_one_is_a_form_error(client, event, delivered):
    ask_code(client, event, delivered)

    empty = sign_up(client, event, {**ANSWERS, "code": ""})
    letters = sign_up(client, event, {**ANSWERS, "code": "12ab56"})

    assert empty.status_code == letters.status_code == 400
    assert "This field is required." in empty.content.decode()
    assert "The code has 6 digits." in letters.content.decode()
    assert not Registration.objects.exists()


def test_send_again_texts_a_new_code_and_only_the_newest_works(client, event, delivered):
    _, first = ask_code(client, event, delivered)

    with delivered():
        response = sign_up(client, event, {**ANSWERS, "code": "", "resend": "1"})

    assert response.status_code == 200
    second = texted_codes()[-1]
    assert len(texted_codes()) == 2
    if first != second:
        assert sign_up(client, event, {**ANSWERS, "code": first}).status_code == 400
    assert sign_up(client, event, {**ANSWERS, "code": second}).status_code == 302


def test_a_code_for_another_event_or_for_finding_sign_ups_does_not_sign_up(client, event, delivered):
    other_event = EventFactory(signup_needs_code=True)
    _, other_code = ask_code(client, other_event, delivered)
    lookup_code = LookupCode.new_code()
    LookupCode.objects.create(mobile=MOBILE, code_hash=LookupCode.hash_code(MOBILE, lookup_code))

    for code in (other_code, lookup_code):
        response = sign_up(client, event, {**ANSWERS, "code": code})
        assert response.status_code == 400
    assert not Registration.objects.filter(event=event).exists()


def test_the_answers_are_checked_again_in_the_second_step(client, event, delivered):
    _, code = ask_code(client, event, delivered)

    response = sign_up(client, event, {**ANSWERS, "mobile": "12345", "code": code})

    assert response.status_code == 400
    assert "Enter a valid mainland China mobile number" in response.content.decode()
    assert not Registration.objects.exists()


def test_invalid_answers_in_the_first_step_send_no_code(client, event):
    response = sign_up(client, event, {**ANSWERS, "consent": ""})

    assert response.status_code == 400
    assert "Please agree to the privacy notice to sign up." in response.content.decode()
    assert not LookupCode.objects.exists() and not sms.outbox


def test_codes_for_one_mobile_are_limited(client, event, delivered):
    for _ in range(LookupCode.PER_MOBILE_PER_HOUR):
        ask_code(client, event, delivered)

    response = sign_up(client, event, ANSWERS)

    assert response.status_code == 429
    assert "Too many codes have been asked for this number." in response.content.decode()
    assert len(texted_codes()) == LookupCode.PER_MOBILE_PER_HOUR


def test_the_service_refuses_a_sign_up_without_the_code(event):
    with pytest.raises(ValidationError) as refusal:
        services.register_for_event(event, name="王阿姨", mobile=MOBILE, consent=True)

    assert refusal.value.code == "code_missing"
    assert not Registration.objects.exists()


def test_no_code_is_sent_for_an_event_without_the_switch_or_not_taking_sign_ups():
    plain = EventFactory()
    draft = EventFactory(signup_needs_code=True, state="draft", published_at=None)

    for event, reason in ((plain, "not_needed"), (draft, "closed")):
        with pytest.raises(ValidationError) as refusal:
            services.request_sign_up_code(event, MOBILE, client_address="198.51.100.7")
        assert refusal.value.code == reason
    assert not LookupCode.objects.exists()


def test_events_without_the_switch_sign_up_in_one_step(client):
    event = EventFactory()

    response = sign_up(client, event, ANSWERS)

    assert response.status_code == 302 and Registration.objects.filter(event=event).exists()
    assert not LookupCode.objects.exists()


def test_the_organizer_turns_the_switch_on_and_off_in_the_event_form(client, org, org_user):
    client.force_login(org_user)
    form = client.get(reverse("events:manage-create")).content.decode()
    assert 'name="signup_needs_code"' in form and "sign-up needs a text-message code" in form.lower()

    client.post(reverse("events:manage-create"), _event_form_data(title="Tea party", signup_needs_code="on"))
    event = Event.objects.get(title="Tea party")
    assert event.signup_needs_code is True

    client.post(reverse("events:manage-edit", args=[event.pk]), _event_form_data(title="Tea party"))
    event.refresh_from_db()
    assert event.signup_needs_code is False


def test_the_page_reads_naturally_in_chinese(client, event, delivered):
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("events:sign-up", args=[event.pk])).content.decode()
    with delivered():
        second = sign_up(client, event, ANSWERS).content.decode()

    assert "本活动报名需短信验证码" in page
    assert "验证码已通过短信发送至138****5678，5分钟内有效。" in second
    assert "报名人：王阿姨" in second
