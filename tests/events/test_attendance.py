"""Attendance (issue 17): the poster's QR code, the check-in code on the private page, the organizer's check-in page
(search, one tap, walk-ins), the venue QR code and the residents' self check-in, the sign-in sheet, and the
check-in window the services enforce."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Registration
from tests.events.factories import EventFactory, RegistrationFactory, happening_now

pytestmark = pytest.mark.django_db

START = (2026, 10, 15, 14, 0)  # a Thursday afternoon in Shanghai


@pytest.fixture
def event(org, clock):
    """Org's published event, 14:00–16:00 on 15 October 2026, 3 places; the clock at 09:00 that day."""
    starts = clock.move_to(*START)
    clock.move_to(2026, 10, 15, 9, 0)
    return EventFactory(organization=org, starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=3,
                        title="Tai chi")


def check_in_page(event, **query):
    url = reverse("events:manage-check-in", args=[event.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def qr_svgs(html):
    return re.findall(r'<svg role="img" aria-label="([^"]*)" viewBox="0 0 (\d+) \d+" class="qr', html)


# The check-in window


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        ((2026, 10, 15, 12, 59), False),  # 61 minutes before the start
        ((2026, 10, 15, 13, 0), True),  # 60 minutes before: the window opens
        ((2026, 10, 15, 15, 59), True),
        ((2026, 10, 15, 16, 0), False),  # the end: closed
    ],
)
def test_check_in_is_open_from_an_hour_before_the_start_until_the_end(event, clock, moment, allowed):
    registration = RegistrationFactory(event=event)
    clock.move_to(*moment)

    if allowed:
        services.check_in_registration(registration, acting_user=None)
        registration.refresh_from_db()
        assert registration.has_attended and registration.checked_in_via == "door"
    else:
        with pytest.raises(ValidationError, match="Check-in (opens at 2026-10-15 13:00|closed at 2026-10-15 16:00)"):
            services.check_in_registration(registration, acting_user=None)
        assert Registration.objects.get(pk=registration.pk).is_confirmed


def test_a_cancelled_event_takes_no_check_ins(event, clock):
    registration = RegistrationFactory(event=event)
    Event.objects.filter(pk=event.pk).update(state=Event.State.CANCELLED)
    clock.move_to(*START)

    with pytest.raises(ValidationError, match="Check-ins can no longer be changed"):
        services.check_in_registration(Registration.objects.get(pk=registration.pk), acting_user=None)


def test_checking_in_twice_is_refused(event, clock):
    registration = RegistrationFactory(event=event)
    clock.move_to(*START)
    services.check_in_registration(registration, acting_user=None)

    with pytest.raises(ValidationError, match="Only people with a confirmed place"):
        services.check_in_registration(registration, acting_user=None)
    assert event.changes.filter(action="checked_in").count() == 1


def test_a_sign_up_gets_a_check_in_code_of_its_own(event):
    codes = {
        services.register_for_event(event, name=f"居民{n}", mobile=f"1380000000{n}", consent=True).check_in_code
        for n in range(3)
    }
    assert len(codes) == 3 and all(len(code) == 6 and code.isdigit() for code in codes)


# The poster and the resident's code


def test_the_poster_has_a_qr_code_of_the_sign_up_page(client, event):
    html = client.get(reverse("events:poster", args=[event.pk])).content.decode()

    assert "Tai chi" in html and "Scan to sign up" in html
    [(label, _size)] = qr_svgs(html)
    assert label == "QR code: the sign-up page of this event"
    assert "print-pages.css" in html


def test_a_draft_has_no_poster(client, org):
    draft = EventFactory(organization=org, state=Event.State.DRAFT, published_at=None)
    assert client.get(reverse("events:poster", args=[draft.pk])).status_code == 404


def test_the_private_page_shows_the_check_in_code_and_its_qr_code(client, event):
    registration = RegistrationFactory(event=event, check_in_code="042917")

    html = client.get(registration.get_absolute_url()).content.decode()

    assert '<p class="check-in-code mb-1">042917</p>' in html
    assert [label for label, _ in qr_svgs(html)] == ["QR code: your check-in code"]


