from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from events import services
from events.models import Event, EventChange, Registration
from tests.events.factories import EventFactory, RegistrationFactory, happening_now
from tests.members.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def sign_up(event, mobile, *, email="", name="Wang"):
    return services.register_for_event(event, name=name, mobile=mobile, email=email, consent=True)


def test_places_first_then_the_waiting_list():
    event = EventFactory(capacity=2)
    statuses = [sign_up(event, f"1380000000{n}").status for n in range(4)]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert event.registrations.holding_place().count() == 2


def test_mobile_is_normalized_and_may_hold_only_one_place(django_capture_on_commit_callbacks):
    event = EventFactory()
    first = sign_up(event, "+86 138-1234-5678")
    assert first.mobile == "13812345678"
    with pytest.raises(ValidationError) as error:
        sign_up(event, "13812345678", name="Someone else")
    assert error.value.code == "duplicate"
    assert "already signed up" in error.value.messages[0]
    assert event.registrations.count() == 1


def test_same_mobile_may_sign_up_for_another_event_or_again_after_cancelling():
    event, other = EventFactory(), EventFactory()
    registration = sign_up(event, "13812345678")
    sign_up(other, "13812345678")
    services.cancel_registration(registration, token=registration.token)
    again = sign_up(event, "13812345678")
    assert again.status == Registration.Status.CONFIRMED


def test_sign_up_before_the_window_opens_is_refused():
    event = EventFactory(registration_opens_at=timezone.now() + timedelta(days=1))
    with pytest.raises(ValidationError, match="opens on"):
        sign_up(event, "13812345678")
    assert not event.registrations.exists()


def test_sign_up_after_the_window_closed_is_refused():
    event = EventFactory(
        registration_opens_at=timezone.now() - timedelta(days=2),
        registration_closes_at=timezone.now() - timedelta(minutes=1),
    )
    with pytest.raises(ValidationError, match="closed on"):
        sign_up(event, "13812345678")


@pytest.mark.parametrize("state", [Event.State.DRAFT, Event.State.CANCELLED, Event.State.COMPLETED])
def test_only_published_events_take_sign_ups(state):
    event = EventFactory(state=state)
    with pytest.raises(ValidationError, match="does not take sign-ups"):
        sign_up(event, "13812345678")


def test_consent_is_required():
    with pytest.raises(ValidationError, match="privacy notice"):
        services.register_for_event(EventFactory(), name="Wang", mobile="13812345678", consent=False)


