from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from core.models import OutboxMessage
from incubation import services
from incubation.models import Incubation, TeamFiling
from members.models import Membership, Organization
from tests.communities.factories import CommunityAccountFactory
from tests.incubation.factories import FilingFactory, TeamFactory, admitted, approved_filing, at_stage
from tests.members.factories import CommunityFactory, UserFactory, valid_credit_code

pytestmark = [pytest.mark.django_db, pytest.mark.clock(2026, 6, 10, 9)]


def new_account(email="leader@example.org"):
    return {"email": email, "full_name": "Aunt Wang", "password": "a-Strong-test-password-1"}


def test_a_team_files_without_applying_for_membership_and_the_committee_is_asked():
    community = CommunityFactory()
    committee = CommunityAccountFactory(community=community)
    filing = FilingFactory.build(organization=None)
    account = services.file_team(
        Organization(name="Tea Dance Team"), filing, communities=[community], new_account=new_account()
    )
    team = account.organization
    assert team.org_type == Organization.Type.COMMUNITY_TEAM and not team.is_public and team.credit_code is None
    assert not Membership.objects.filter(organization=team).exists()
    assert team.filing.status == TeamFiling.Status.SUBMITTED
    assert OutboxMessage.objects.filter(kind="filing_submitted", user=committee.user).exists()


def test_fewer_than_ten_members_cannot_file():
    filing = FilingFactory.build(organization=None, member_names="\n".join("abcdefghi"))
    with pytest.raises(ValidationError):
        services.file_team(Organization(name="Small"), filing, communities=[CommunityFactory()],
                           new_account=new_account())
    assert not Organization.objects.filter(name="Small").exists()


def test_only_a_committee_of_a_served_community_gives_the_first_opinion():
    filing = FilingFactory()
    with pytest.raises(ValidationError):
        services.give_community_opinion(filing, account=CommunityAccountFactory(), opinion="agree")
    with pytest.raises(ValidationError, match="why"):
        services.give_community_opinion(
            filing, account=CommunityAccountFactory(community=filing.communities.get()), opinion="disagree"
        )
    account = CommunityAccountFactory(community=filing.communities.get())
    filing = services.give_community_opinion(filing, account=account, opinion="agree")
    assert filing.status == TeamFiling.Status.COMMUNITY_REVIEWED and filing.community_by == account.user
    with pytest.raises(ValidationError):
        services.give_community_opinion(filing, account=account, opinion="agree")


def test_staff_cannot_decide_before_the_committee(staff_user):
    filing = FilingFactory()
    CommunityAccountFactory(community=filing.communities.get())
    assert not TeamFiling.objects.awaiting_decision().exists()
    with pytest.raises(ValidationError, match="committee gives its opinion first"):
        services.approve_filing(filing, acting_user=staff_user)


def test_staff_decide_at_once_where_no_committee_has_an_account(staff_user):
    filing = FilingFactory()
    assert list(TeamFiling.objects.awaiting_decision()) == [filing] and filing.can_be_decided
    filing = services.approve_filing(filing, acting_user=staff_user)
    assert filing.number == "CS-BA-2026-001"
    with pytest.raises(ValidationError, match="already been decided"):
        services.reject_filing(filing, acting_user=staff_user, reason="Too late")


def test_approved_filings_are_numbered_per_year_and_shown_publicly(staff_user):
    first, second = approved_filing(staff_user), approved_filing(staff_user)
    assert (first.number, second.number) == ("CS-BA-2026-001", "CS-BA-2026-002")
    assert first.organization.is_public and first.filed_on == date(2026, 6, 10)
    assert list(first.changes.values_list("to_status", flat=True)) == ["approved"]


def test_a_refusal_needs_a_reason(staff_user):
    filing = FilingFactory(status=TeamFiling.Status.COMMUNITY_REVIEWED)
    with pytest.raises(ValidationError):
        services.reject_filing(filing, acting_user=staff_user, reason=" ")
    filing = services.reject_filing(filing, acting_user=staff_user, reason="No fixed place.")
    assert filing.status == TeamFiling.Status.REJECTED and filing.number is None


