from datetime import timedelta

import factory
from django.utils import timezone

from events.models import Event, EventReport, Feedback, Registration, ReportPhoto
from tests.members.factories import MembershipFactory


class EventFactory(factory.django.DjangoModelFactory):
    """A published event next week, organized by an active member organization."""

    class Meta:
        model = Event

    organization = factory.LazyFunction(lambda: MembershipFactory(status="active").organization)
    kind = Event.Kind.COMMUNITY_ACTIVITY
    title = factory.Sequence(lambda n: f"Community activity {n}")
    description = "Haircuts for elderly residents."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=2))
    place = "Changshou community room"
    capacity = 10
    state = Event.State.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


def happening_now(**kwargs):
    """A published event that started half an hour ago and ends in 90 minutes: inside its check-in window."""
    start = timezone.now() - timedelta(minutes=30)
    return EventFactory(starts_at=start, ends_at=start + timedelta(hours=2), **kwargs)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Resident {n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    consent = True
    check_in_code = factory.Sequence(lambda n: f"{n % 10**6:06d}")
    status = Registration.Status.CONFIRMED


class EventReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventReport

    event = factory.SubFactory(EventFactory)
    attendance = 20
    volunteers = 4
    beneficiaries_served = 15
    summary = "It went well."


def completed_activity(organization, starts_at, *, proof="check_in", **kwargs):
    """A completed community activity with its report and the `proof` that it was held: a person checked in
    ("check_in"), a photo in the report ("photos"), both ("both") or none (None). With a proof, what the monthly
    duty counts under every MONTHLY_DUTY_PROOF but the other proof's alone."""
    event = EventFactory(
        organization=organization,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        state=Event.State.COMPLETED,
        **kwargs,
    )
    report = EventReportFactory(event=event)
    if proof in ("check_in", "both"):
        RegistrationFactory(event=event, status=Registration.Status.ATTENDED, checked_in_at=starts_at)
    if proof in ("photos", "both"):
        ReportPhotoFactory(report=report)
    return event


class ReportPhotoFactory(factory.django.DjangoModelFactory):
    """A report's photo row (its file is not stored: what the duty and the pages' counts read)."""

    class Meta:
        model = ReportPhoto

    report = factory.SubFactory(EventReportFactory)
    image = "event-reports/photo.jpg"
    image_width = 800
    image_height = 500
    caption = "At the activity"


class FeedbackFactory(factory.django.DjangoModelFactory):
    """A resident's rating, of a sign-up checked in at a past event."""

    class Meta:
        model = Feedback

    registration = factory.SubFactory(
        RegistrationFactory,
        status=Registration.Status.ATTENDED,
        event=factory.SubFactory(
            EventFactory,
            starts_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=2)),
        ),
    )
    event = factory.LazyAttribute(lambda feedback: feedback.registration.event)
    rating = 4
    comment = ""
