"""State changes of the projects app: calls, proposals and projects, reviews, community needs.

Every change of a project's state goes through `change_project_state`, which refuses transitions
the project's TRANSITIONS do not allow (or allow someone else) and records who made the change.
Every service that takes `acting_user` records who acted: in a change record or the row it writes,
and in the history row of what it saved, whoever calls it (a page, the admin, a job).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import notify

from . import scoring
from .models import Call, CommunityNeed, NeedResponse, ProgressUpdate, Project, ProjectPhoto, ProjectStateChange, Review


def _actor(user):
    return user if user is not None and user.is_authenticated else None


def _attribute(instance, acting_user):
    """The history row the next save writes names `acting_user`, also outside a request (simple_history)."""
    instance._history_user = _actor(acting_user)


# Projects


@transaction.atomic
def change_project_state(project, to_state, *, acting_user, as_actor, reason=""):
    """Move a project to another state; the one way a project's state ever changes.

    `as_actor` (Project.Actor) says whom `acting_user` acts for: the project's organization or the
    street office. Refuses a transition Project.TRANSITIONS does not allow, or allows only the other
    one, a submission outside the call's open period, a completion before the project's start date and a
    rejection without a reason. Records who
    made the change; decisions are mailed to the organization.
    """
    # of=("self",): PostgreSQL cannot lock the nullable side of the join to the call.
    locked = Project.objects.select_for_update(of=("self",))
    project = locked.select_related("call", "organization").get(pk=project.pk)
    to_state, as_actor = Project.State(to_state), Project.Actor(as_actor)
    if not project.can_change_to(to_state):
        raise ValidationError(
            _("A project that is “%(from)s” cannot become “%(to)s”.")
            % {"from": project.get_state_display(), "to": to_state.label}
        )
    if not project.can_change_to(to_state, as_actor):
        allowed = project.TRANSITIONS[project.state][to_state]
        raise ValidationError(
            _("Only %(actor)s can change a project from “%(from)s” to “%(to)s”.")
            % {
                "actor": next(actor for actor in Project.Actor if actor in allowed).label,
                "from": project.get_state_display(),
                "to": to_state.label,
            }
        )
    reason = (reason or "").strip()
    now = timezone.now()
    if to_state == Project.State.SUBMITTED:
        if not project.organization.is_member:
            raise ValidationError(_("Only active member organizations can submit proposals."))
        if project.call is None:
            raise ValidationError(_("Choose the call for proposals to submit this project to."))
        if not project.call.is_accepting(now):
            raise ValidationError(_refusal(project.call, now))
        if not project.organization.meets_grade(project.call.minimum_grade, timezone.localdate(now)):
            raise ValidationError(
                _("This call requires a grade of %(grade)s or above.")
                % {"grade": project.call.get_minimum_grade_display()}
            )
        project.submitted_at = now
    if to_state == Project.State.COMPLETED and project.starts_on and project.starts_on > timezone.localdate(now):
        raise ValidationError(
            _("“%(title)s” starts on %(date)s: a project cannot be completed before it starts.")
            % {"title": project.title, "date": project.starts_on.isoformat()}
        )
    if to_state == Project.State.REJECTED and not reason:
        raise ValidationError(_("Please give a reason: the organization will read it."))
    if to_state in (Project.State.APPROVED, Project.State.REJECTED):
        project.decided_at = now
        project.decided_by = _actor(acting_user)
        project.decision_reason = reason

    from_state = project.state
    project.state = to_state
    _attribute(project, acting_user)
    project.save(
        update_fields=["state", "submitted_at", "decided_at", "decided_by", "decision_reason", "updated_at"]
    )
    ProjectStateChange.objects.create(
        project=project,
        from_state=from_state,
        to_state=to_state,
        changed_at=now,
        changed_by=_actor(acting_user),
        reason=reason,
    )
    if to_state in (Project.State.APPROVED, Project.State.REJECTED):
        notify_project_decision(project)  # outbox rows of this transaction (core.outbox)
    return project


def _refusal(call, now):
    if now >= call.closes_at:
        closes = timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M")
        return _("The call “%(call)s” closed on %(closes)s: proposals can no longer be submitted.") % {
            "call": call,
            "closes": closes,
        }
    if now < call.opens_at:
        opens = timezone.localtime(call.opens_at).strftime("%Y-%m-%d %H:%M")
        return _("The call “%(call)s” opens on %(opens)s.") % {"call": call, "opens": opens}
    return _("The call “%(call)s” is not accepting proposals.") % {"call": call}


def submit_project(project, *, acting_user):
    """The organization submits its draft to its call, before the call's deadline."""
    return change_project_state(
        project, Project.State.SUBMITTED, acting_user=acting_user, as_actor=Project.Actor.ORGANIZATION
    )


