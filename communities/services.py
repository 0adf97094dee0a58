"""State changes of the communities app: committee accounts, confirming or disputing activities, the needs a
committee posts for its community (through projects.services), its quarterly ratings of organizations."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import notify
from members.services import INVITATION_DAYS, create_invitation, use_invitation
from projects import services as projects_services
from projects.models import CommunityNeed, NeedResponse

from .models import (
    ActivityConfirmation,
    CommunityAccount,
    CommunityInvitation,
    QuarterlyRating,
    activities_held_in,
    organizations_to_rate,
    quarter_label,
    rateable_quarters,
)


@transaction.atomic
def invite_to_community(community, *, email, role, acting_user):
    """Staff (or the committee's administrator) invite someone of the neighbourhood committee by email."""
    email = email.strip().lower()
    if CommunityAccount.objects.filter(user__email__iexact=email).exists():
        raise ValidationError(_("This email already belongs to a community account."))
    if community.invitations.pending().filter(email__iexact=email).exists():
        raise ValidationError(_("An invitation to this email is already waiting to be accepted."))
    invitation = create_invitation(
        CommunityInvitation, email=email, acting_user=acting_user, community=community, role=role
    )
    notify(
        "invitation",
        invitation=invitation,
        organization=community,
        accept_url=reverse("communities:accept-invitation", args=[invitation.token]),
        days=INVITATION_DAYS,
    )
    return invitation


@transaction.atomic
def accept_community_invitation(invitation, *, acting_user=None, new_account=None):
    """The invited person joins the committee's portal with the invited role. Returns the CommunityAccount."""
    user = use_invitation(invitation, acting_user=acting_user, new_account=new_account)
    if CommunityAccount.objects.filter(user=user).exists():
        raise ValidationError(_("Your account already belongs to a community."))
    return CommunityAccount.objects.create(user=user, community=invitation.community, role=invitation.role)


def _open_to_review(event, account, now=None):
    """The committee may give its word on an activity of its own community once it has ended, once."""
    if not activities_held_in(account.community, now=now).filter(pk=event.pk).exists():
        raise ValidationError(_("Only activities held in your community that have ended can be confirmed."))
    if ActivityConfirmation.objects.filter(event=event).exists():
        raise ValidationError(_("This activity has already been confirmed or disputed."))


@transaction.atomic
def confirm_activity(event, *, account):
    """The committee confirms that the activity was held (one tap)."""
    _open_to_review(event, account)
    return ActivityConfirmation.objects.create(
        event=event,
        state=ActivityConfirmation.State.CONFIRMED,
        confirmed_by=account.user,
        confirmed_at=timezone.now(),
    )


@transaction.atomic
def dispute_activity(event, *, account, reason):
    """The committee says the activity did not happen as reported. It stops counting for the organization's
    monthly duty until staff decide; the organizer and staff are told."""
    _open_to_review(event, account)
    confirmation = ActivityConfirmation(
        event=event,
        state=ActivityConfirmation.State.DISPUTED,
        confirmed_by=account.user,
        confirmed_at=timezone.now(),
        reason=reason.strip(),
    )
    confirmation.full_clean()
    confirmation.save()
    notify(
        "activity_disputed",
        confirmation=confirmation,
        event=event,
        organization=event.organization,
        community=account.community,
        admin_url=reverse("communities:dispute", args=[confirmation.pk]),
    )
    return confirmation


@transaction.atomic
def resolve_dispute(confirmation, *, uphold, reason, acting_user):
    """Staff decide a dispute: upheld, the activity never counts for the duty; dismissed, it counts again. A
    reason is required; the organizer is told."""
    confirmation = ActivityConfirmation.objects.select_for_update(of=("self",)).get(pk=confirmation.pk)
    state = ActivityConfirmation.State.UPHELD if uphold else ActivityConfirmation.State.DISMISSED
    if not confirmation.can_change_to(state):
        raise ValidationError(_("This dispute has already been decided."))
    if not reason.strip():
        raise ValidationError(_("Please give the reason for the decision."))
    confirmation.state = state
    confirmation.resolution = reason.strip()
    confirmation.resolved_by = acting_user
    confirmation.resolved_at = timezone.now()
    confirmation.save(update_fields=["state", "resolution", "resolved_by", "resolved_at"])
    event = confirmation.event
    notify(
        "dispute_resolved",
        confirmation=confirmation,
        event=event,
        organization=event.organization,
        portal_url=reverse("events:manage-detail", args=[event.pk]),
    )
    return confirmation


@transaction.atomic
def confirm_unreviewed_activities(now=None):
    """Activities that ended COMMUNITY_CONFIRMATION_DAYS ago or earlier and that nobody confirmed or disputed
    confirm themselves (by nobody). Returns how many."""
    now = now or timezone.now()
    due = (
        activities_held_in(None, now=now - timedelta(days=settings.COMMUNITY_CONFIRMATION_DAYS))
        .filter(community_confirmation__isnull=True)
        .values_list("pk", flat=True)
    )
    rows = [
        ActivityConfirmation(event_id=pk, state=ActivityConfirmation.State.CONFIRMED, confirmed_at=now)
        for pk in due
    ]
    ActivityConfirmation.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# Needs the committee posts for its community (the needs and their responses belong to the projects app)


def _own_need(need, account):
    if need.community_id != account.community_id:
        raise ValidationError(_("Only your own community's needs can be managed here."))


@transaction.atomic
def post_community_need(account, *, title, description, service_field):
    """The committee posts a need of its own community on the needs board (which says the committee posted it);
    staff are told."""
    need = projects_services.post_need(
        account.community,
        acting_user=account.user,
        title=title,
        description=description,
        service_field=service_field,
        poster=CommunityNeed.Poster.COMMITTEE,
    )
    notify(
        "community_need_posted",
        need=need,
        community=account.community,
        admin_url=reverse("admin:projects_communityneed_change", args=[need.pk]),
    )
    return need


@transaction.atomic
def propose_need_response(response, *, account):
    """The committee proposes the response to its community's open need it wants accepted. With
    COMMUNITY_NEEDS_ACCEPT_DIRECTLY the proposal is accepted at once (the need becomes matched); otherwise staff
    are told and confirm it (`confirm_need_proposal`)."""
    _own_need(response.need, account)
    response = projects_services.propose_need_response(response, acting_user=account.user)
    if settings.COMMUNITY_NEEDS_ACCEPT_DIRECTLY:
        return projects_services.accept_need_response(response, acting_user=account.user)
    notify(
        "need_response_proposed",
        need=response.need,
        response=response,
        community=account.community,
        staff_url=reverse("communities:need-proposals"),
    )
    return response


@transaction.atomic
def confirm_need_proposal(response, *, acting_user):
    """Staff confirm the response a committee proposed: it is accepted and the need becomes matched."""
    if not NeedResponse.objects.filter(pk=response.pk, proposed_at__isnull=False).exists():
        raise ValidationError(_("The committee has not proposed this response."))
    return projects_services.accept_need_response(response, acting_user=acting_user)


# Quarterly ratings


@transaction.atomic
def rate_organization(account, organization, quarter, *, score, comment=""):
    """The committee rates (1–5, optional comment) an organization that held activities in its community in
    `quarter`, while the quarter is open to rating (it and the next); rating again replaces the rating."""
    if quarter not in rateable_quarters():
        raise ValidationError(
            _("%(quarter)s can no longer be rated.") % {"quarter": quarter_label(quarter)}
        )
    if not organizations_to_rate(account.community, quarter).filter(pk=organization.pk).exists():
        raise ValidationError(_("Only organizations that held activities in your community that quarter are rated."))
    rating = QuarterlyRating.objects.filter(
        community=account.community, organization=organization, quarter=quarter
    ).first() or QuarterlyRating(community=account.community, organization=organization, quarter=quarter)
    rating.score = score
    rating.comment = comment.strip()
    rating.rated_by = account.user
    rating.rated_at = timezone.now()
    rating.full_clean()
    rating.save()
    return rating
