from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from events.models import Event, Registration
from tests.events.factories import EventFactory, EventReportFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_signup_state_follows_the_window_and_the_state():
    now = timezone.now()
    event = EventFactory(
        registration_opens_at=now + timedelta(hours=1), registration_closes_at=now + timedelta(days=2)
    )
    assert event.signup_state(now) == "not_yet"
    assert event.signup_state(now + timedelta(hours=2)) == "open"
    assert event.signup_state(now + timedelta(days=3)) == "closed"
    event.state = Event.State.DRAFT
    assert event.signup_state(now + timedelta(hours=2)) == "unavailable"


def test_signup_closes_at_the_start_without_an_explicit_close():
    event = EventFactory()
    assert event.signup_closes_at == event.starts_at
    assert event.signup_state(event.starts_at) == "closed"
    assert event.signup_state(event.starts_at - timedelta(minutes=1)) == "open"


def test_clean_refuses_inconsistent_dates():
    event = EventFactory.build(
        organization=None,
        registration_opens_at=timezone.now() + timedelta(days=10),
    )
    event.ends_at = event.starts_at - timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        event.clean()
    assert set(error.value.message_dict) == {"ends_at", "registration_opens_at"}


def test_sign_up_cannot_close_after_the_end():
    event = EventFactory.build(organization=None)
    event.registration_closes_at = event.ends_at + timedelta(minutes=1)
    with pytest.raises(ValidationError) as error:
        event.clean()
    assert "registration_closes_at" in error.value.message_dict


def test_public_listed_and_upcoming_scopes():
    draft = EventFactory(state=Event.State.DRAFT)
    published = EventFactory()
    cancelled = EventFactory(state=Event.State.CANCELLED)
    past = EventFactory(starts_at=timezone.now() - timedelta(days=3), state=Event.State.COMPLETED)
    assert set(Event.objects.public()) == {published, cancelled, past}
    assert set(Event.objects.listed()) == {published, past}
    assert set(Event.objects.upcoming()) == {draft, published, cancelled}
    assert draft not in Event.objects.public()


def test_counting_for_duty_needs_a_completed_community_activity_with_a_report():
    past = timezone.now() - timedelta(days=3)
    counted = EventFactory(starts_at=past, state=Event.State.COMPLETED)
    EventReportFactory(event=counted)
    RegistrationFactory(event=counted, status=Registration.Status.ATTENDED)  # the proof (MONTHLY_DUTY_PROOF)
    EventFactory(starts_at=past, state=Event.State.COMPLETED)  # no report
    training = EventFactory(starts_at=past, state=Event.State.COMPLETED, kind=Event.Kind.TRAINING)
    EventReportFactory(event=training)
    federation = EventFactory(starts_at=past, state=Event.State.COMPLETED, organization=None)
    EventReportFactory(event=federation)
    assert list(Event.objects.counting_for_duty()) == [counted]


def test_place_counts_annotation():
    event = EventFactory(capacity=3)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=Registration.Status.ATTENDED)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    annotated = Event.objects.with_place_counts().get(pk=event.pk)
    assert (annotated.taken_count, annotated.waitlist_count, annotated.places_left) == (2, 1, 1)


def test_the_database_refuses_two_active_sign_ups_with_one_mobile():
    event = EventFactory()
    RegistrationFactory(event=event, mobile="13812345678")
    with pytest.raises(IntegrityError):
        RegistrationFactory(event=event, mobile="13812345678", status=Registration.Status.WAITLISTED)


def test_a_cancelled_sign_up_frees_the_mobile_number():
    event = EventFactory()
    RegistrationFactory(event=event, mobile="13812345678", status=Registration.Status.CANCELLED)
    RegistrationFactory(event=event, mobile="13812345678")
    assert event.registrations.active().count() == 1


def test_waitlist_position_counts_earlier_waiting_people():
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    first = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    second = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    assert (first.waitlist_position, second.waitlist_position) == (1, 2)
    assert event.registrations.first().waitlist_position is None


def test_federation_event_is_organized_by_the_federation():
    event = EventFactory(organization=None)
    assert str(event.organizer_name) == "Changshou Social Organization Federation"
    assert list(Event.objects.federation()) == [event]


def test_upcoming_means_not_ended_whenever_it_started(db):
    now = timezone.now()
    long_course = EventFactory(starts_at=now - timedelta(days=20), ends_at=now + timedelta(days=10))
    later = EventFactory(starts_at=now + timedelta(days=1))
    soon = EventFactory(starts_at=now + timedelta(hours=1))
    EventFactory(starts_at=now - timedelta(days=2), ends_at=now - timedelta(minutes=1))  # just ended
    upcoming = Event.objects.upcoming(now).order_by("starts_at", "pk")
    assert list(upcoming) == [long_course, soon, later]
    assert upcoming.count() == 3
    assert not Event.objects.upcoming(now + timedelta(days=30)).exists()  # nothing left: the bound is NULL