def test_the_qr_code_holds_the_check_in_page_with_the_code(client, event, settings):
    """The resident's QR code is that of the organizer's check-in page searching for the code (what the camera
    scan reads): the same drawing as a QR code made of that address, and not one of another code's."""
    from core.qr import link_qr_svg

    settings.SITE_URL = "http://testserver"  # the address the test client's requests have
    registration = RegistrationFactory(event=event, check_in_code="042917")
    html = client.get(registration.get_absolute_url()).content.decode()

    drawn = {"label": "QR code: your check-in code", "css_class": "qr qr-small mx-auto"}
    assert link_qr_svg(check_in_page(event, q="042917"), **drawn) in html
    assert link_qr_svg(check_in_page(event, q="042918"), **drawn) not in html


@pytest.mark.parametrize("status", ["waitlisted", "cancelled", "attended"])
def test_only_a_confirmed_place_shows_a_check_in_code(client, event, status):
    registration = RegistrationFactory(event=event, status=status, check_in_code="042917")
    assert "042917" not in client.get(registration.get_absolute_url()).content.decode()


# The organizer's check-in page


@pytest.fixture
def people(event):
    return {
        "wang": RegistrationFactory(event=event, name="王阿姨", mobile="13800001234", check_in_code="111111"),
        "li": RegistrationFactory(event=event, name="李伯伯", mobile="13900005678", check_in_code="222222"),
        "zhao": RegistrationFactory(event=event, name="赵老师", mobile="13700009999", check_in_code="333333",
                                    status=Registration.Status.WAITLISTED),
    }


@pytest.mark.parametrize(
    ("term", "found"),
    [("111111", ["王阿姨"]), ("５６７８", ["李伯伯"]), ("王", ["王阿姨"]), ("", ["李伯伯", "王阿姨", "赵老师"]),
     ("444444", [])],
)
def test_the_organizer_finds_people_by_code_last_digits_or_name(client, org_user, people, term, found):
    client.force_login(org_user)
    response = client.get(check_in_page(people["wang"].event, q=term))

    assert response.status_code == 200
    assert sorted(r.name for r in response.context["registrations"]) == sorted(found)
    html = response.content.decode()
    assert "13800001234" not in html  # masked here: the full number is on the event page only
    if not found:
        assert "Nobody found." in html


def test_the_organizer_checks_a_person_in_with_one_tap_and_returns_to_the_search(
    client, org_user, people, clock
):
    wang = people["wang"]
    clock.move_to(*START)
    client.force_login(org_user)
    page = client.get(check_in_page(wang.event, q="111111")).content.decode()
    assert page.count(">Check in<") == 1

    response = client.post(
        reverse("events:manage-registration-action", args=[wang.event.pk, wang.pk, "check-in"]),
        {"next": check_in_page(wang.event, q="111111")},
    )

    assert response.status_code == 302 and response.url == check_in_page(wang.event, q="111111")
    wang.refresh_from_db()
    assert wang.has_attended
    after = client.get(response.url).content.decode()
    assert "王阿姨 is checked in." in after and "1 checked in · 2 of 3 places taken" in after


def test_a_next_address_elsewhere_is_ignored(client, org_user, people, clock):
    clock.move_to(*START)
    client.force_login(org_user)
    wang = people["wang"]
    response = client.post(
        reverse("events:manage-registration-action", args=[wang.event.pk, wang.pk, "check-in"]),
        {"next": "https://evil.example/"},
    )
    assert response.url.startswith(reverse("events:manage-detail", args=[wang.event.pk]))


