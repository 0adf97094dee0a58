"""Find my sign-ups (/events/my/): a code by text message to the mobile, then that mobile's sign-ups with their
private links; the page never tells whether a number signed up. And the stop link of the private page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import sms
from core.models import OutboxMessage, SmsOptOut
from events import services
from events.lookup import SESSION_MINUTES
from events.models import Event, LookupCode
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"
OTHER = "13987654321"
PAGE = "/events/my/"  # the address residents are told about (not reversed here: this runs at collection)


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    settings.SMS_BACKEND = "core.sms.locmem.SmsBackend"
    sms.outbox = []


def ask_code(client, mobile=MOBILE, address="198.51.100.7"):
    return client.post(reverse("events:my-sign-ups-code"), {"mobile": mobile}, REMOTE_ADDR=address)


def enter_code(client, code, mobile=MOBILE):
    return client.post(reverse("events:my-sign-ups-verify"), {"mobile": mobile, "code": code})


def texted_code(mobile=MOBILE):
    [message] = [message for message in sms.outbox if message.mobile == mobile][-1:]
    assert message.params["code"] in message.text
    return message.params["code"]


def wrong(code):
    return f"{(int(code) + 1) % 10**6:06d}"


def days_from_now(days, **kwargs):
    start = timezone.now() + timedelta(days=days)
    return EventFactory(starts_at=start, ends_at=start + timedelta(hours=2), **kwargs)


@pytest.fixture
def sign_ups():
    """MOBILE's sign-ups: an upcoming one, a cancelled one, one of ten days ago and one of two months ago; and
    another number's sign-up for the same upcoming event."""
    upcoming = days_from_now(7, title="Tai chi for beginners")
    return {
        "upcoming": RegistrationFactory(event=upcoming, mobile=MOBILE),
        "cancelled": RegistrationFactory(event=days_from_now(3, title="Paper cutting"), mobile=MOBILE,
                                         status="cancelled"),
        "recent": RegistrationFactory(event=days_from_now(-10, title="Riverside clean-up"), mobile=MOBILE,
                                      status="attended"),
        "old": RegistrationFactory(event=days_from_now(-60, title="Spring festival lanterns"), mobile=MOBILE),
        "other": RegistrationFactory(event=upcoming, mobile=OTHER, name="Someone else"),
    }


def verified_client(client, delivered, mobile=MOBILE):
    with delivered():
        ask_code(client, mobile)
    assert enter_code(client, texted_code(mobile), mobile).status_code == 302
    return client


def test_a_resident_finds_their_sign_ups_with_a_texted_code(client, sign_ups, delivered):
    assert reverse("events:my-sign-ups") == PAGE
    page = client.get(PAGE)
    assert page.status_code == 200 and 'name="mobile"' in page.content.decode()
    with delivered():
        response = ask_code(client, "138 1234 5678")  # as people type it
    assert response.status_code == 302 and response["Location"] == PAGE
    page = client.get(PAGE).content.decode()
    assert "If this number has sign-ups, a code is on its way" in page
    assert "138****5678" in page and 'name="code"' in page and "Tai chi" not in page
    code = texted_code()
    assert re.fullmatch(r"[0-9]{6}", code) and "5 minutes" in sms.outbox[0].text
    stored = LookupCode.objects.get()
    assert code not in stored.code_hash and stored.mobile == MOBILE and "198.51.100.7" not in stored.client

    response = enter_code(client, code)
    assert response.status_code == 302
    page = client.get(PAGE).content.decode()
    for shown in ("upcoming", "cancelled", "recent"):
        registration = sign_ups[shown]
        assert registration.event.title in page and registration.get_absolute_url() in page
    assert sign_ups["old"].event.title not in page  # ended more than 30 days ago
    assert sign_ups["other"].get_absolute_url() not in page and "Someone else" not in page
    assert MOBILE not in page  # masked


def test_the_page_is_private_and_never_cached(client, sign_ups, delivered):
    before = client.get(PAGE)
    verified_client(client, delivered)
    after = client.get(PAGE)
    assert "Tai chi" in after.content.decode()
    for response in (before, after):
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert '<meta name="robots" content="noindex">' in response.content.decode()


