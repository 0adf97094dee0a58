from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from members import services
from members.models import Community, Invitation, Membership, Organization, OrganizationAccount, ServiceField

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
    to_staff = [m for m in mail.outbox if m.to == ["staff@example.org"]]
    assert len(to_staff) == 1 and "New Organization" in to_staff[0].subject
    assert all("received" in m.subject for m in mail.outbox if m not in to_staff)  # the applicant's confirmation


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
    user = UserFactory(email="team@example.org")
    organization = OrganizationFactory.build(name="Fresh Team")
    account = services.register_organization(organization, acting_user=user, note="hello")
    assert (account.user, account.role) == (user, "admin")
    assert organization.membership.status == "applied"
    assert organization.membership.changes.get().changed_by == user
    change = organization.account_changes.get()
    assert (change.action, change.email, change.role, change.changed_by) == (
        "registered", "team@example.org", "admin", user
    )
    assert organization.history.get().history_user == user


def test_register_organization_makes_a_new_account_and_refuses_a_second_organization(db):
    fields = ServiceField.objects.filter(code__in=["elderly", "culture_arts"])
    community = Community.objects.create(name="西康居委会", code="C1")
    new_account = {"email": "li@example.org", "full_name": "Li Lei", "password": "a-long-enough-pass-2026"}
    account = services.register_organization(
        OrganizationFactory.build(name="Fresh Team"),
        new_account=new_account,
        service_fields=fields,
        communities=[community],
    )
    user = account.user
    assert (user.username, user.email, user.first_name) == ("li@example.org", "li@example.org", "Li Lei")
    assert user.check_password("a-long-enough-pass-2026")
    assert set(account.organization.service_fields.all()) == set(fields)
    assert list(account.organization.communities.all()) == [community]
    # Someone whose account already works for an organization cannot register another one.
    with pytest.raises(ValidationError, match="already belongs"):
        services.register_organization(OrganizationFactory.build(name="Second Team"), acting_user=user)
    assert not Organization.objects.filter(name="Second Team").exists()


def test_invitation_flow(org, org_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_colleague(org, email="Colleague@Example.org", role="editor", acting_user=org_user)
    assert invitation.email == "colleague@example.org"
    assert mail.outbox[0].to == ["colleague@example.org"]
    assert invitation.token in mail.outbox[0].body

    with pytest.raises(ValidationError, match="already waiting"):
        services.invite_colleague(org, email="colleague@example.org", role="editor", acting_user=org_user)

    newcomer = UserFactory(username="colleague@example.org")
    account = services.accept_invitation(invitation, acting_user=newcomer)
    assert (account.organization, account.role) == (org, "editor")
    with pytest.raises(ValidationError, match="expired or has already been used"):
        services.accept_invitation(invitation, acting_user=UserFactory())
    assert [(c.action, c.email, c.changed_by) for c in org.account_changes.all()] == [
        ("joined", "colleague@example.org", newcomer),
        ("invited", "colleague@example.org", org_user),
    ]


def test_accepting_with_a_new_account_uses_the_invited_address_and_tells_the_admins(
    org, org_user, django_capture_on_commit_callbacks
):
    invitation = services.invite_colleague(org, email="wang@example.org", role="admin", acting_user=org_user)
    new_account = {"email": "someone-else@example.org", "full_name": "Wang Fang", "password": "a-long-pass-2026"}
    with django_capture_on_commit_callbacks(execute=True):
        account = services.accept_invitation(invitation, new_account=new_account)
    user = account.user
    assert (user.username, user.email, account.role) == ("wang@example.org", "wang@example.org", "admin")
    # The other administrators hear of it; the newcomer, an administrator too, is not told about themself.
    assert [n.kind for n in org_user.notifications.all()] == ["colleague_joined"]
    assert not user.notifications.exists()
    assert "Wang Fang" in org_user.notifications.get().subject


def test_an_expired_invitation_creates_no_account(org, org_user):
    invitation = services.invite_colleague(org, email="late@example.org", role="editor", acting_user=org_user)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    new_account = {"email": "late@example.org", "full_name": "Late", "password": "a-long-pass-2026"}
    with pytest.raises(ValidationError, match="expired"):
        services.accept_invitation(invitation, new_account=new_account)
    assert not get_user_model().objects.filter(username="late@example.org").exists()


def test_withdrawing_an_invitation_records_who_did_it(org, org_user):
    invitation = services.invite_colleague(org, email="maybe@example.org", role="editor", acting_user=org_user)
    services.revoke_invitation(invitation, acting_user=org_user)
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    latest = org.account_changes.first()
    assert (latest.action, latest.email, latest.role, latest.changed_by) == (
        "invitation_withdrawn", "maybe@example.org", "editor", org_user
    )


def test_cannot_invite_someone_who_already_works_for_an_organization(org, org_user, other_org_user):
    with pytest.raises(ValidationError, match="already belongs"):
        services.invite_colleague(org, email=other_org_user.email, role="editor", acting_user=org_user)


def test_last_admin_cannot_be_removed_but_an_editor_can(org, org_user, org_editor):
    admin_account = org_user.org_account
    with pytest.raises(ValidationError, match="last administrator"):
        services.remove_colleague(admin_account, acting_user=org_user)
    services.remove_colleague(org_editor.org_account, acting_user=org_user)
    assert not OrganizationAccount.objects.filter(user=org_editor).exists()
    change = org.account_changes.get()
    assert (change.action, change.email, change.role, change.changed_by) == (
        "removed", org_editor.email, "editor", org_user
    )
