"""State changes of the events app: publishing, sign-up with capacity and waiting list, check-in, reports."""

from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import OutboxMessage, SmsOptOut
from core.notifications import notify
from core.validators import normalize_mobile

from .models import (
    Event,
    EventChange,
    EventReport,
    Feedback,
    LookupCode,
    Registration,
    ReportPhoto,
    new_check_in_code,
)
from .permissions import can_cancel


def _record(event, action, *, acting_user, note="", registration=None):
    """Who did it: a row of the event's history (EventChange); residents acting through their link have no user."""
    EventChange.objects.create(
        event=event,
        registration=registration,
        action=action,
        changed_by=_user(acting_user),
        note=note,
    )


def _user(acting_user):
    return acting_user if acting_user is not None and acting_user.is_authenticated else None


def _save(event, fields, *, acting_user):
    """Write only `fields` of the event (and its updated_at), its history row naming the acting user."""
    event._history_user = _user(acting_user)  # simple_history: the same user outside a request (admin actions too)
    event.save(update_fields=[*fields, "updated_at"])


def _when(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


@transaction.atomic
def create_event(event, *, acting_user):
    """A new event is saved as a draft."""
    event.state = Event.State.DRAFT
    event.created_by = _user(acting_user)
    event._history_user = _user(acting_user)
    event.save()
    _record(event, EventChange.Action.CREATED, acting_user=acting_user)
    return event


def check_capacity(event, capacity):
    """An event keeps at least as many places as people holding one (confirmed or checked in): fewer places
    would take someone's place away. The portal's and the admin's edit forms show this on the places field.
    Returns the number of places taken."""
    taken = event.registrations.holding_place().count()
    if capacity is not None and capacity < taken:
        raise ValidationError(
            ngettext(
                "%(taken)d person already holds a place: the event needs at least %(taken)d place.",
                "%(taken)d people already hold a place: the event needs at least %(taken)d places.",
                taken,
            )
            % {"taken": taken},
            code="capacity",
        )
    return taken


def _edited_fields(event, current):
    """The names of the fields in which an edited copy of the event differs from the current row, leaving out
    those only services write (Event.SERVICE_FIELDS)."""
    names = [
        field.name
        for field in Event._meta.concrete_fields
        if not field.primary_key
        and field.name not in Event.SERVICE_FIELDS
        and field.value_from_object(event) != field.value_from_object(current)
    ]
    if "cover" in names:  # the picture's size is recorded when it is stored
        names += [name for name in ("cover_width", "cover_height") if name not in names]
    return names


@transaction.atomic
def update_event(event, *, acting_user, note=""):
    """An edit of an event's details (portal or admin): `event` is the edited copy, unsaved.

    What changed is written on the row locked here, and only that: the state and its dates are never written
    by an edit, so a publish or cancel made while the form was open stands. Cancelled and completed events are
    not edited. The places cannot go below the people holding one; places added go to the waiting list, first
    come first served. Returns the saved event.
    """
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if not locked.is_editable:
        raise ValidationError(_("Cancelled and completed events cannot be edited."))
    taken = check_capacity(locked, event.capacity)
    fields = _edited_fields(event, locked)
    if not fields:
        return locked
    for name in fields:
        field = Event._meta.get_field(name)
        setattr(locked, field.attname, getattr(event, field.attname))
    _save(locked, fields, acting_user=acting_user)
    _record(locked, EventChange.Action.EDITED, acting_user=acting_user, note=note)
    if locked.state == Event.State.PUBLISHED:
        if set(fields) & NOTICE_FIELDS:
            for registration in locked.registrations.active():
                notify_registration(registration, "event_changed")
        _promote_waitlisted(locked, free=locked.capacity - taken)
    return locked


# A change of these tells everyone signed up.
NOTICE_FIELDS = {"starts_at", "ends_at", "place"}


@transaction.atomic
def publish_event(event, *, acting_user):
    """A draft becomes visible on the public calendar; only active members (or the federation) publish."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.publish_refusal:
        raise ValidationError(event.publish_refusal)
    event.state = Event.State.PUBLISHED
    event.published_at = timezone.now()
    _save(event, ["state", "published_at"], acting_user=acting_user)
    _record(event, EventChange.Action.PUBLISHED, acting_user=acting_user)
    return event


@transaction.atomic
def cancel_event(event, *, acting_user, reason):
    """A draft or published event is called off; everyone signed up who left an email is told."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not event.can_be_cancelled:
        raise ValidationError(_("Only drafts and published events can be cancelled."))
    reason = (reason or "").strip()
    if event.state == Event.State.PUBLISHED and not reason:
        raise ValidationError(_("Please give a reason: the people who signed up will read it."))
    event.state = Event.State.CANCELLED
    event.cancel_reason = reason
    _save(event, ["state", "cancel_reason"], acting_user=acting_user)
    _record(event, EventChange.Action.CANCELLED, acting_user=acting_user, note=reason)
    for registration in event.registrations.active():
        notify_registration(registration, "event_cancelled")
    return event


def register_for_event(event, *, name, mobile, email="", consent, code=None):
    """A resident signs up: a place while there is one, otherwise the waiting list.

    The event row is locked for the whole decision, so concurrent sign-ups are served one after
    another and the capacity is never exceeded. One mobile number holds at most one place or
    waiting-list spot per event; sign-up is possible only while the event's window is open. When the organizer
    asks for it (Event.signup_needs_code), the mobile is first proven with the code texted to it
    (request_sign_up_code()); a wrong code counts as a try and signs up nobody.
    """
    if not consent:
        raise ValidationError(_("Please agree to the privacy notice to sign up."))
    if event.signup_needs_code:
        if not code:
            raise ValidationError(
                _("Please ask for a code by text message and enter it to sign up."), code="code_missing"
            )
        verify_lookup_code(mobile, code, scope=LookupCode.sign_up_scope(event))
    return _register(event, name=name, mobile=mobile, email=email)


@transaction.atomic
def _register(event, *, name, mobile, email):
    event = Event.objects.select_for_update().get(pk=event.pk)
    now = timezone.now()
    state = event.signup_state(now)
    if state == "unavailable":
        raise ValidationError(_("This event does not take sign-ups."))
    if state == "not_yet":
        raise ValidationError(
            _("Sign-up for this event opens on %(when)s.") % {"when": _when(event.registration_opens_at)}
        )
    if state == "closed":
        raise ValidationError(_("Sign-up for this event closed on %(when)s.") % {"when": _when(event.signup_closes_at)})
    mobile = normalize_mobile(mobile)
    duplicate = ValidationError(
        _("This mobile number is already signed up for this event. Use the link in your confirmation to see or "
          "cancel that sign-up."),
        code="duplicate",
    )
    registrations = event.registrations.all()
    if registrations.active().filter(mobile=mobile).exists():
        raise duplicate
    has_place = registrations.holding_place().count() < event.capacity
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                event=event,
                name=name.strip(),
                mobile=mobile,
                email=(email or "").strip(),
                consent=True,
                status=Registration.Status.CONFIRMED if has_place else Registration.Status.WAITLISTED,
                created_at=now,
                check_in_code=_free_check_in_code(event),
            )
    except IntegrityError as error:  # the database constraint backs the check above
        raise duplicate from error
    notify_registration(registration, "event_registration_received")
    return registration