def _without_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_a_number_without_sign_ups_gets_the_same_answer_and_no_text(client, sign_ups, delivered):
    other_client = type(client)()
    unknown = "13711112222"
    with delivered():
        known_answer = ask_code(client, MOBILE)
        unknown_answer = ask_code(other_client, unknown, address="203.0.113.9")
    assert (known_answer.status_code, known_answer["Location"]) == (unknown_answer.status_code,
                                                                    unknown_answer["Location"])
    known_page = _without_tokens(client.get(PAGE).content.decode())
    unknown_page = _without_tokens(other_client.get(PAGE).content.decode())
    known_page = known_page.replace("138****5678", "NUMBER").replace(MOBILE, "MOBILE")
    unknown_page = unknown_page.replace("137****2222", "NUMBER").replace(unknown, "MOBILE")
    assert known_page == unknown_page
    assert [message.mobile for message in sms.outbox] == [MOBILE]
    assert not OutboxMessage.objects.filter(recipient=unknown).exists()
    # Its (unsent) code counts like any other: a guess is just wrong, and the limits are the same.
    response = enter_code(other_client, "123456", mobile=unknown)
    assert response.status_code == 400 and "This code is not right" in response.content.decode()
    for _ in range(2):
        ask_code(client, MOBILE)
        ask_code(other_client, unknown, address="203.0.113.9")
    assert ask_code(client, MOBILE).status_code == ask_code(other_client, unknown, address="203.0.113.9").status_code


def test_only_the_sign_ups_of_the_last_month_and_later_count_for_a_text(client, sign_ups, delivered):
    RegistrationFactory(event=days_from_now(-60), mobile="13600000000")
    with delivered():
        ask_code(client, OTHER)
        ask_code(client, "13600000000")
    assert [message.mobile for message in sms.outbox] == [OTHER]


def test_a_wrong_code_is_refused_with_the_tries_left(client, sign_ups, delivered):
    with delivered():
        ask_code(client)
    response = enter_code(client, wrong(texted_code()))
    content = response.content.decode()
    assert response.status_code == 400
    assert "This code is not right. You have 4 more tries." in content and "Tai chi" not in content
    response = enter_code(client, "12ab")
    assert response.status_code == 400 and "The code has 6 digits." in response.content.decode()
    assert LookupCode.objects.get().attempts == 1  # a typo in the format costs no try


@pytest.mark.clock(2027, 3, 1, 9)
def test_an_expired_code_is_refused(client, sign_ups, delivered, clock):
    with delivered():
        ask_code(client)
    clock.shift(timedelta(minutes=5, seconds=1))
    response = enter_code(client, texted_code())
    assert response.status_code == 400
    assert "This code has expired" in response.content.decode()
    assert "Tai chi" not in client.get(PAGE).content.decode()


def test_five_wrong_tries_and_the_code_stops_working(client, sign_ups, delivered):
    with delivered():
        ask_code(client)
    code = texted_code()
    for _ in range(4):
        assert "more tr" in enter_code(client, wrong(code)).content.decode()
    assert "Too many wrong tries" in enter_code(client, wrong(code)).content.decode()
    response = enter_code(client, code)  # the right one, too late
    assert response.status_code == 400 and "Too many wrong tries" in response.content.decode()
    assert "Tai chi" not in client.get(PAGE).content.decode()
    # A new code works again (and only the latest one counts).
    with delivered():
        ask_code(client)
    if texted_code() != code:
        assert enter_code(client, code).status_code == 400
    assert enter_code(client, texted_code()).status_code == 302


def test_a_code_works_once(client, sign_ups, delivered):
    with delivered():
        ask_code(client)
    code = texted_code()
    assert enter_code(client, code).status_code == 302
    response = enter_code(type(client)(), code)
    assert response.status_code == 400 and "This code has expired" in response.content.decode()


