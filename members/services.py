"""State changes of the members app: membership decisions and organization accounts."""

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import notify

from .models import (
    AccountChange,
    Invitation,
    Membership,
    MembershipChange,
    OrganizationAccount,
    PersonalDataAccess,
)

INVITATION_DAYS = 14


def _record_change(membership, from_status, *, acting_user, reason=""):
    MembershipChange.objects.create(
        membership=membership,
        from_status=from_status,
        to_status=membership.status,
        changed_by=acting_user if acting_user and acting_user.is_authenticated else None,
        reason=reason,
    )


@transaction.atomic
def apply_for_membership(organization, *, acting_user, note=""):
    """An organization applies (or applies again after a rejection or withdrawal); staff are told."""
    membership = Membership.objects.select_for_update().filter(organization=organization).first()
    if membership is None:
        membership = Membership.objects.create(
            organization=organization, status=Membership.Status.APPLIED, application_note=note
        )
        _record_change(membership, "", acting_user=acting_user)
    else:
        if not membership.can_change_to(Membership.Status.APPLIED):
            raise ValidationError(
                _("%(organization)s cannot apply now: its membership is %(status)s.")
                % {"organization": organization, "status": membership.get_status_display()}
            )
        from_status = membership.status
        membership.status = Membership.Status.APPLIED
        membership.applied_on = timezone.localdate()
        membership.application_note = note
        membership.reason = ""
        membership.save(update_fields=["status", "applied_on", "application_note", "reason", "updated_at"])
        _record_change(membership, from_status, acting_user=acting_user)
    notify_new_application(membership)  # outbox rows of this transaction (core.outbox)
    return membership


def _change_status(membership, to_status, *, acting_user, reason="", require_reason=False):
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.can_change_to(to_status):
        raise ValidationError(
            _("A membership that is %(from)s cannot become %(to)s.")
            % {
                "from": membership.get_status_display(),
                "to": Membership.Status(to_status).label,
            }
        )
    reason = (reason or "").strip()
    if require_reason and not reason:
        raise ValidationError(_("Please give a reason: the organization will read it."))
    from_status = membership.status
    membership.status = to_status
    membership.reason = reason
    membership.decided_at = timezone.now()
    membership.decided_by = acting_user
    if to_status == Membership.Status.ACTIVE and membership.joined_on is None:
        membership.joined_on = timezone.localdate()
    membership.save(update_fields=["status", "reason", "decided_at", "decided_by", "joined_on", "updated_at"])
    _record_change(membership, from_status, acting_user=acting_user, reason=reason)
    notify_membership_decision(membership)
    return membership


@transaction.atomic
def approve_membership(membership, *, acting_user):
    """A pending application becomes an active membership; the organization is told by mail."""
    if membership.status != Membership.Status.APPLIED:
        raise ValidationError(_("Only pending applications can be approved."))
    return _change_status(membership, Membership.Status.ACTIVE, acting_user=acting_user)


@transaction.atomic
def reject_membership(membership, *, acting_user, reason):
    """A pending application is turned down with a reason the organization reads."""
    if membership.status != Membership.Status.APPLIED:
        raise ValidationError(_("Only pending applications can be rejected."))
    return _change_status(
        membership, Membership.Status.REJECTED, acting_user=acting_user, reason=reason, require_reason=True
    )


@transaction.atomic
def suspend_membership(membership, *, acting_user, reason):
    """An active member is suspended, with a reason."""
    return _change_status(
        membership, Membership.Status.SUSPENDED, acting_user=acting_user, reason=reason, require_reason=True
    )


@transaction.atomic
def reinstate_membership(membership, *, acting_user):
    """A suspended member becomes active again."""
    if membership.status != Membership.Status.SUSPENDED:
        raise ValidationError(_("Only suspended memberships can be reinstated."))
    return _change_status(membership, Membership.Status.ACTIVE, acting_user=acting_user)


@transaction.atomic
def withdraw_membership(membership, *, acting_user, reason=""):
    """A member leaves the federation (or an applicant withdraws the application)."""
    return _change_status(membership, Membership.Status.WITHDRAWN, acting_user=acting_user, reason=reason)


def notify_new_application(membership):
    """Staff hear of the application; the applicant gets a confirmation of what happens next."""
    notify(
        "membership_applied",
        membership=membership,
        organization=membership.organization,
        admin_url=reverse("admin:members_membership_change", args=[membership.pk]),
    )
    notify(
        "membership_application_received",
        membership=membership,
        organization=membership.organization,
        portal_url=reverse("members:manage-membership"),
    )


def notify_membership_decision(membership):
    notify(
        "membership_decided",
        membership=membership,
        organization=membership.organization,
        portal_url=reverse("members:manage-membership"),
    )


def _record_account_change(organization, action, person, *, role, acting_user):
    """`person` is the colleague concerned: a user, or the email address of someone invited."""
    AccountChange.objects.create(
        organization=organization,
        action=action,
        email=person if isinstance(person, str) else (person.email or person.username),
        role=role,
        changed_by=acting_user if acting_user and acting_user.is_authenticated else None,
    )


def create_account(*, email, full_name, password):
    """A person's login to the portal; the email address is also the username."""
    return get_user_model().objects.create_user(username=email, email=email, password=password, first_name=full_name)