def test_before_the_window_the_page_says_when_and_the_tap_is_refused(client, org_user, people):
    client.force_login(org_user)
    wang = people["wang"]
    page = client.get(check_in_page(wang.event)).content.decode()
    assert "Check-in opens at 2026-10-15 13:00 (60 minutes before the start)." in page
    assert ">Check in<" not in page

    response = client.post(
        reverse("events:manage-registration-action", args=[wang.event.pk, wang.pk, "check-in"]), follow=True
    )
    assert "Check-in opens at" in response.content.decode()
    assert Registration.objects.get(pk=wang.pk).is_confirmed


def test_the_organizer_adds_a_walk_in_while_places_are_left(client, org_user, people, clock):
    event = people["wang"].event
    clock.move_to(*START)
    client.force_login(org_user)

    added = client.post(check_in_page(event), {"name": "钱先生", "mobile": "136 0000 1111"})
    full = client.post(check_in_page(event), {"name": "孙女士", "mobile": "13600002222"})

    assert added.status_code == 302
    walk_in = Registration.objects.get(mobile="13600001111")
    assert (walk_in.is_walk_in, walk_in.has_attended, walk_in.checked_in_via) == (True, True, "door")
    assert len(walk_in.check_in_code) == 6
    assert full.status_code == 200 and "The event is full: no walk-ins can be added." in full.content.decode()
    assert not Registration.objects.filter(mobile="13600002222").exists()


def test_a_walk_in_already_signed_up_is_pointed_to_the_list(client, org_user, people, clock):
    clock.move_to(*START)
    client.force_login(org_user)
    response = client.post(check_in_page(people["wang"].event), {"name": "王阿姨", "mobile": "13800001234"})
    assert "already signed up for this event" in response.content.decode()
    assert Registration.objects.filter(mobile="13800001234").count() == 1


def test_the_check_in_page_is_paginated(client, org_user, event):
    RegistrationFactory.create_batch(3, event=event)
    Event.objects.filter(pk=event.pk).update(capacity=200)
    RegistrationFactory.create_batch(120, event=event)
    client.force_login(org_user)

    response = client.get(check_in_page(event, page=3))

    assert len(response.context["registrations"]) == 123 - 100
    assert response.context["page_obj"].paginator.num_pages == 3


@pytest.mark.parametrize("size", [5, 60])
def test_the_check_in_page_costs_the_same_queries_at_any_size(
    client, org_user, event, size, django_assert_num_queries
):
    Event.objects.filter(pk=event.pk).update(capacity=100)
    RegistrationFactory.create_batch(size, event=event)
    client.force_login(org_user)
    client.get(check_in_page(event))  # warm the session and the user's membership
    with django_assert_num_queries(11):
        client.get(check_in_page(event))


# The venue QR code and self check-in


def self_check_in(event, token=None):
    return reverse("events:self-check-in", args=[event.pk, token or event.venue_token])


def test_the_venue_code_page_shows_the_qr_code_of_the_self_check_in_page(client, org_user, event):
    client.force_login(org_user)
    html = client.get(reverse("events:manage-venue-code", args=[event.pk])).content.decode()
    assert [label for label, _ in qr_svgs(html)] == ["QR code: self check-in for this event"]
    assert "from 2026-10-15 13:00 until 16:00" in html


def test_a_wrong_venue_token_is_a_404(client, event):
    other = EventFactory()
    assert client.get(self_check_in(event, "not-the-token")).status_code == 404
    assert client.get(self_check_in(event, other.venue_token)).status_code == 404


def test_a_resident_checks_in_with_the_venue_code_and_the_mobile(client, people, clock):
    wang = people["wang"]
    clock.move_to(*START)

    response = client.post(self_check_in(wang.event), {"mobile": "138-0000-1234"})

    assert response.status_code == 200
    assert "Welcome, 王阿姨: you are checked in." in response.content.decode()
    wang.refresh_from_db()
    assert wang.has_attended and wang.checked_in_via == "self"
    again = client.post(self_check_in(wang.event), {"mobile": "13800001234"})
    assert "Welcome, 王阿姨" in again.content.decode()
    assert wang.event.changes.filter(action="checked_in").count() == 1