def _free_check_in_code(event):
    """A check-in code no other sign-up of `event` has (called under the event's lock)."""
    taken = event.registrations.exclude(check_in_code="")
    while True:
        code = new_check_in_code()
        if not taken.filter(check_in_code=code).exists():
            return code


def _locked_registration(registration):
    """The sign-up read afresh under its event's lock (the lock every change of places takes), with that event."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.event = event
    return registration


@transaction.atomic
def cancel_registration(registration, *, acting_user=None, token=None):
    """A sign-up is cancelled: by the resident holding its private link (`token`), by the event's organizer or
    by staff (`acting_user`), as events.permissions.can_cancel says, while Registration.cancel_refusal allows it.

    A freed place goes to the first person on the waiting list, as long as the event has not started.
    """
    registration = _locked_registration(registration)
    event = registration.event
    refusal = registration.cancel_refusal
    if refusal:
        raise ValidationError(refusal, code="state")
    if not can_cancel(registration, user=acting_user, token=token):
        raise ValidationError(_("You may not cancel this sign-up."), code="forbidden")
    held_place = registration.holds_place
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    _record(event, EventChange.Action.SIGNUP_CANCELLED, acting_user=acting_user, registration=registration)
    if held_place and event.state == Event.State.PUBLISHED and not event.has_started:
        _promote_waitlisted(event, free=1)
    return registration


def _promote_waitlisted(event, *, free):
    """Give up to `free` places to the waiting list, first come first served, and tell them. Needs the event lock."""
    if free <= 0 or event.has_started:
        return []
    promoted = list(event.registrations.waitlisted()[:free])
    now = timezone.now()
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        notify_registration(registration, "event_registration_promoted")
    return promoted


@transaction.atomic
def check_in_registration(registration, *, acting_user, via=Registration.CheckInMethod.DOOR):
    """A person with a place is marked as attended, by the organizer at the door or by the resident with the venue
    QR code (`via`), inside the event's check-in window (Registration.check_in_refusal says when)."""
    registration = _locked_registration(registration)
    refusal = registration.check_in_refusal
    if refusal:
        raise ValidationError(refusal)
    registration.status = Registration.Status.ATTENDED
    registration.checked_in_at = timezone.now()
    registration.checked_in_via = via
    registration.save(update_fields=["status", "checked_in_at", "checked_in_via"])
    _record(registration.event, EventChange.Action.CHECKED_IN, acting_user=acting_user, registration=registration)
    return registration