def withdraw_project(project, *, acting_user):
    """The organization takes a submitted proposal back to draft (only before the review starts)."""
    return change_project_state(
        project, Project.State.DRAFT, acting_user=acting_user, as_actor=Project.Actor.ORGANIZATION
    )


def approve_project(project, *, acting_user, reason=""):
    """The street office approves a reviewed proposal: it becomes a project residents see."""
    return change_project_state(
        project, Project.State.APPROVED, acting_user=acting_user, as_actor=Project.Actor.STAFF, reason=reason
    )


def reject_project(project, *, acting_user, reason):
    """The street office rejects a reviewed proposal with a reason the organization reads."""
    return change_project_state(
        project, Project.State.REJECTED, acting_user=acting_user, as_actor=Project.Actor.STAFF, reason=reason
    )


def notify_project_decision(project):
    summary = None
    if project.call_id:
        summary = scoring.summarize(project.reviews.all(), project.call.weights)
    notify(
        "project_decided",
        project=project,
        summary=summary,
        portal_url=reverse("projects:manage-detail", kwargs={"pk": project.pk}),
    )


@transaction.atomic
def set_project_flags(project, *, acting_user, is_selected=None, is_brand=None):
    """Staff mark an approved, running or completed project as selected (优秀项目) and/or brand (品牌项目)."""
    if not project.has_been_approved:
        raise ValidationError(
            _("Only approved, running or completed projects can be marked: “%(title)s” is %(state)s.")
            % {"title": project.title, "state": project.get_state_display()}
        )
    if is_selected is not None:
        project.is_selected = is_selected
    if is_brand is not None:
        project.is_brand = is_brand
    _attribute(project, acting_user)
    project.save(update_fields=["is_selected", "is_brand", "updated_at"])
    return project


@transaction.atomic
def post_progress_update(project, *, acting_user, text, beneficiaries_reached=0, on=None, photos=()):
    """An organization reports progress on its approved, running or completed project, with photos."""
    if not project.accepts_updates:
        raise ValidationError(_("Progress can be reported once the project is approved."))
    update = ProgressUpdate.objects.create(
        project=project,
        on=on or timezone.localdate(),
        text=text,
        beneficiaries_reached=beneficiaries_reached or 0,
        created_by=_actor(acting_user),
    )
    for photo in photos:
        if photo:
            ProjectPhoto.objects.create(project=project, update=update, image=photo)
    return update


# Calls


