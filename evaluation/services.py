"""State changes of the evaluation: schemes copied to a new version, cycles opened and published, self-scores and
their submission, assessors assigned under the reviewers' conflict rule, assessments, dossiers set aside.

Every service records who acted (EvaluationChange); the organizations hear of a new cycle and of their results
through the notification table (core.notifications), as outbox rows of the same transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import notify
from members.models import Organization
from members.permissions import organization_of
from projects.models import is_conflict_of_interest

from .models import (
    ZERO,
    Cycle,
    Dossier,
    Entry,
    EvaluationChange,
    GradeThreshold,
    Indicator,
    Scheme,
    add_years,
)


def _actor(user):
    return user if user is not None and user.is_authenticated else None


def _log(cycle, action, *, acting_user, dossier=None, note=""):
    EvaluationChange.objects.create(
        cycle=cycle, dossier=dossier, action=action, note=note, changed_by=_actor(acting_user)
    )


# Schemes


@transaction.atomic
def copy_scheme(scheme, *, acting_user):
    """A new version of a scheme (same name, next version number) with its tree, thresholds and checklist: the way
    to change a scheme a cycle already uses, leaving past results as they were."""
    latest = Scheme.objects.filter(name=scheme.name).order_by("-version").first()
    copy = Scheme.objects.create(
        name=scheme.name, version=latest.version + 1, kind=scheme.kind, validity_years=scheme.validity_years,
        description=scheme.description,
    )
    new_of, waiting = {}, list(scheme.indicators.order_by("pk"))
    while waiting:  # each indicator after its parent
        indicator = next(i for i in waiting if i.parent_id is None or i.parent_id in new_of)
        waiting.remove(indicator)
        new_of[indicator.pk] = Indicator.objects.create(
            scheme=copy, parent=new_of.get(indicator.parent_id), code=indicator.code, title=indicator.title,
            description=indicator.description, max_points=indicator.max_points, evidence=indicator.evidence,
            position=indicator.position,
        )
    GradeThreshold.objects.bulk_create(
        GradeThreshold(scheme=copy, level=t.level, minimum_points=t.minimum_points) for t in scheme.thresholds.all()
    )
    for criterion in scheme.eligibility_criteria.all():
        copy.eligibility_criteria.create(text=criterion.text, position=criterion.position)
    return copy


# Cycles


@transaction.atomic
def open_cycle(scheme, *, name, period_start, period_end, deadline, organizations, acting_user):
    """Staff open a cycle: every participating organization gets a dossier with one entry per leaf of the scheme,
    and its administrators are told. The scheme is frozen from now on (copy it to change it)."""
    leaves = list(scheme.leaves())
    if not leaves:
        raise ValidationError(_("The scheme has no indicators to score."))
    if not scheme.thresholds.exists():
        raise ValidationError(_("The scheme has no grade thresholds."))
    if period_end < period_start:
        raise ValidationError(_("The period cannot end before it starts."))
    if not organizations:
        raise ValidationError(_("Choose the organizations taking part."))
    cycle = Cycle.objects.create(
        scheme=scheme, name=name, period_start=period_start, period_end=period_end, deadline=deadline,
        opened_by=_actor(acting_user),
    )
    for organization in organizations:
        dossier = Dossier.objects.create(cycle=cycle, organization=organization)
        Entry.objects.bulk_create(Entry(dossier=dossier, indicator=leaf) for leaf in leaves)
        notify(
            "evaluation_opened", cycle=cycle, organization=organization,
            portal_url=reverse("evaluation:manage-detail", args=[dossier.pk]),
        )
    _log(cycle, EvaluationChange.Action.OPENED, acting_user=acting_user, note=str(scheme))
    return cycle


def _check_points(value, indicator, label):
    if value is None:
        return
    if value < ZERO or value > indicator.max_points:
        raise ValidationError(
            _("%(label)s of %(code)s must be between 0 and %(max)s.")
            % {"label": label, "code": indicator.code, "max": indicator.max_points}
        )


@transaction.atomic
def save_self_assessment(dossier, changes, *, acting_user):
    """The organization's self-scores and evidence: `changes` is [(entry, {"self_score", "evidence_text",
    "evidence_file"})]. Only until it submits them or the deadline passes; a score within 0 and the leaf's maximum."""
    dossier = Dossier.objects.select_for_update().select_related("cycle").get(pk=dossier.pk)
    if not dossier.is_editable_by_organization():
        raise ValidationError(_("The self-assessment can no longer be changed."))
    for entry, data in changes:
        if entry.dossier_id != dossier.pk:
            raise PermissionDenied
        _check_points(data.get("self_score"), entry.indicator, _("The self-score"))
        for name in ("self_score", "evidence_text", "evidence_file"):
            if name in data and data[name] is not None:
                setattr(entry, name, data[name])
        if "self_score" in data and data["self_score"] is None:
            entry.self_score = None
        entry.save()
    dossier.self_total = sum((e.self_score or ZERO for e in dossier.entries.all()), ZERO)
    dossier.save(update_fields=["self_total"])
    return dossier