@transaction.atomic
def undo_check_in(registration, *, acting_user):
    """A check-in made by mistake is taken back; the person keeps the place."""
    registration = _locked_registration(registration)
    refusal = registration.undo_check_in_refusal
    if refusal:
        raise ValidationError(refusal)
    registration.status = Registration.Status.CONFIRMED
    registration.checked_in_at = None
    registration.checked_in_via = ""
    registration.save(update_fields=["status", "checked_in_at", "checked_in_via"])
    _record(registration.event, EventChange.Action.CHECK_IN_UNDONE, acting_user=acting_user, registration=registration)
    return registration


def check_in_with_venue_code(event, *, token, mobile):
    """A resident checks in with the venue QR code shown at the door (Event.venue_token) and their mobile: the
    sign-up of that mobile is checked in, inside the check-in window. Raises ValidationError with code
    "token" (not this event's code), "window", "not_signed_up" (no place under that number: a walk-in may be
    added, add_walk_in()) or "refused" (e.g. only on the waiting list); returns the sign-up, already checked in
    or not."""
    check_venue_token(event, token)
    mobile = normalize_mobile(mobile)
    registration = event.registrations.active().of_mobile(mobile).first()
    if registration is None:
        raise ValidationError(_("There is no sign-up under this number."), code="not_signed_up")
    if registration.has_attended:
        return registration
    if registration.is_waitlisted:  # a place at the door while one is free
        return add_walk_in(event, name=registration.name, mobile=mobile, token=token)
    try:
        return check_in_registration(registration, acting_user=None, via=Registration.CheckInMethod.SELF)
    except ValidationError as error:
        raise ValidationError(error.messages[0], code="refused") from error


def check_venue_token(event, token, *, window=True):
    """Refuses (ValidationError) a venue token that is not `event`'s (code "token") and, with `window`, a check-in
    outside the event's check-in window (code "window")."""
    if not constant_time_compare(token or "", event.venue_token):
        raise ValidationError(_("This check-in code is not this event's. Please scan the code at the door."),
                              code="token")
    refusal = event.check_in_refusal() if window else None
    if refusal:
        raise ValidationError(refusal, code="window")