@transaction.atomic
def register_organization(
    organization, *, acting_user=None, new_account=None, note="", service_fields=(), communities=(),
    applies=True,
):
    """A new organization signs up and applies for membership; the person signing up becomes its administrator.
    A community team filing with the street (incubation) signs up without applying (`applies=False`).

    The person is the logged-in `acting_user`, or a new account made from `new_account` (email, full_name,
    password) in the same transaction: a failure leaves neither the account nor the organization behind.
    Staff are told of the application. Returns the new administrator's OrganizationAccount.
    """
    user = create_account(**new_account) if new_account else acting_user
    if OrganizationAccount.objects.filter(user=user).exists():
        raise ValidationError(_("Your account already belongs to an organization."))
    organization._history_user = user  # the organization's history names who registered it
    organization.save()
    organization.service_fields.set(service_fields)
    organization.communities.set(communities)
    account = OrganizationAccount.objects.create(
        user=user, organization=organization, role=OrganizationAccount.Role.ADMIN
    )
    _record_account_change(organization, AccountChange.Action.REGISTERED, user, role=account.role, acting_user=user)
    if applies:
        apply_for_membership(organization, acting_user=user, note=note)
    return account


def create_invitation(model, *, email, acting_user, **fields):
    """An invitation (members.Invitation, or another subclass of InvitationBase) with its secret link, valid for
    INVITATION_DAYS. Callers check who may be invited and send the link."""
    return model.objects.create(
        email=email,
        token=secrets.token_urlsafe(32),
        invited_by=acting_user,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        **fields,
    )


def use_invitation(invitation, *, acting_user=None, new_account=None):
    """The person taking up an invitation, which is marked used: the logged-in `acting_user`, or a new account made
    from `new_account` (full_name, password; the email is the invited address). Call inside a transaction; the
    invitation is locked, and works once and only until it expires."""
    invitation = type(invitation).objects.select_for_update(of=("self",)).get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(_("This invitation has expired or has already been used."))
    user = create_account(**{**new_account, "email": invitation.email}) if new_account else acting_user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


@transaction.atomic
def invite_colleague(organization, *, email, role, acting_user):
    """An organization administrator invites a colleague by email; the link is valid for two weeks."""
    email = email.strip().lower()
    User = get_user_model()
    if OrganizationAccount.objects.filter(user__email__iexact=email).exists() or (
        User.objects.filter(username__iexact=email, org_account__isnull=False).exists()
    ):
        raise ValidationError(_("This email already belongs to an organization account."))
    if organization.invitations.pending().filter(email__iexact=email).exists():
        raise ValidationError(_("An invitation to this email is already waiting to be accepted."))
    invitation = create_invitation(
        Invitation, email=email, acting_user=acting_user, organization=organization, role=role
    )
    _record_account_change(organization, AccountChange.Action.INVITED, email, role=role, acting_user=acting_user)
    notify(
        "invitation",
        invitation=invitation,
        organization=organization,
        accept_url=reverse("members:accept-invitation", args=[invitation.token]),
        days=INVITATION_DAYS,
    )
    return invitation


@transaction.atomic
def accept_invitation(invitation, *, acting_user=None, new_account=None):
    """The invited person joins the organization with the invited role; its administrators are told.

    The person is the logged-in `acting_user`, or a new account made from `new_account` (full_name, password;
    the email is the invited address) in the same transaction. The link works once and only until it expires.
    Returns the new OrganizationAccount.
    """
    user = use_invitation(invitation, acting_user=acting_user, new_account=new_account)
    if OrganizationAccount.objects.filter(user=user).exists():
        raise ValidationError(_("Your account already belongs to an organization."))
    organization = invitation.organization
    account = OrganizationAccount.objects.create(user=user, organization=organization, role=invitation.role)
    _record_account_change(organization, AccountChange.Action.JOINED, user, role=account.role, acting_user=user)
    notify(
        "colleague_joined",
        account=account,
        organization=organization,
        people_url=reverse("members:manage-people"),
    )
    return account


@transaction.atomic
def revoke_invitation(invitation, *, acting_user):
    """A pending invitation is withdrawn; its link stops working."""
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("organization").get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError(_("This invitation has already been accepted."))
    _record_account_change(
        invitation.organization,
        AccountChange.Action.INVITATION_WITHDRAWN,
        invitation.email,
        role=invitation.role,
        acting_user=acting_user,
    )
    invitation.delete()


@transaction.atomic
def remove_colleague(account, *, acting_user):
    """A colleague loses access to the organization; the last administrator cannot be removed."""
    account = (
        OrganizationAccount.objects.select_for_update(of=("self",))
        .select_related("user", "organization")
        .get(pk=account.pk)
    )
    if account.is_admin:
        admins = OrganizationAccount.objects.filter(
            organization=account.organization_id, role=OrganizationAccount.Role.ADMIN
        )
        if admins.count() <= 1:
            raise ValidationError(_("The last administrator cannot be removed. Make someone else administrator first."))
    _record_account_change(
        account.organization, AccountChange.Action.REMOVED, account.user, role=account.role, acting_user=acting_user
    )
    account.delete()


def record_personal_data_access(*, user, action, subject, records=1):
    """Every view of full mobile numbers and every export of sign-up lists leaves a trace."""
    return PersonalDataAccess.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        subject=str(subject)[:200],
        records=records,
    )