@transaction.atomic
def submit_self_assessment(dossier, *, acting_user):
    """The organization hands its self-assessment to the assessor before the deadline. Leaves without a self-score
    stay missing (they show as such); nothing can be changed afterwards."""
    dossier = Dossier.objects.select_for_update().select_related("cycle").get(pk=dossier.pk)
    if not dossier.is_editable_by_organization():
        raise ValidationError(_("The self-assessment can no longer be changed."))
    dossier.submitted_at = timezone.now()
    dossier.save(update_fields=["submitted_at"])
    _log(dossier.cycle, EvaluationChange.Action.SUBMITTED, acting_user=acting_user, dossier=dossier)
    return dossier


def assessor_conflict(dossier, user):
    """The reviewers' conflict-of-interest rule (projects.models.is_conflict_of_interest) for an assessor."""
    organization = organization_of(user)
    return is_conflict_of_interest(dossier.organization_id, organization.pk if organization else None)


@transaction.atomic
def assign_assessor(dossier, assessor, *, acting_user):
    """Staff assign the assessor of a dossier: never someone who works for the organization."""
    if dossier.cycle.is_published:
        raise ValidationError(_("The results of this cycle are published."))
    if assessor is not None and assessor_conflict(dossier, assessor):
        raise ValidationError(
            _("%(user)s works for %(organization)s and cannot assess it.")
            % {"user": assessor.get_full_name() or assessor.username, "organization": dossier.organization}
        )
    dossier.assessor = assessor
    dossier.save(update_fields=["assessor"])
    if assessor is not None:
        notify(
            "evaluation_assigned", cycle=dossier.cycle, dossier=dossier, assessor=assessor,
            assess_url=reverse("evaluation:assess-dossier", args=[dossier.pk]),
        )
    _log(dossier.cycle, EvaluationChange.Action.ASSIGNED, acting_user=acting_user, dossier=dossier,
         note=assessor.username if assessor else "")
    return dossier


@transaction.atomic
def exclude_dossier(dossier, *, criterion, note="", acting_user):
    """Staff set a dossier aside: the organization is not assessed in this cycle, for a reason of the scheme's
    eligibility checklist (e.g. a missed annual inspection), which it reads."""
    if dossier.cycle.is_published:
        raise ValidationError(_("The results of this cycle are published."))
    if criterion.scheme_id != dossier.cycle.scheme_id:
        raise ValidationError(_("Choose a reason from this scheme's eligibility checklist."))
    dossier.not_assessed_because = criterion
    dossier.not_assessed_note = note
    dossier.total = dossier.level = None
    dossier.save(update_fields=["not_assessed_because", "not_assessed_note", "total", "level"])
    _log(dossier.cycle, EvaluationChange.Action.EXCLUDED, acting_user=acting_user, dossier=dossier,
         note=f"{criterion} {note}".strip())
    return dossier