@transaction.atomic
def add_walk_in(event, *, name, mobile, acting_user=None, token=None):
    """A person who did not sign up beforehand is added at the door (现场报名) and checked in, while the event has
    places left, inside the check-in window: by the organizer (`acting_user`) or by the resident with the venue QR
    code (`token`). A waiting-list spot of the same mobile becomes the place."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if token is not None:
        check_venue_token(event, token)
    refusal = event.check_in_refusal()
    if refusal:
        raise ValidationError(refusal, code="window")
    mobile = normalize_mobile(mobile)
    existing = event.registrations.active().of_mobile(mobile).select_for_update().first()
    if existing is not None and existing.holds_place:
        raise ValidationError(
            _("This number is already signed up for this event: find it in the list to check it in."),
            code="duplicate",
        )
    if event.registrations.holding_place().count() >= event.capacity:
        raise ValidationError(_("The event is full: no walk-ins can be added."), code="full")
    now = timezone.now()
    via = Registration.CheckInMethod.DOOR if token is None else Registration.CheckInMethod.SELF
    if existing is not None:  # from the waiting list, now that a place is free
        existing.status, existing.checked_in_at, existing.checked_in_via = Registration.Status.ATTENDED, now, via
        existing.promoted_at = now
        existing.save(update_fields=["status", "checked_in_at", "checked_in_via", "promoted_at"])
        registration = existing
    else:
        registration = Registration.objects.create(
            event=event, name=name.strip(), mobile=mobile, consent=True, status=Registration.Status.ATTENDED,
            created_at=now, checked_in_at=now, checked_in_via=via, is_walk_in=True,
            check_in_code=_free_check_in_code(event),
        )
    _record(event, EventChange.Action.CHECKED_IN, acting_user=acting_user, registration=registration,
            note=_("walk-in"))
    return registration


def checked_in_count(event):
    """People checked in at the event, walk-ins included: the attendance the report starts from."""
    return event.registrations.filter(status=Registration.Status.ATTENDED).count()


def attendance_note_needed(count):
    """The refusal of an attendance that differs from the `count` of people checked in, without a reason."""
    return ngettext(
        "%(count)d person was checked in. Please say why the attendance is different (for example: people signed "
        "in on the paper sheet only); the street office reads it.",
        "%(count)d people were checked in. Please say why the attendance is different (for example: people signed "
        "in on the paper sheet only); the street office reads it.",
        count,
    ) % {"count": count}


@transaction.atomic
def file_event_report(
    event, *, acting_user, attendance, volunteers, beneficiaries_served, summary, attendance_note="", photos=()
):
    """The organizer reports on an event that has taken place; the event becomes completed.

    The attendance follows the check-ins: the number of people checked in (walk-ins included) is kept with the
    report, and an attendance that differs from it needs a reason (`attendance_note`), which staff read.
    Completed community public-benefit activities with a report count toward the monthly duty, with the proof
    MONTHLY_DUTY_PROOF names (EventQuerySet.counting_for_duty).
    """
    event = Event.objects.select_for_update().get(pk=event.pk)  # no check-in changes the count meanwhile
    refusal = event.report_refusal
    if refusal:
        raise ValidationError(refusal)
    checked_in = checked_in_count(event)
    attendance_note = (attendance_note or "").strip()
    if attendance != checked_in and not attendance_note:
        raise ValidationError(
            {"attendance_note": attendance_note_needed(checked_in)}, code="attendance_note"
        )
    report = EventReport.objects.create(
        event=event,
        attendance=attendance,
        volunteers=volunteers,
        beneficiaries_served=beneficiaries_served,
        summary=summary,
        checked_in=checked_in,
        attendance_note=attendance_note if attendance != checked_in else "",
        filed_by=_user(acting_user),
    )
    for photo in photos:
        ReportPhoto.objects.create(report=report, image=photo)
    event.state = Event.State.COMPLETED
    _save(event, ["state"], acting_user=acting_user)
    _record(event, EventChange.Action.COMPLETED, acting_user=acting_user)
    return report


@transaction.atomic
def purge_personal_data(*, now=None, retention_days=None):
    """Residents' names, mobiles and emails are erased PERSONAL_DATA_RETENTION_DAYS after their event ended.

    The sign-ups themselves stay (status, times), so attendance counts and statistics are unchanged. What named
    them elsewhere goes too: the messages sent to them, and the name in the admin's action log. Sign-ups have no
    history table, and their events' history (EventChange) points at a sign-up by id only. Residents' ratings stay
    with the event (its averages unchanged), no longer linked to the sign-up.
    Returns the number of sign-ups erased.
    """
    days = settings.PERSONAL_DATA_RETENTION_DAYS if retention_days is None else retention_days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    expired = Registration.objects.filter(event__ends_at__lt=cutoff, purged_at__isnull=True)
    abouts = [_about(pk) for pk in expired.values_list("pk", flat=True)]
    erased = expired.update(name="", mobile="", email="", purged_at=now or timezone.now())
    _unlink_feedback()
    for start in range(0, len(abouts), 500):  # the messages sent to them go too (mobiles, addresses, names)
        OutboxMessage.objects.filter(about__in=abouts[start : start + 500]).delete()
    _redact_admin_log()
    purge_lookup_codes(now=now)
    return erased


def purge_lookup_codes(*, now=None):
    """Codes to find sign-ups, and the text messages that carried them, are erased a day after they were asked
    for: they stop working after minutes, and the limits look back an hour. Returns the number of codes erased."""
    cutoff = (now or timezone.now()) - timedelta(days=1)
    OutboxMessage.objects.filter(kind=LOOKUP_CODE_KIND, created_at__lt=cutoff).delete()
    erased, _by_model = LookupCode.objects.filter(created_at__lt=cutoff).delete()
    return erased


REDACTED = "—"


def _redact_admin_log():
    """The admin's action log ("Recent actions", each object's history) names a sign-up it records as
    "name · event": for erased sign-ups it keeps who did what when, without the name. Covers sign-ups erased
    before the log was redacted too. Its change messages hold field labels only; the event's admin shows sign-ups
    read-only, so events' log entries never name one. Returns the number of entries redacted."""
    erased = Registration.objects.filter(purged_at__isnull=False).annotate(key=Cast("pk", models.CharField()))
    return (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Registration), object_id__in=erased.values("key")
        )
        .exclude(object_repr=REDACTED)
        .update(object_repr=REDACTED)
    )