@transaction.atomic
def change_call_state(call, to_state, *, acting_user, close_early=False):
    """Move a call along draft → open → reviewing → decided.

    Starting the review puts every submitted proposal under review and tells the reviewers. Before the
    call's closing time it also ends the call early, which staff must confirm (`close_early`): the call
    then closes now. A call can only be decided once none of its proposals is still waiting for a decision.
    """
    call = Call.objects.select_for_update().get(pk=call.pk)
    to_state = Call.State(to_state)
    if not call.can_change_to(to_state):
        raise ValidationError(
            _("A call that is “%(from)s” cannot become “%(to)s”.")
            % {"from": call.get_state_display(), "to": to_state.label}
        )
    now = timezone.now()
    if call.closes_early(to_state, now):
        if not close_early:
            raise ValidationError(
                _(
                    "The call “%(call)s” accepts proposals until %(closes)s: "
                    "confirm closing it early on its ranking page first."
                )
                % {"call": call, "closes": timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M")},
                code="before_deadline",
            )
        if now > call.opens_at:  # a call that never opened keeps its dates (it must close after it opens)
            call.closes_at = now
    if to_state == Call.State.REVIEWING:
        for project in call.projects.filter(state=Project.State.SUBMITTED):
            change_project_state(
                project, Project.State.UNDER_REVIEW, acting_user=acting_user, as_actor=Project.Actor.STAFF
            )
        notify_reviewers(call)
    if to_state == Call.State.OPEN:
        notify_call_opened(call)
    if to_state == Call.State.DECIDED:
        waiting = call.projects.filter(state__in=[Project.State.SUBMITTED, Project.State.UNDER_REVIEW]).count()
        if waiting:
            raise ValidationError(
                _("%(count)d proposal(s) of this call still wait for a decision: approve or reject them first.")
                % {"count": waiting}
            )
    call.state = to_state
    _attribute(call, acting_user)
    call.save(update_fields=["state", "closes_at"])
    return call


def notify_reviewers(call):
    notify("review_requested", call=call, review_url=reverse("projects:review-call", kwargs={"pk": call.pk}))


def notify_call_opened(call):
    notify("call_opened", call=call, call_url=call.get_absolute_url())


# Reviews


def check_can_review(project, reviewer):
    """Raise PermissionDenied/ValidationError unless the reviewer may score this proposal now."""
    call = project.call
    if call is None or not call.reviewers.filter(pk=reviewer.pk).exists():
        raise PermissionDenied(_("You are not a reviewer of this call."))
    if project.has_conflict_of_interest(reviewer):
        raise PermissionDenied(_("Your own organization submitted this proposal: you cannot review it."))
    if not project.accepts_reviews:
        raise ValidationError(_("Reviews can only be given or changed while the proposal is under review."))


@transaction.atomic
def save_review(project, *, reviewer, public_benefit, operability, coverage, comment=""):
    """A reviewer scores a proposal (0–10 per criterion) or changes their scores until it is decided.

    One review per reviewer and proposal; a reviewer whose organization submitted the proposal
    cannot review it.
    """
    project = Project.objects.select_for_update(of=("self",)).select_related("call").get(pk=project.pk)
    check_can_review(project, reviewer)
    review = Review.objects.filter(project=project, reviewer=reviewer).first() or Review(
        project=project, reviewer=reviewer
    )
    review.public_benefit, review.operability, review.coverage = public_benefit, operability, coverage
    review.comment = comment
    review.full_clean()
    _attribute(review, reviewer)
    review.save()
    return review


# Community needs


@transaction.atomic
def post_need(community, *, acting_user, title, description, service_field, poster=CommunityNeed.Poster.STREET_OFFICE):
    """A need of `community` goes on the needs board, open to responses; `poster` says on whose behalf (the
    street office, or the community's neighbourhood committee, whose member `acting_user` then is)."""
    need = CommunityNeed(
        community=community,
        title=title.strip(),
        description=description.strip(),
        service_field=service_field,
        poster=poster,
        posted_by=_actor(acting_user),
    )
    need.full_clean()
    _attribute(need, acting_user)
    need.save()
    return need


@transaction.atomic
def respond_to_need(need, *, organization, acting_user, message, project=None):
    """A member organization offers to meet an open need, optionally with one of its own projects."""
    need = CommunityNeed.objects.select_for_update().get(pk=need.pk)
    if not need.is_open:
        raise ValidationError(_("This need is no longer open for responses."))
    if project is not None and project.organization_id != organization.pk:
        raise ValidationError(_("You can only offer your own organization's projects."))
    if NeedResponse.objects.filter(need=need, organization=organization).exists():
        raise ValidationError(_("Your organization has already responded to this need."))
    response = NeedResponse.objects.create(
        need=need, organization=organization, message=message, project=project, created_by=_actor(acting_user)
    )
    notify(
        "need_response_received",
        need=need,
        response=response,
        admin_url=reverse("admin:projects_communityneed_change", args=[need.pk]),
    )
    if need.is_posted_by_committee and need.posted_by_id:
        notify("need_response_for_poster", need=need, response=response, need_url=need.get_absolute_url())
    return response


@transaction.atomic
def propose_need_response(response, *, acting_user):
    """The committee that posted an open need proposes the response it wants accepted (replacing its earlier
    proposal); staff confirm it with `accept_need_response`."""
    locked = NeedResponse.objects.select_for_update(of=("self",))
    response = locked.select_related("need", "organization").get(pk=response.pk)
    need = CommunityNeed.objects.select_for_update().get(pk=response.need_id)
    if not need.is_open:
        raise ValidationError(_("Only responses to an open need can be proposed."))
    NeedResponse.objects.filter(need=need, proposed_at__isnull=False).exclude(pk=response.pk).update(
        proposed_at=None, proposed_by=None
    )
    response.proposed_at = timezone.now()
    response.proposed_by = _actor(acting_user)
    response.save(update_fields=["proposed_at", "proposed_by"])
    return response


@transaction.atomic
def accept_need_response(response, *, acting_user):
    """Staff accept one response: the need becomes matched and is linked to that organization (and project)."""
    locked = NeedResponse.objects.select_for_update(of=("self",))
    response = locked.select_related("need", "organization").get(pk=response.pk)
    need = CommunityNeed.objects.select_for_update().get(pk=response.need_id)
    if not need.is_open:
        raise ValidationError(
            _("The need “%(need)s” is %(state)s: only open needs can be matched.")
            % {"need": need, "state": need.get_state_display()}
        )
    now = timezone.now()
    response.is_accepted = True
    response.accepted_at = now
    response.accepted_by = _actor(acting_user)
    response.save(update_fields=["is_accepted", "accepted_at", "accepted_by"])
    need.state = CommunityNeed.State.MATCHED
    need.matched_at = now
    _attribute(need, acting_user)
    need.save(update_fields=["state", "matched_at"])
    notify("need_matched", need=need, response=response, need_url=need.get_absolute_url())
    return response


@transaction.atomic
def close_need(need, *, acting_user):
    """A need is closed: no more responses. A matched need stays visible as matched."""
    need = CommunityNeed.objects.select_for_update().get(pk=need.pk)
    if need.state == CommunityNeed.State.CLOSED:
        raise ValidationError(_("This need is already closed."))
    need.state = CommunityNeed.State.CLOSED
    _attribute(need, acting_user)
    need.save(update_fields=["state"])
    return need