def test_the_yearly_reminder_is_sent_once_and_confirming_moves_the_anniversary(staff_user, clock):
    filing = approved_filing(staff_user)
    clock.move_to(2027, 5, 12, 9)
    assert services.remind_filings() == 1
    assert services.remind_filings() == 0
    assert OutboxMessage.objects.filter(kind="filing_reminder").exists()
    filing = services.confirm_filing(filing, acting_user=staff_user)
    assert filing.confirm_by == date(2028, 6, 10)


def test_a_filing_not_confirmed_lapses_60_days_after_its_anniversary_and_staff_are_told(staff_user, clock):
    filing = approved_filing(staff_user)
    clock.move_to(2027, 8, 9, 9)
    assert services.lapse_filings() == []
    clock.move_to(2027, 8, 10, 9)
    assert services.lapse_filings() == [filing]
    filing.refresh_from_db()
    assert filing.status == TeamFiling.Status.LAPSED and filing.lapsed_on == date(2027, 8, 10)
    assert list(TeamFiling.objects.lapsed()) == [filing]
    assert OutboxMessage.objects.filter(kind="filings_lapsed").exists()


def test_admission_gives_the_default_plan_and_marks_the_organization(staff_user):
    mentor = UserFactory()
    incubation = admitted(TeamFactory(), staff_user, mentor=mentor)
    assert [m.title for m in incubation.milestones.all()][:2] == ["Charter", "Financial rules"]
    assert incubation.milestones.count() == 6
    assert incubation.milestones.last().due_on == date(2026, 3, 1) + timedelta(days=360)
    organization = Organization.objects.get(pk=incubation.organization_id)
    assert organization.is_incubating and organization.incubating_since == date(2026, 3, 1)
    with pytest.raises(ValidationError):
        admitted(organization, staff_user)


def test_stage_changes_need_a_reason_and_are_kept(staff_user):
    incubation = admitted(TeamFactory(), staff_user)
    with pytest.raises(ValidationError):
        services.change_stage(incubation, Incubation.Stage.INCUBATING, reason="", acting_user=staff_user)
    with pytest.raises(ValidationError):
        services.change_stage(incubation, Incubation.Stage.ASSESSMENT, reason="Too early", acting_user=staff_user)
    services.change_stage(incubation, Incubation.Stage.WITHDRAWN, reason="Team dissolved", acting_user=staff_user)
    assert list(incubation.changes.values_list("to_stage", "reason")) == [
        ("withdrawn", "Team dissolved"), ("admitted", "Admitted to " + str(incubation.cohort) + ".")
    ]
    assert Organization.objects.get(pk=incubation.organization_id).incubation_status == "none"


def test_the_organization_ticks_off_and_the_mentor_confirms(staff_user):
    mentor = UserFactory()
    incubation = admitted(TeamFactory(), staff_user, mentor=mentor)
    milestone = incubation.milestones.first()
    with pytest.raises(ValidationError):
        services.confirm_milestone(milestone, acting_user=mentor)
    with pytest.raises(ValidationError):
        services.tick_milestone(milestone, evidence=" ", acting_user=staff_user)
    services.tick_milestone(milestone, evidence="Charter adopted on 1 May.", acting_user=staff_user)
    assert OutboxMessage.objects.filter(kind="milestone_ticked", user=mentor).exists()
    milestone = services.confirm_milestone(milestone, acting_user=mentor)
    assert milestone.is_confirmed
    with pytest.raises(ValidationError):
        services.tick_milestone(milestone, evidence="again", acting_user=staff_user)