@pytest.mark.clock(2027, 3, 1, 9)
def test_at_most_three_codes_an_hour_for_a_number(client, sign_ups, delivered, clock):
    with delivered():
        for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
            assert ask_code(client, address=address).status_code == 302
        response = ask_code(client, address="198.51.100.4")
    assert response.status_code == 429
    assert "Too many codes have been asked for this number" in response.content.decode()
    assert len(sms.outbox) == 3
    clock.shift(timedelta(minutes=61))
    with delivered():
        assert ask_code(client).status_code == 302
    assert len(sms.outbox) == 4


@pytest.mark.clock(2027, 3, 1, 9)
def test_at_most_ten_codes_an_hour_from_one_address(client, sign_ups, delivered, clock):
    for number in range(LookupCode.PER_CLIENT_PER_HOUR):
        assert ask_code(client, f"1370000{number:04d}", address="203.0.113.5").status_code == 302
    response = ask_code(client, MOBILE, address="203.0.113.5")
    assert response.status_code == 429
    assert "Too many codes have been asked for from this connection" in response.content.decode()
    assert ask_code(client, MOBILE, address="203.0.113.6").status_code == 302
    clock.shift(timedelta(minutes=61))
    assert ask_code(client, OTHER, address="203.0.113.5").status_code == 302


def test_an_invalid_number_is_an_error_of_the_form(client):
    response = ask_code(client, "12345")
    assert response.status_code == 400
    assert "Enter a valid mainland China mobile number" in response.content.decode()
    assert not LookupCode.objects.exists()


@pytest.mark.clock(2027, 3, 1, 9)
def test_the_sign_ups_show_for_thirty_minutes(client, sign_ups, delivered, clock):
    verified_client(client, delivered)
    clock.shift(timedelta(minutes=SESSION_MINUTES - 1))
    assert "Tai chi" in client.get(PAGE).content.decode()
    clock.shift(timedelta(minutes=2))
    page = client.get(PAGE).content.decode()
    assert "Tai chi" not in page and 'name="mobile"' in page
    assert "your sign-ups are shown for 30 minutes" in page


def test_done_hides_the_sign_ups_on_this_device(client, sign_ups, delivered):
    verified_client(client, delivered)
    response = client.post(reverse("events:my-sign-ups-forget"))
    assert response.status_code == 302
    page = client.get(PAGE).content.decode()
    assert "Tai chi" not in page and 'name="mobile"' in page


# Who sees what


def test_nobody_sees_sign_ups_without_the_code(client, sign_ups, org_user, staff_user, delivered):
    with delivered():
        ask_code(client)  # asked, not verified
    assert "Tai chi" not in client.get(PAGE).content.decode()
    for user in (org_user, staff_user):  # an account gives no way around the code
        client.force_login(user)
        assert "Tai chi" not in client.get(PAGE).content.decode()
    # The action URLs only take POSTs.
    assert client.get(reverse("events:my-sign-ups-code")).status_code == 405
    assert client.get(reverse("events:my-sign-ups-verify")).status_code == 405


def test_a_code_opens_only_its_own_number(client, sign_ups, delivered):
    with delivered():
        ask_code(client, MOBILE)
        ask_code(client, OTHER)
    # MOBILE's code with OTHER's number (the hidden field changed) is just wrong.
    assert enter_code(client, texted_code(MOBILE), mobile=OTHER).status_code == 400
    assert enter_code(client, texted_code(OTHER), mobile=OTHER).status_code == 302
    page = client.get(PAGE).content.decode()
    assert sign_ups["other"].get_absolute_url() in page
    assert sign_ups["upcoming"].get_absolute_url() not in page and "Riverside" not in page


def test_the_session_id_changes_when_the_code_is_right(client, sign_ups, delivered):
    with delivered():
        ask_code(client)
    before = client.session.session_key
    enter_code(client, texted_code())
    assert client.session.session_key != before


def _list_queries(client, django_assert_num_queries, count):
    with django_assert_num_queries(count):
        response = client.get(PAGE)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("extra", [0, 12])