# Notifications (rules in events.notifications, registered from EventsConfig.ready)


def _about(registration_pk):
    return f"events.registration:{registration_pk}"


def notify_registration(registration, kind, *, key=None):
    """Tell a resident about their sign-up (e-mail if they left an address, otherwise SMS), within the current
    transaction; the message is erased with the sign-up's personal data."""
    event = registration.event
    notify(
        kind,
        key=key,
        about=_about(registration.pk),
        registration=registration,
        event=event,
        event_url=event.get_absolute_url(),
        registration_url=registration.get_absolute_url(),
        short_url=registration.get_short_url(),
    )


def send_event_reminders(*, now=None):
    """Everyone holding a place at a published event that starts within REMINDER_HOURS is reminded, once (the
    outbox's key): a periodic job, safe to run again after a restart. Returns the number reminded."""
    now = now or timezone.now()
    due = (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            event__state=Event.State.PUBLISHED,
            event__starts_at__gt=now,
            event__starts_at__lte=now + timedelta(hours=settings.REMINDER_HOURS),
        )
        .exclude(mobile="", email="")
        .select_related("event", "event__organization")
    )
    return _notify_each_once(due, "event_reminder")


def _notify_each_once(registrations, kind):
    """Send `kind` to each of the sign-ups that has not had it yet (the outbox's key makes sure, the look-up
    first spares the writes), each in a transaction of its own. Returns the number sent."""
    registrations = list(registrations)
    done = set(
        OutboxMessage.objects.filter(kind=kind, about__in=[_about(r.pk) for r in registrations])
        .values_list("about", flat=True)
    )
    sent = 0
    for registration in registrations:
        if _about(registration.pk) in done:
            continue
        with transaction.atomic():
            notify_registration(registration, kind, key=f"{kind}:{registration.pk}")
        sent += 1
    return sent