def test_graduation_needs_the_assessment_and_a_valid_unique_credit_code(staff_user):
    filing = approved_filing(staff_user)
    incubation = admitted(filing.organization, staff_user)
    kwargs = {"org_type": "social_group", "registered_on": date(2026, 6, 1), "acting_user": staff_user}
    with pytest.raises(ValidationError):
        services.graduate_organization(incubation, credit_code=valid_credit_code(7), **kwargs)
    incubation = at_stage(incubation, Incubation.Stage.ASSESSMENT, staff_user)
    with pytest.raises(ValidationError):
        services.graduate_organization(incubation, credit_code="52310107000000007X", **kwargs)
    TeamFactory(credit_code=valid_credit_code(8), org_type="social_group")
    with pytest.raises(ValidationError):
        services.graduate_organization(incubation, credit_code=valid_credit_code(8), **kwargs)
    with pytest.raises(ValidationError):
        services.graduate_organization(
            incubation, credit_code=valid_credit_code(7), **{**kwargs, "org_type": "community_team"}
        )

    incubation = services.graduate_organization(incubation, credit_code=valid_credit_code(7), **kwargs)
    organization = Organization.objects.get(pk=incubation.organization_id)
    assert incubation.stage == Incubation.Stage.GRADUATED
    assert organization.org_type == "social_group" and organization.credit_code == valid_credit_code(7)
    assert organization.is_incubation_graduate and organization.graduated_on == date(2026, 6, 10)
    # The history keeps the type it had.
    assert "community_team" in organization.history.values_list("org_type", flat=True)
    # No longer a filed team: no more yearly re-confirmation.
    assert not TeamFiling.objects.filed().filter(pk=filing.pk).exists()

    note = services.membership_note(incubation)
    assert filing.number in note and valid_credit_code(7) in note
    membership = services.apply_for_membership(incubation, note=note, acting_user=staff_user)
    assert membership.status == Membership.Status.APPLIED


def test_only_graduates_apply_through_the_base(staff_user):
    incubation = admitted(TeamFactory(), staff_user)
    with pytest.raises(ValidationError):
        services.apply_for_membership(incubation, note="Please", acting_user=staff_user)


def test_the_daily_job_reminds_and_lapses(staff_user, clock):
    from incubation.tasks import check_team_filings

    reminded, lapsing = approved_filing(staff_user), approved_filing(staff_user)
    lapsing.confirm_by = date(2027, 3, 1)
    lapsing.save(update_fields=["confirm_by"])
    clock.move_to(2027, 5, 15, 9)
    assert check_team_filings() == {"reminded": 1, "lapsed": 1}
    assert TeamFiling.objects.get(pk=reminded.pk).reminded_for == date(2027, 6, 10)
    assert TeamFiling.objects.get(pk=lapsing.pk).status == TeamFiling.Status.LAPSED


def test_staff_log_sessions_of_support_in_the_4f_log(staff_user):
    from members.models import SupportSession

    incubation = admitted(TeamFactory(), staff_user)
    with pytest.raises(ValidationError):
        services.log_support_session(
            incubation, kind="incubation", on=date(2026, 6, 11), hours="1.5", acting_user=staff_user
        )
    session = services.log_support_session(
        incubation, kind="consultation", on=date(2026, 6, 9), hours="1.5", note="Registration papers",
        acting_user=staff_user,
    )
    assert list(SupportSession.objects.for_organization(incubation.organization)) == [session]
    assert session.logged_by == staff_user and session.get_kind_display() == "Consultation"


def test_an_organization_applies_and_staff_admit_its_application(staff_user):
    team = TeamFactory()
    with pytest.raises(ValidationError):
        services.apply_to_incubation(team, note=" ", acting_user=staff_user)
    incubation = services.apply_to_incubation(team, note="Help with the accounts", acting_user=staff_user)
    assert incubation.stage == Incubation.Stage.APPLIED and incubation.cohort is None
    assert Organization.objects.get(pk=team.pk).incubation_status == "none"
    assert OutboxMessage.objects.filter(kind="incubation_applied").exists()
    assert incubation.next_stages() == [Incubation.Stage.WITHDRAWN]
    with pytest.raises(ValidationError):
        services.apply_to_incubation(team, note="again", acting_user=staff_user)
    with pytest.raises(ValidationError):
        services.change_stage(incubation, Incubation.Stage.ADMITTED, reason="ok", acting_user=staff_user)

    admitted_incubation = admitted(team, staff_user)
    assert admitted_incubation.pk == incubation.pk and admitted_incubation.milestones.count() == 6
    assert list(admitted_incubation.changes.order_by("pk").values_list("from_stage", "to_stage")) == [
        ("", "applied"), ("applied", "admitted")
    ]
    assert Organization.objects.get(pk=team.pk).is_incubating