def test_sign_up_confirmation_is_mailed_when_an_email_is_given(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(event, "13812345678", email="wang@example.com")
        sign_up(event, "13812345679")  # no email: no mail
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["wang@example.com"]
    assert registration.token in mail.outbox[0].body


def test_cancelling_a_place_promotes_the_first_waiting_person_and_mails_them(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    holder = sign_up(event, "13800000001")
    first_waiting = sign_up(event, "13800000002", email="first@example.com")
    second_waiting = sign_up(event, "13800000003", email="second@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(holder, token=holder.token)
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == Registration.Status.CONFIRMED
    assert first_waiting.promoted_at is not None
    assert second_waiting.status == Registration.Status.WAITLISTED
    assert [message.to for message in mail.outbox] == [["first@example.com"]]
    assert event.registrations.holding_place().count() == 1


def test_cancelling_a_waiting_list_spot_promotes_nobody():
    event = EventFactory(capacity=1)
    sign_up(event, "13800000001")
    waiting = sign_up(event, "13800000002")
    last = sign_up(event, "13800000003")
    services.cancel_registration(waiting, token=waiting.token)
    last.refresh_from_db()
    assert last.status == Registration.Status.WAITLISTED


def test_no_promotion_once_the_event_has_started():
    event = EventFactory(capacity=1)
    holder = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    services.cancel_registration(holder, token=holder.token)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITLISTED


def test_cancelling_twice_is_refused():
    registration = sign_up(EventFactory(), "13800000001")
    services.cancel_registration(registration, token=registration.token)
    with pytest.raises(ValidationError, match="already been cancelled"):
        services.cancel_registration(registration, token=registration.token)


def test_adding_places_moves_the_waiting_list_up():
    event = EventFactory(capacity=1)
    sign_up(event, "13800000001")
    waiting = [sign_up(event, f"1380000001{n}") for n in range(3)]
    event.capacity = 3
    services.update_event(event, acting_user=None)
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]


def test_places_cannot_go_below_the_people_holding_one():
    event = EventFactory(capacity=3)
    for n in range(2):
        sign_up(event, f"1380000000{n}")
    event.capacity = 1
    with pytest.raises(ValidationError) as error:
        services.update_event(event, acting_user=None)
    assert error.value.code == "capacity"
    assert Event.objects.get(pk=event.pk).capacity == 3


def test_publish_a_draft(org_user, org):
    event = EventFactory(organization=org, state=Event.State.DRAFT, published_at=None)
    services.publish_event(event, acting_user=org_user)
    event.refresh_from_db()
    assert event.state == Event.State.PUBLISHED
    assert event.published_at is not None
    assert event.changes.filter(action=EventChange.Action.PUBLISHED, changed_by=org_user).exists()


def test_only_active_members_publish():
    applicant = OrganizationFactory()
    MembershipFactory(organization=applicant, status="applied")
    event = EventFactory(organization=applicant, state=Event.State.DRAFT)
    with pytest.raises(ValidationError, match="active member"):
        services.publish_event(event, acting_user=None)


def test_an_event_that_is_over_cannot_be_published():
    event = EventFactory(state=Event.State.DRAFT, starts_at=timezone.now() - timedelta(days=2))
    with pytest.raises(ValidationError, match="already over"):
        services.publish_event(event, acting_user=None)


def test_cancelling_an_event_mails_everyone_signed_up_with_an_email(django_capture_on_commit_callbacks, org_user):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, email="a@example.com")
    RegistrationFactory(event=event, email="b@example.com", status=Registration.Status.WAITLISTED)
    RegistrationFactory(event=event, email="")
    RegistrationFactory(event=event, email="gone@example.com", status=Registration.Status.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(event, acting_user=org_user, reason="Heavy rain is forecast.")
    event.refresh_from_db()
    assert event.state == Event.State.CANCELLED
    assert sorted(message.to[0] for message in mail.outbox) == ["a@example.com", "b@example.com"]
    assert all("Heavy rain is forecast." in message.body for message in mail.outbox)


def test_cancelling_a_published_event_needs_a_reason():
    with pytest.raises(ValidationError, match="reason"):
        services.cancel_event(EventFactory(), acting_user=None, reason=" ")


def test_check_in_and_undo():
    registration = RegistrationFactory(event=happening_now())
    services.check_in_registration(registration, acting_user=None)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.ATTENDED
    assert registration.checked_in_at is not None
    with pytest.raises(ValidationError):
        services.check_in_registration(registration, acting_user=None)
    services.undo_check_in(registration, acting_user=None)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_waiting_people_cannot_be_checked_in():
    registration = RegistrationFactory(event=happening_now(), status=Registration.Status.WAITLISTED)
    with pytest.raises(ValidationError, match="confirmed place"):
        services.check_in_registration(registration, acting_user=None)


def test_filing_the_report_completes_the_event(org_user, org, small_jpeg):
    event = EventFactory(organization=org, starts_at=timezone.now() - timedelta(hours=3))
    report = services.file_event_report(
        event, acting_user=org_user, attendance=25, volunteers=5, beneficiaries_served=30,
        summary="Thirty residents had their hair cut.", photos=[small_jpeg],
        attendance_note="We did not check people in: they signed the paper sheet.",
    )
    event.refresh_from_db()
    assert event.state == Event.State.COMPLETED
    assert report.photos.count() == 1
    assert list(Event.objects.counting_for_duty()) == [event]


def test_no_report_before_the_event_starts(org_user):
    with pytest.raises(ValidationError, match="once the event has started"):
        services.file_event_report(
            EventFactory(), acting_user=org_user, attendance=1, volunteers=0, beneficiaries_served=0, summary="x"
        )


def test_personal_data_is_erased_after_the_retention_period_and_counts_stay(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 180
    old = EventFactory(starts_at=timezone.now() - timedelta(days=200), state=Event.State.COMPLETED)
    recent = EventFactory(starts_at=timezone.now() - timedelta(days=30), state=Event.State.COMPLETED)
    erased = [RegistrationFactory(event=old, status="attended", email="a@example.org") for _ in range(3)]
    kept = RegistrationFactory(event=recent)
    assert services.purge_personal_data() == 3
    assert services.purge_personal_data() == 0  # already done
    for registration in erased:
        registration.refresh_from_db()
        assert (registration.name, registration.mobile, registration.email) == ("", "", "")
        assert registration.purged_at is not None
    assert old.registrations.filter(status="attended").count() == 3  # the count survives
    kept.refresh_from_db()
    assert kept.name and kept.mobile


def test_purge_command_takes_a_retention(settings):
    from django.core.management import call_command

    old = EventFactory(starts_at=timezone.now() - timedelta(days=40), state=Event.State.COMPLETED)
    RegistrationFactory(event=old)
    call_command("purge_personal_data", days=365)
    assert old.registrations.get().mobile
    call_command("purge_personal_data", days=30)
    assert old.registrations.get().mobile == ""



def test_duty_reminder_reaches_the_organizations_inbox_and_email(org, org_user, delivered):
    from datetime import date

    from core.models import Notification

    with delivered():
        services.send_duty_reminder(org, month=date(2026, 5, 1))
    assert Notification.objects.filter(recipient=org_user, kind="monthly_duty_reminder").exists()
    assert sorted(address for message in mail.outbox for address in message.to) == sorted([org.email, org_user.email])
    assert "2026-05" in mail.outbox[0].subject


# Edits save the row they locked; every change says who made it


def test_an_edit_keeps_a_publish_made_while_the_form_was_open(org_user, org):
    event = EventFactory(organization=org, state=Event.State.DRAFT, published_at=None)
    open_form = Event.objects.get(pk=event.pk)  # what the editor's form was built from
    services.publish_event(event, acting_user=org_user)
    open_form.title = "New title"
    saved = services.update_event(open_form, acting_user=org_user)
    event.refresh_from_db()
    assert (event.title, event.state) == ("New title", Event.State.PUBLISHED)
    assert event.published_at is not None
    assert saved.state == Event.State.PUBLISHED


def test_an_edit_writes_only_the_fields_it_changed():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = EventFactory()
    event.place = "Another room"
    with CaptureQueriesContext(connection) as queries:
        services.update_event(event, acting_user=None)
    [update] = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "events_event"')]
    assert '"place"' in update and '"updated_at"' in update
    assert '"state"' not in update and '"title"' not in update and '"capacity"' not in update


def test_an_edit_that_changes_nothing_writes_nothing():
    event = EventFactory()
    services.update_event(Event.objects.get(pk=event.pk), acting_user=None)
    assert not event.changes.exists()


def test_cancelled_and_completed_events_are_not_edited():
    for state in (Event.State.CANCELLED, Event.State.COMPLETED):
        event = EventFactory(state=state)
        event.title = "Changed"
        with pytest.raises(ValidationError, match="cannot be edited"):
            services.update_event(event, acting_user=None)
        assert Event.objects.get(pk=event.pk).title != "Changed"


def test_every_change_records_who_made_it(org, org_user, small_jpeg, clock):
    event = services.create_event(
        EventFactory.build(organization=org, state=Event.State.DRAFT, published_at=None), acting_user=org_user
    )
    event.capacity = 1
    services.update_event(event, acting_user=org_user)
    services.publish_event(event, acting_user=org_user)
    holder = sign_up(event, "13800000001")
    clock.move_to(event.starts_at)
    services.check_in_registration(holder, acting_user=org_user)
    services.undo_check_in(holder, acting_user=org_user)
    services.cancel_registration(holder, acting_user=org_user)
    services.cancel_event(event, acting_user=org_user, reason="Rain.")
    changes = list(event.changes.order_by("pk"))
    assert [change.action for change in changes] == [
        "created", "edited", "published", "checked_in", "check_in_undone", "signup_cancelled", "cancelled"
    ]
    assert {change.changed_by for change in changes} == {org_user}
    assert [change.registration for change in changes[3:6]] == [holder] * 3
    # The event's own history (outside any request: the services name the user)
    assert {record.history_user for record in event.history.all()} == {org_user}


def test_filing_the_report_records_who_filed_it(org, org_user):
    event = EventFactory(organization=org, starts_at=timezone.now() - timedelta(hours=3))
    services.file_event_report(
        event, acting_user=org_user, attendance=0, volunteers=0, beneficiaries_served=0, summary="x"
    )
    assert event.changes.get().changed_by == org_user
    assert event.history.first().history_user == org_user


def test_a_resident_cancelling_through_the_link_is_recorded_without_a_user():
    registration = sign_up(EventFactory(), "13800000001")
    services.cancel_registration(registration, token=registration.token)
    change = registration.event.changes.get()
    assert (change.action, change.changed_by, change.registration) == ("signup_cancelled", None, registration)


# Who may cancel a sign-up, and when (events.permissions.can_cancel, Registration.cancel_refusal)


def test_the_organizer_and_the_link_cancel_a_sign_up_others_may_not(org, org_user, other_org_user):
    from django.contrib.auth.models import Permission

    from events.permissions import can_cancel
    from tests.members.factories import UserFactory

    registration = RegistrationFactory(event=EventFactory(organization=org))
    staff_without_permission = UserFactory(username="clerk", is_staff=True)
    staff_with_permission = UserFactory(username="officer", is_staff=True)
    staff_with_permission.user_permissions.add(Permission.objects.get(codename="change_registration"))
    assert can_cancel(registration, token=registration.token)
    assert can_cancel(registration, user=org_user)
    assert can_cancel(registration, user=staff_with_permission)
    assert not can_cancel(registration, token="not-the-token")
    assert not can_cancel(registration, user=other_org_user)
    assert not can_cancel(registration, user=staff_without_permission)  # an organization's event
    assert not can_cancel(registration)
    with pytest.raises(ValidationError, match="may not cancel") as error:
        services.cancel_registration(registration, acting_user=other_org_user)
    assert error.value.code == "forbidden"
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.CONFIRMED


def test_staff_organize_the_federations_own_events(staff_user):
    """Staff in the group 街道工作人员 (allowed to change events) organize them; staff without permissions don't."""
    from django.contrib.auth.models import Group

    from core.permissions import STAFF_GROUP
    from events.permissions import can_cancel, manages_event
    from tests.members.factories import UserFactory

    clerk = UserFactory(username="clerk", is_staff=True)
    federation_sign_up = RegistrationFactory(event=EventFactory(organization=None))
    assert not manages_event(clerk, federation_sign_up.event)
    assert not can_cancel(federation_sign_up, user=clerk)
    Group.objects.get(name=STAFF_GROUP).user_set.add(clerk)
    clerk = type(clerk).objects.get(pk=clerk.pk)  # permissions are cached on the user object
    assert manages_event(clerk, federation_sign_up.event)
    assert can_cancel(federation_sign_up, user=clerk)
    services.cancel_registration(federation_sign_up, acting_user=clerk)


@pytest.mark.parametrize(
    ("event_state", "status", "message"),
    [
        (Event.State.PUBLISHED, Registration.Status.CANCELLED, "already been cancelled"),
        (Event.State.PUBLISHED, Registration.Status.ATTENDED, "already taken place"),
        (Event.State.COMPLETED, Registration.Status.CONFIRMED, "already taken place"),
        (Event.State.CANCELLED, Registration.Status.WAITLISTED, "no longer need cancelling"),
    ],
)
def test_what_cannot_be_cancelled_even_with_the_link(event_state, status, message):
    from events.permissions import can_cancel

    registration = RegistrationFactory(event=EventFactory(state=event_state), status=status)
    assert not registration.is_cancellable
    assert not can_cancel(registration, token=registration.token)
    with pytest.raises(ValidationError, match=message):
        services.cancel_registration(registration, token=registration.token)
    assert Registration.objects.get(pk=registration.pk).status == status


@pytest.mark.parametrize("status", [Registration.Status.CONFIRMED, Registration.Status.WAITLISTED])
def test_places_and_waiting_list_spots_can_be_cancelled_also_once_the_event_started(status):
    registration = RegistrationFactory(
        event=EventFactory(starts_at=timezone.now() - timedelta(minutes=5)), status=status
    )
    assert registration.is_cancellable
    services.cancel_registration(registration, token=registration.token)


def test_no_check_in_once_the_event_is_cancelled():
    registration = RegistrationFactory(event=EventFactory(state=Event.State.CANCELLED))
    assert not registration.can_check_in
    with pytest.raises(ValidationError, match="no longer be changed"):
        services.check_in_registration(registration, acting_user=None)