def send_duty_reminder(organization, *, month):
    """Remind an organization that it has no community activity planned in `month` (a date on its first day);
    once per organization and month, however often the job runs."""
    notify(
        "monthly_duty_reminder",
        key=f"monthly_duty_reminder:{organization.pk}:{month:%Y-%m}",
        organization=organization,
        month_label=f"{month:%Y-%m}",
        create_url=reverse("events:manage-create"),
    )


# Finding one's sign-ups by mobile (/events/my/) and stopping text messages


LOOKUP_CODE_KIND = "event_lookup_code"


def _new_code(mobile, *, client_address, scope):
    """A fresh code for `mobile` (its keyed hash stored), unless the limits per address or per mobile are reached
    (ValidationError, code "client_limit" or "mobile_limit")."""
    client = LookupCode.hash_client(client_address)
    recent = LookupCode.objects.in_last_hour()
    if recent.from_client(client).count() >= LookupCode.PER_CLIENT_PER_HOUR:
        raise ValidationError(
            _("Too many codes have been asked for from this connection. Please try again in an hour."),
            code="client_limit",
        )
    if recent.for_mobile(mobile, scope).count() >= LookupCode.PER_MOBILE_PER_HOUR:
        raise ValidationError(
            _("Too many codes have been asked for this number. Please try again in an hour."), code="mobile_limit"
        )
    code = LookupCode.new_code()
    LookupCode.objects.create(
        mobile=mobile, scope=scope, code_hash=LookupCode.hash_code(mobile, code, scope), client=client
    )
    return code


@transaction.atomic
def request_lookup_code(mobile, *, client_address):
    """A resident asks for a code to see the sign-ups of `mobile`; it is texted only when the number has sign-ups
    to show (Registration.objects.current()), but the answer, and the limits, are the same either way: nobody
    learns from this whether a number signed up. Refused (ValidationError, code "client_limit" or "mobile_limit")
    beyond LookupCode.PER_CLIENT_PER_HOUR codes from one address or PER_MOBILE_PER_HOUR for one mobile."""
    mobile = normalize_mobile(mobile)
    code = _new_code(mobile, client_address=client_address, scope="")
    if Registration.objects.of_mobile(mobile).current().exists():
        notify(LOOKUP_CODE_KIND, mobile=mobile, code=code)


SIGN_UP_CODE_KIND = "event_sign_up_code"


@transaction.atomic
def request_sign_up_code(event, mobile, *, client_address):
    """A resident asks for the code that signing up for `event` needs (Event.signup_needs_code): texted to
    `mobile` while the event takes sign-ups, within the same limits as the codes to find sign-ups."""
    if not event.signup_needs_code:
        raise ValidationError(_("This event needs no code to sign up."), code="not_needed")
    if event.signup_state() != "open":
        raise ValidationError(_("This event does not take sign-ups now."), code="closed")
    mobile = normalize_mobile(mobile)
    code = _new_code(mobile, client_address=client_address, scope=LookupCode.sign_up_scope(event))
    notify(SIGN_UP_CODE_KIND, mobile=mobile, code=code, event=event)


def verify_lookup_code(mobile, code, scope=""):
    """Whether `code` is the latest code of `mobile` for `scope` ("" finds sign-ups), still valid
    (LookupCode.VALID_MINUTES, not used, fewer than MAX_ATTEMPTS wrong tries). A wrong try counts, also when the
    answer is a refusal; a right one uses the code up. Returns the mobile; raises ValidationError with code
    "expired", "attempts" or "wrong"."""
    mobile = normalize_mobile(mobile)
    refusal = _check_lookup_code(mobile, code, scope)
    if refusal is not None:
        raise refusal
    return mobile


