import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from members import services
from members.models import Membership, OrganizationAccount

from .factories import MembershipFactory, OrganizationAccountFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant():
    organization = OrganizationFactory(name="New Organization", email="new@example.org")
    admin = OrganizationAccountFactory(organization=organization, role="admin", user__email="boss@example.org")
    return organization, admin.user


def test_application_records_history_and_tells_staff(applicant, staff_user, django_capture_on_commit_callbacks):
    organization, user = applicant
    staff_user.email = "staff@example.org"
    staff_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.apply_for_membership(organization, acting_user=user, note="We run a food bank.")
    assert membership.status == Membership.Status.APPLIED
    change = membership.changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("", "applied", user)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["staff@example.org"]
    assert "New Organization" in mail.outbox[0].subject


def test_approval_activates_and_mails_the_organization(applicant, staff_user, django_capture_on_commit_callbacks):
    organization, user = applicant
    membership = services.apply_for_membership(organization, acting_user=user)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_membership(membership, acting_user=staff_user)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert membership.joined_on is not None
    assert membership.decided_by == staff_user
    assert [c.to_status for c in membership.changes.all()] == ["active", "applied"]
    # One message per address, so recipients never see each other's addresses.
    assert sorted(message.to[0] for message in mail.outbox) == ["boss@example.org", "new@example.org"]
    assert all(len(message.to) == 1 and "Active member" in message.subject for message in mail.outbox)
    # The administrator also finds it in the portal inbox.
    assert user.notifications.get().kind == "membership_decided"


def test_rejection_needs_a_reason_and_changes_nothing_without_one(applicant, staff_user):
    organization, user = applicant
    membership = services.apply_for_membership(organization, acting_user=user)
    with pytest.raises(ValidationError, match="reason"):
        services.reject_membership(membership, acting_user=staff_user, reason="  ")
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPLIED
    assert membership.changes.count() == 1

    services.reject_membership(membership, acting_user=staff_user, reason="Missing annual report.")
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REJECTED
    assert membership.reason == "Missing annual report."
    assert membership.changes.first().reason == "Missing annual report."


@pytest.mark.parametrize(
    ("status", "service"),
    [
        ("active", services.approve_membership),
        ("rejected", services.approve_membership),
        ("active", services.reinstate_membership),
        ("withdrawn", services.reinstate_membership),
    ],
)
def test_invalid_transitions_raise_a_clear_error(status, service, staff_user):
    membership = MembershipFactory(status=status)
    with pytest.raises(ValidationError):
        service(membership, acting_user=staff_user)
    membership.refresh_from_db()
    assert membership.status == status
    assert membership.changes.count() == 0


def test_suspend_and_reinstate(staff_user):
    membership = MembershipFactory(status="active")
    services.suspend_membership(membership, acting_user=staff_user, reason="No activity for three months.")
    membership.refresh_from_db()
    assert membership.status == "suspended"
    services.reinstate_membership(membership, acting_user=staff_user)
    membership.refresh_from_db()
    assert membership.status == "active"
    assert membership.changes.count() == 2


def test_rejected_organization_may_apply_again_but_active_one_may_not(staff_user):
    rejected = MembershipFactory(status="rejected")
    services.apply_for_membership(rejected.organization, acting_user=staff_user, note="Now complete.")
    rejected.refresh_from_db()
    assert rejected.status == "applied"
    assert rejected.application_note == "Now complete."

    active = MembershipFactory(status="active")
    with pytest.raises(ValidationError):
        services.apply_for_membership(active.organization, acting_user=staff_user)


def test_register_organization_makes_the_user_its_admin_and_applies():
    user = UserFactory()
    organization = OrganizationFactory.build(name="Fresh Team")
    membership = services.register_organization(organization, user=user, note="hello")
    assert membership.status == "applied"
    assert OrganizationAccount.objects.get(user=user).role == "admin"


def test_invitation_flow(org, org_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_colleague(org, email="Colleague@Example.org", role="editor", acting_user=org_user)
    assert invitation.email == "colleague@example.org"
    assert mail.outbox[0].to == ["colleague@example.org"]
    assert invitation.token in mail.outbox[0].body

    with pytest.raises(ValidationError, match="already waiting"):
        services.invite_colleague(org, email="colleague@example.org", role="editor", acting_user=org_user)

    newcomer = UserFactory(username="colleague@example.org")
    account = services.accept_invitation(invitation, user=newcomer)
    assert (account.organization, account.role) == (org, "editor")
    with pytest.raises(ValidationError, match="expired or has already been used"):
        services.accept_invitation(invitation, user=UserFactory())


def test_cannot_invite_someone_who_already_works_for_an_organization(org, org_user, other_org_user):
    with pytest.raises(ValidationError, match="already belongs"):
        services.invite_colleague(org, email=other_org_user.email, role="editor", acting_user=org_user)


def test_last_admin_cannot_be_removed_but_an_editor_can(org, org_user, org_editor):
    admin_account = org_user.org_account
    with pytest.raises(ValidationError, match="last administrator"):
        services.remove_colleague(admin_account, acting_user=org_user)
    services.remove_colleague(org_editor.org_account, acting_user=org_user)
    assert not OrganizationAccount.objects.filter(user=org_editor).exists()