def test_the_list_query_count_does_not_grow_with_data(client, sign_ups, delivered, django_assert_num_queries,
                                                       extra):
    for _ in range(extra):
        RegistrationFactory(event=days_from_now(5), mobile=MOBILE)
        RegistrationFactory(event=days_from_now(5), mobile=OTHER)
    verified_client(client, delivered)
    # The session, the sign-ups with their events and organizers.
    response = _list_queries(client, django_assert_num_queries, 2)
    assert response.content.decode().count("card-title") == 3 + extra


# Links to the page


def test_the_events_list_sign_up_form_and_private_page_link_to_it(client, sign_ups):
    event = sign_ups["upcoming"].event
    for url in (reverse("events:list"), reverse("events:sign-up", args=[event.pk]),
                sign_ups["upcoming"].get_absolute_url()):
        content = client.get(url).content.decode()
        assert f'href="{PAGE}"' in content and "Find your sign-ups" in content


def test_the_page_speaks_chinese(client, sign_ups, delivered):
    content = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "查找我的报名" in content and "手机号" in content
    with delivered():
        client.post(reverse("events:my-sign-ups-code"), {"mobile": MOBILE}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "如果该号码有报名记录，验证码已通过短信发出。" in page


# Stopping text messages from the private page


def test_the_stop_link_stops_every_text_to_that_mobile_and_can_be_undone(client, sign_ups, delivered):
    registration = sign_ups["upcoming"]
    url = reverse("events:registration-text-messages", args=[registration.token])
    page = client.get(registration.get_absolute_url()).content.decode()
    assert "Stop text messages" in page and f'action="{url}"' in page

    response = client.post(url, {"receive": "no"})
    assert response.status_code == 302 and response["Location"] == registration.get_absolute_url()
    assert SmsOptOut.objects.filter(mobile=MOBILE).exists()
    page = client.get(registration.get_absolute_url()).content.decode()
    assert "We will send no more text messages to this number." in page and "Receive text messages again" in page
    with delivered():
        services.notify_registration(registration, "event_changed")
        ask_code(client)  # the code to find sign-ups too
    assert sms.outbox == []
    statuses = set(OutboxMessage.objects.filter(recipient=MOBILE).values_list("status", flat=True))
    assert statuses == {OutboxMessage.Status.SKIPPED}

    client.post(url, {"receive": "yes"})
    assert not SmsOptOut.objects.filter(mobile=MOBILE).exists()
    assert "Stop text messages" in client.get(registration.get_absolute_url()).content.decode()
    with delivered():
        services.notify_registration(registration, "event_changed")
    assert [message.mobile for message in sms.outbox] == [MOBILE]


def test_the_stop_link_needs_the_private_token(client, sign_ups):
    url = reverse("events:registration-text-messages", args=[sign_ups["upcoming"].token])
    assert client.get(url).status_code == 405
    assert client.post(url.replace(sign_ups["upcoming"].token, "not-a-token"), {"receive": "no"}).status_code == 404
    assert not SmsOptOut.objects.exists()


def test_the_stop_button_in_chinese(client, sign_ups):
    page = client.get(sign_ups["upcoming"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "不再接收短信通知" in page


def test_an_erased_sign_up_has_no_stop_button(client, sign_ups):
    registration = sign_ups["old"]
    services.purge_personal_data(retention_days=30)
    registration.refresh_from_db()
    assert registration.mobile == ""
    assert "Stop text messages" not in client.get(registration.get_absolute_url()).content.decode()


# Housekeeping


def test_codes_and_their_texts_are_erased_after_a_day(client, sign_ups, delivered):
    with delivered():
        ask_code(client)
    assert OutboxMessage.objects.filter(kind="event_lookup_code").exists()
    assert services.purge_lookup_codes(now=timezone.now() + timedelta(hours=23)) == 0
    services.purge_personal_data(now=timezone.now() + timedelta(days=1, minutes=1))
    assert not LookupCode.objects.exists()
    assert not OutboxMessage.objects.filter(kind="event_lookup_code").exists()


def test_cancelled_events_show_as_cancelled(client, sign_ups, delivered):
    Event.objects.filter(pk=sign_ups["upcoming"].event_id).update(state=Event.State.CANCELLED)
    verified_client(client, delivered)
    assert "Event cancelled" in client.get(PAGE).content.decode()