@transaction.atomic
def _check_lookup_code(mobile, code, scope):
    # Returns the refusal rather than raising it: a wrong try must be saved, not rolled back with the error.
    now = timezone.now()
    latest = LookupCode.objects.select_for_update().for_mobile(mobile, scope).order_by("-created_at", "-pk").first()
    if latest is None or latest.used_at is not None or latest.is_expired(now):
        return ValidationError(
            _("This code has expired (a code works for %(minutes)d minutes, once). Please ask for a new one.")
            % {"minutes": LookupCode.VALID_MINUTES},
            code="expired",
        )
    too_many = ValidationError(_("Too many wrong tries for this code. Please ask for a new one."), code="attempts")
    if latest.tries_left == 0:
        return too_many
    if latest.matches(code):
        latest.used_at = now
        latest.save(update_fields=["used_at"])
        return None
    latest.attempts += 1
    latest.save(update_fields=["attempts"])
    if latest.tries_left == 0:
        return too_many
    return ValidationError(
        ngettext(
            "This code is not right. You have %(count)d more try.",
            "This code is not right. You have %(count)d more tries.",
            latest.tries_left,
        )
        % {"count": latest.tries_left},
        code="wrong",
    )


def stop_text_messages(registration):
    """The resident stops text messages to the sign-up's mobile (the link on the private page): from now on no
    text message of the portal goes to that number, for any sign-up, codes to find sign-ups included
    (core.outbox keeps them as "not sent"), until the resident turns them on again."""
    if registration.mobile:
        SmsOptOut.objects.get_or_create(mobile=registration.mobile)


def resume_text_messages(registration):
    """The resident undoes stop_text_messages(): text messages go to the sign-up's mobile again."""
    if registration.mobile:
        SmsOptOut.objects.filter(mobile=registration.mobile).delete()


# Residents' feedback: attendees rate the event (1–5, an optional comment) from its end until FEEDBACK_DAYS after.


@transaction.atomic
def rate_event(registration, *, rating, comment=""):
    """A resident who was checked in rates the event, through the private link of their sign-up: once, from the
    end of the event until FEEDBACK_DAYS after, as Registration.feedback_refusal says. Returns the Feedback."""
    registration = _locked_registration(registration)
    refusal = registration.feedback_refusal
    if refusal:
        raise ValidationError(refusal, code="refused")
    if rating not in range(1, 6):
        raise ValidationError(_("Please choose a rating from 1 to 5."), code="rating")
    comment = (comment or "").strip()
    limit = Feedback._meta.get_field("comment").max_length
    if len(comment) > limit:
        raise ValidationError(
            _("Please keep the comment to %(limit)d characters.") % {"limit": limit}, code="comment"
        )
    return Feedback.objects.create(event=registration.event, registration=registration, rating=rating, comment=comment)


def _unlink_feedback():
    """Ratings of sign-ups whose personal data is erased stay, without the link to the person."""
    return Feedback.objects.filter(registration__purged_at__isnull=False).update(registration=None)


FEEDBACK_INVITATION_KIND = "event_feedback_invitation"


def send_feedback_invitations(*, now=None):
    """Everyone checked in at an event that has ended is invited to rate it while they may (FEEDBACK_DAYS after
    the end), once (the outbox's key), unless they have rated it already: a periodic job, safe to run again.
    Returns the number invited."""
    now = now or timezone.now()
    due = (
        Registration.objects.filter(
            status=Registration.Status.ATTENDED,
            event__state__in=[Event.State.PUBLISHED, Event.State.COMPLETED],
            event__ends_at__lte=now,
            event__ends_at__gt=now - timedelta(days=settings.FEEDBACK_DAYS),
            feedback__isnull=True,
            purged_at__isnull=True,
        )
        .exclude(mobile="", email="")
        .select_related("event", "event__organization")
    )
    return _notify_each_once(due, FEEDBACK_INVITATION_KIND)
