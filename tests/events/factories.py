from datetime import timedelta

import factory
from django.utils import timezone

from events.models import Event, EventReport, Registration
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


def completed_activity(organization, starts_at, **kwargs):
    """A completed community activity with its report: what the monthly duty counts."""
    event = EventFactory(
        organization=organization,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        state=Event.State.COMPLETED,
        **kwargs,
    )
    EventReportFactory(event=event)
    return event
