from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from communities import services
from communities.models import ActivityConfirmation, CommunityAccount
from events import compliance
from events.models import Event
from tests.clock import shanghai
from tests.communities.factories import CommunityAccountFactory
from tests.events.factories import EventFactory, completed_activity
from tests.members.factories import CommunityFactory, OrganizationAccountFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(2026, 6, 10, 9)]


@pytest.fixture
def committee():
    return CommunityAccountFactory()


@pytest.fixture
def activity(committee, org):
    """Org's completed activity in the committee's community, held last week, with a check-in."""
    return completed_activity(org, shanghai(2026, 6, 3, 9), community=committee.community)


def test_invitation_makes_a_community_account(staff_user, django_capture_on_commit_callbacks):
    community = CommunityFactory()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_to_community(
            community, email="JWH@example.org", role="admin", acting_user=staff_user
        )
    assert invitation.token in mail.outbox[0].body
    assert community.name in mail.outbox[0].body
    account = services.accept_community_invitation(
        invitation, new_account={"full_name": "Li", "password": "a long enough password 123"}
    )
    assert (account.community, account.role, account.user.email) == (community, "admin", "jwh@example.org")
    with pytest.raises(ValidationError):
        services.accept_community_invitation(invitation, acting_user=UserFactory())
    assert CommunityAccount.objects.count() == 1


def test_confirming_is_once_and_only_for_own_community_after_the_end(committee, activity, org):
    other = CommunityAccountFactory()
    with pytest.raises(ValidationError):
        services.confirm_activity(activity, account=other)
    upcoming = EventFactory(organization=org, community=committee.community)
    with pytest.raises(ValidationError):
        services.confirm_activity(upcoming, account=committee)
    confirmation = services.confirm_activity(activity, account=committee)
    assert confirmation.state == ActivityConfirmation.State.CONFIRMED
    assert confirmation.confirmed_by == committee.user
    with pytest.raises(ValidationError):
        services.dispute_activity(activity, account=committee, reason="It did not take place at all.")


def test_a_dispute_needs_a_reason_and_stops_the_activity_counting(committee, activity, org):
    assert list(Event.objects.counting_for_duty()) == [activity]
    with pytest.raises(ValidationError):
        services.dispute_activity(activity, account=committee, reason="too short")
    assert not ActivityConfirmation.objects.exists()
    services.dispute_activity(activity, account=committee, reason="Nobody came; the room was locked.")
    assert not Event.objects.counting_for_duty().exists()
    june = compliance.compliance_for_month(compliance.this_month()).get(pk=org.pk)
    assert june.activity_count == 0


def test_a_dispute_tells_the_organizer_and_staff(committee, activity, org, staff_user, delivered):
    organizer = OrganizationAccountFactory(organization=org).user
    with delivered():
        services.dispute_activity(activity, account=committee, reason="Nobody came; the room was locked.")
    recipients = {message.to[0] for message in mail.outbox}
    assert org.email in recipients
    assert organizer.notifications.filter(subject__contains=activity.title).exists()
    assert staff_user.notifications.filter(subject__contains=activity.title).exists()


@pytest.mark.parametrize(("uphold", "counts"), [(True, False), (False, True)])
def test_staff_decide_a_dispute(committee, activity, staff_user, uphold, counts):
    dispute = services.dispute_activity(activity, account=committee, reason="Nobody came; the room was locked.")
    with pytest.raises(ValidationError):
        services.resolve_dispute(dispute, uphold=uphold, reason=" ", acting_user=staff_user)
    resolved = services.resolve_dispute(dispute, uphold=uphold, reason="Photos checked.", acting_user=staff_user)
    assert resolved.resolved_by == staff_user
    assert Event.objects.counting_for_duty().exists() is counts
    with pytest.raises(ValidationError):
        services.resolve_dispute(dispute, uphold=not uphold, reason="Changed my mind.", acting_user=staff_user)


def test_activities_nobody_looked_at_confirm_themselves_after_seven_days(committee, org, clock):
    old = completed_activity(org, shanghai(2026, 6, 1, 9), community=committee.community)
    recent = completed_activity(org, shanghai(2026, 6, 8, 9), community=committee.community)
    disputed = completed_activity(org, shanghai(2026, 6, 2, 9), community=committee.community)
    services.dispute_activity(disputed, account=committee, reason="Nobody came; the room was locked.")
    cancelled = EventFactory(
        organization=org, community=committee.community, state=Event.State.CANCELLED,
        starts_at=shanghai(2026, 6, 1, 9), ends_at=shanghai(2026, 6, 1, 11),
    )
    assert services.confirm_unreviewed_activities() == 1
    old.refresh_from_db()
    assert old.community_confirmation.state == ActivityConfirmation.State.CONFIRMED
    assert old.community_confirmation.confirmed_by is None
    assert not ActivityConfirmation.objects.filter(event__in=[recent, cancelled]).exists()
    assert ActivityConfirmation.objects.get(event=disputed).state == ActivityConfirmation.State.DISPUTED
    clock.shift(timedelta(days=7))
    assert services.confirm_unreviewed_activities() == 1
    assert ActivityConfirmation.objects.filter(event=recent).exists()
    assert timezone.now() > recent.ends_at