def test_self_check_in_outside_the_window_is_refused(client, people, clock):
    wang = people["wang"]
    page = client.get(self_check_in(wang.event)).content.decode()
    assert "Check-in opens at 2026-10-15 13:00" in page and 'name="mobile"' not in page

    client.post(self_check_in(wang.event), {"mobile": "13800001234"})
    clock.move_to(2026, 10, 15, 16, 30)
    client.post(self_check_in(wang.event), {"mobile": "13800001234"})

    assert Registration.objects.get(pk=wang.pk).is_confirmed
    with pytest.raises(ValidationError) as refusal:
        services.check_in_with_venue_code(wang.event, token=wang.event.venue_token, mobile="13800001234")
    assert refusal.value.code == "window"


def test_an_unknown_mobile_is_asked_for_a_name_and_added_as_a_walk_in(client, people, clock):
    event = people["wang"].event
    clock.move_to(*START)

    asked = client.post(self_check_in(event), {"mobile": "13600001111"})
    html = asked.content.decode()
    assert "There is no sign-up under this number." in html
    assert 'type="text" name="name"' in html and 'name="consent"' in html
    without_consent = client.post(self_check_in(event), {"mobile": "13600001111", "name": "钱先生"})
    assert "Please agree, to be added as a walk-in." in without_consent.content.decode()
    assert not Registration.objects.filter(mobile="13600001111").exists()

    added = client.post(self_check_in(event), {"mobile": "13600001111", "name": "钱先生", "consent": "on"})

    assert "Welcome, 钱先生: you are checked in." in added.content.decode()
    walk_in = Registration.objects.get(mobile="13600001111")
    assert (walk_in.is_walk_in, walk_in.checked_in_via, walk_in.consent) == (True, "self", True)


def test_a_waitlisted_resident_takes_a_free_place_at_the_door(client, people, clock):
    people["li"].delete()  # a place is free
    clock.move_to(*START)

    client.post(self_check_in(people["zhao"].event), {"mobile": "13700009999"})

    zhao = Registration.objects.get(pk=people["zhao"].pk)
    assert zhao.has_attended and zhao.promoted_at is not None


def test_no_walk_in_when_the_event_is_full(client, people, clock):
    event = people["wang"].event
    RegistrationFactory(event=event)  # 3 places taken
    clock.move_to(*START)

    response = client.post(self_check_in(event), {"mobile": "13600001111", "name": "钱先生", "consent": "on"})
    waiting = client.post(self_check_in(event), {"mobile": "13700009999"})

    assert "The event is full" in response.content.decode()
    assert "The event is full" in waiting.content.decode()
    assert not Registration.objects.filter(mobile="13600001111").exists()
    assert Registration.objects.get(pk=people["zhao"].pk).is_waitlisted


# The sign-in sheet


def test_the_sign_in_sheet_has_25_numbered_rows_a_page_with_masked_mobiles(client, org_user, event):
    Event.objects.filter(pk=event.pk).update(capacity=100)
    RegistrationFactory.create_batch(30, event=event, mobile=factory_mobile())
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED, name="取消的人")
    client.force_login(org_user)

    response = client.get(reverse("events:manage-sign-in-sheet", args=[event.pk]))

    html = response.content.decode()
    pages = response.context["pages"]
    assert [len(page) for page in pages] == [25, 25]  # 30 people + 10 blank rows, the last page filled up
    assert [row[0] for row in pages[1]][:2] == [26, 27]
    assert pages[1][-1] == (50, "", "")
    assert "取消的人" not in html
    assert "138****" in html and not re.search(r"138\d{8}", html)
    assert html.count('class="sheet-page"') == 2


def factory_mobile():
    import factory

    return factory.Sequence(lambda n: f"138{n:08d}")


def test_happening_now_events_are_open_for_check_in():
    assert happening_now().is_check_in_open
    assert not EventFactory(starts_at=timezone.now() + timedelta(days=1),
                            ends_at=timezone.now() + timedelta(days=1, hours=2)).is_check_in_open