@transaction.atomic
def record_assessment(dossier, scores, *, acting_user, finish=False):
    """The assessor's scores: `scores` is [(entry, score, reason)]. A score below the leaf's maximum needs a reason.
    With `finish`, every leaf must be scored: the total and the result (the scheme's thresholds) are computed and
    the dossier waits for staff to publish. Only the dossier's assessor, without a conflict of interest."""
    dossier = Dossier.objects.select_for_update().select_related("cycle__scheme").get(pk=dossier.pk)
    if dossier.assessor_id != getattr(acting_user, "pk", None) or assessor_conflict(dossier, acting_user):
        raise PermissionDenied
    if not dossier.is_ready_for_assessment():
        raise ValidationError(_("This dossier cannot be assessed now."))
    for entry, score, reason in scores:
        if entry.dossier_id != dossier.pk:
            raise PermissionDenied
        _check_points(score, entry.indicator, _("The score"))
        reason = (reason or "").strip()
        if score is not None and score < entry.indicator.max_points and not reason:
            raise ValidationError(
                _("Give the reason for the deduction on %(code)s.") % {"code": entry.indicator.code}
            )
        entry.score, entry.reason = score, reason
        entry.save(update_fields=["score", "reason", "updated_at"])
    entries = list(dossier.entries.all())
    if finish:
        if any(entry.score is None for entry in entries):
            raise ValidationError(_("Score every indicator before finishing the assessment."))
        dossier.total = sum((entry.score for entry in entries), ZERO)
        dossier.level = dossier.cycle.scheme.level_for(dossier.total)
        dossier.assessed_at = timezone.now()
        dossier.save(update_fields=["total", "level", "assessed_at"])
        _log(dossier.cycle, EvaluationChange.Action.ASSESSED, acting_user=acting_user, dossier=dossier,
             note=f"{dossier.total} → {dossier.result_label}")
    return dossier


@transaction.atomic
def publish_cycle(cycle, *, acting_user):
    """Staff publish a cycle once every dossier is assessed or set aside: each result is valid the scheme's years
    from today, and the organization's current grade (or star rating, with its period) becomes this result — what
    the public organization page and the calls' minimum grade read. Each organization is told."""
    cycle = Cycle.objects.select_for_update().select_related("scheme").get(pk=cycle.pk)
    if cycle.is_published:
        raise ValidationError(_("The results of this cycle are already published."))
    dossiers = list(cycle.dossiers.select_related("organization"))
    waiting = [d.organization.name for d in dossiers if not d.is_excluded and d.assessed_at is None]
    if waiting:
        raise ValidationError(
            _("Not assessed yet: %(organizations)s.") % {"organizations": "、".join(waiting)}
        )
    today = timezone.localdate()
    valid_until = add_years(today, cycle.scheme.validity_years)
    for dossier in dossiers:
        if not dossier.is_excluded:
            dossier.valid_until = valid_until
            dossier.save(update_fields=["valid_until"])
            _write_result(dossier, cycle.scheme, today, acting_user)
        notify(
            "evaluation_published", cycle=cycle, dossier=dossier, organization=dossier.organization,
            portal_url=reverse("evaluation:manage-detail", args=[dossier.pk]),
        )
    cycle.state = Cycle.State.PUBLISHED
    cycle.published_at = timezone.now()
    cycle.save(update_fields=["state", "published_at"])
    _log(cycle, EvaluationChange.Action.PUBLISHED, acting_user=acting_user)
    return cycle


def _write_result(dossier, scheme, today, acting_user):
    organization = Organization.objects.select_for_update().get(pk=dossier.organization_id)
    organization._history_user = _actor(acting_user)
    if scheme.kind == Scheme.Kind.GRADE:
        organization.grade, organization.grade_valid_until = dossier.level, dossier.valid_until
        fields = ["grade", "grade_valid_until"]
    else:
        organization.star_rating = dossier.level
        organization.star_rating_valid_from, organization.star_rating_valid_until = today, dossier.valid_until
        fields = ["star_rating", "star_rating_valid_from", "star_rating_valid_until"]
    organization.save(update_fields=[*fields, "updated_at"])
