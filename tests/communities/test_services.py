from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from communities import services
from communities.models import ActivityConfirmation, CommunityAccount, QuarterlyRating
from events import compliance
from events.models import Event
from projects import services as projects_services
from projects.models import CommunityNeed
from tests.clock import shanghai
from tests.communities.factories import CommunityAccountFactory
from tests.events.factories import EventFactory, completed_activity
from tests.members.factories import CommunityFactory, OrganizationAccountFactory, UserFactory
from tests.projects.factories import CommunityNeedFactory, NeedResponseFactory

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


# Needs the committee posts


def test_a_committee_posts_a_need_of_its_own_community_and_staff_hear_of_it(committee, staff_user, delivered):
    with delivered():
        need = services.post_community_need(
            committee, title="Lunch deliveries", description="Twenty residents need lunch brought home.",
            service_field="elderly",
        )
    assert (need.community, need.poster, need.posted_by, need.state) == (
        committee.community, CommunityNeed.Poster.COMMITTEE, committee.user, CommunityNeed.State.OPEN
    )
    assert staff_user.notifications.filter(subject__contains="Lunch deliveries").exists()


def test_the_committee_hears_of_each_response_and_proposes_one(committee, org, other_org, staff_user, delivered):
    need = services.post_community_need(
        committee, title="Lunch deliveries", description="Twenty residents need lunch.", service_field="elderly"
    )
    with delivered():
        first = projects_services.respond_to_need(need, organization=org, acting_user=None, message="We can.")
        second = projects_services.respond_to_need(need, organization=other_org, acting_user=None, message="Us 2.")
    assert committee.user.notifications.filter(subject__contains="Lunch deliveries").count() == 2
    with delivered():
        services.propose_need_response(first, account=committee)
        services.propose_need_response(second, account=committee)  # changes its mind: one proposal at a time
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.is_proposed, second.is_proposed, second.proposed_by) == (False, True, committee.user)
    assert staff_user.notifications.filter(subject__contains="proposes").exists()
    need.refresh_from_db()
    assert need.is_open and not second.is_accepted
    with pytest.raises(ValidationError):
        services.confirm_need_proposal(first, acting_user=staff_user)
    services.confirm_need_proposal(second, acting_user=staff_user)
    need.refresh_from_db(), second.refresh_from_db()
    assert need.state == CommunityNeed.State.MATCHED and second.is_accepted and second.accepted_by == staff_user
    with pytest.raises(ValidationError):
        services.propose_need_response(first, account=committee)  # the need is matched


def test_a_proposal_is_accepted_at_once_when_the_setting_says_so(committee, org, settings):
    settings.COMMUNITY_NEEDS_ACCEPT_DIRECTLY = True
    need = services.post_community_need(
        committee, title="Lunch deliveries", description="Twenty residents need lunch.", service_field="elderly"
    )
    response = projects_services.respond_to_need(need, organization=org, acting_user=None, message="We can.")
    accepted = services.propose_need_response(response, account=committee)
    need.refresh_from_db()
    assert accepted.is_accepted and accepted.accepted_by == committee.user
    assert need.state == CommunityNeed.State.MATCHED


def test_a_committee_proposes_only_for_its_own_community(committee, org):
    need = CommunityNeedFactory()  # another community's
    response = NeedResponseFactory(need=need, organization=org)
    with pytest.raises(ValidationError):
        services.propose_need_response(response, account=committee)
    response.refresh_from_db()
    assert not response.is_proposed


# Quarterly ratings


def test_a_committee_rates_the_organizations_that_served_it_this_quarter_or_the_last(committee, activity, org):
    quarter = date(2026, 4, 1)  # the activity was held on 3 June
    rating = services.rate_organization(committee, org, quarter, score=4, comment=" Punctual. ")
    assert (rating.score, rating.comment, rating.rated_by) == (4, "Punctual.", committee.user)
    services.rate_organization(committee, org, quarter, score=5)  # rating again replaces it
    assert QuarterlyRating.objects.get().score == 5
    with pytest.raises(ValidationError):
        services.rate_organization(committee, org, quarter, score=6)
    with pytest.raises(ValidationError):  # org held nothing in the committee's community in the current quarter
        services.rate_organization(committee, org, date(2026, 1, 1), score=3)
    with pytest.raises(ValidationError):  # another committee: org held nothing in its community
        services.rate_organization(CommunityAccountFactory(), org, quarter, score=3)
    assert QuarterlyRating.objects.count() == 1


def test_a_quarter_closes_to_rating_at_the_end_of_the_next(committee, activity, org, clock):
    clock.move_to(2026, 10, 1, 9)
    with pytest.raises(ValidationError):
        services.rate_organization(committee, org, date(2026, 4, 1), score=3)
