"""State changes of the contracts app: signing, evaluators, self-assessments, verdicts, payments and reminders.

Every service records what it did in the contract's history (ContractChange) and names the acting user in the
history rows of what it saved; notices are outbox rows of the same transaction (core.notifications).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import notify

from . import measures
from .models import (
    Contract,
    ContractChange,
    Evaluation,
    Indicator,
    IndicatorResult,
    Payment,
    RubricCriterion,
    SelfAssessmentAttachment,
    Tranche,
    yuan,
)


def _actor(user):
    return user if user is not None and user.is_authenticated else None


def _record(contract, action, *, acting_user, note=""):
    ContractChange.objects.create(contract=contract, action=action, changed_by=_actor(acting_user), note=note)


def _attribute(instance, acting_user):
    instance._history_user = _actor(acting_user)


def _portal_url(contract):
    return reverse("contracts:manage-detail", args=[contract.pk])


def check_tranches(tranches):
    """Refuse tranches that do not add up to 100 % or wait twice for the same thing. `tranches`: dicts with
    `percent` and `condition`."""
    total = sum((Decimal(tranche["percent"]) for tranche in tranches), Decimal("0"))
    if total != 100:
        raise ValidationError(
            _("The tranches add up to %(total)s %%: they must add up to 100 %%.") % {"total": f"{total.normalize():f}"},
            code="tranches_total",
        )
    conditions = [tranche["condition"] for tranche in tranches]
    if len(set(conditions)) != len(conditions):
        raise ValidationError(_("Each tranche must wait for something else."), code="tranches_condition")


@transaction.atomic
def sign_contract(
    project, *, acting_user, number, starts_on, ends_on, amount, indicators, tranches, midterm_due_on=None,
    final_due_on=None, purchaser="", signed_on=None,
):
    """Staff record a signed contract on an approved project: its indicators (dicts of name, unit, target,
    measure), its tranches (dicts of percent and condition, adding up to 100 %) and its evaluations' due dates.

    A tranche waiting for a mid-term pass needs a mid-term evaluation; the final evaluation is due when the service
    ends unless said otherwise. The tranche payable on signing is payable at once; the organization is told.
    """
    if not project.has_been_approved:
        raise ValidationError(_("Only approved, running or completed projects can have a contract."))
    check_tranches(tranches)
    conditions = {tranche["condition"] for tranche in tranches}
    if Tranche.Condition.MIDTERM in conditions and midterm_due_on is None:
        raise ValidationError(
            {"midterm_due_on": _("A tranche waits for the mid-term evaluation: give its due date.")}
        )
    if not indicators:
        raise ValidationError(_("A contract needs at least one indicator."))
    contract = Contract(
        project=project, number=number.strip(), starts_on=starts_on, ends_on=ends_on, amount=amount,
        signed_on=signed_on or timezone.localdate(),
    )
    if purchaser:
        contract.purchaser = purchaser
    contract.full_clean()
    _attribute(contract, acting_user)
    contract.save()
    for indicator in indicators:
        Indicator.objects.create(contract=contract, **indicator)
    now = timezone.now()
    for position, tranche in enumerate(tranches, start=1):
        Tranche.objects.create(
            contract=contract, position=position, percent=tranche["percent"], condition=tranche["condition"],
            unlocked_at=now if tranche["condition"] == Tranche.Condition.SIGNING else None,
        )
    if midterm_due_on is not None:
        Evaluation.objects.create(contract=contract, kind=Evaluation.Kind.MIDTERM, due_on=midterm_due_on)
    Evaluation.objects.create(contract=contract, kind=Evaluation.Kind.FINAL, due_on=final_due_on or ends_on)
    _record(contract, ContractChange.Action.SIGNED, acting_user=acting_user, note=f"¥{yuan(amount):,}")
    notify("contract_signed", contract=contract, organization=project.organization, portal_url=_portal_url(contract))
    return contract


EDITABLE_FIELDS = ["purchaser", "number", "signed_on", "starts_on", "ends_on", "amount"]


@transaction.atomic
def save_contract_edit(contract, *, acting_user):
    """Staff correct a contract's particulars (the admin); the history names the fields that changed. The database
    refuses an amount below what has been paid."""
    before = Contract.objects.select_for_update().get(pk=contract.pk)
    changed = [name for name in EDITABLE_FIELDS if getattr(before, name) != getattr(contract, name)]
    _attribute(contract, acting_user)
    contract.save()
    if changed:
        _record(contract, ContractChange.Action.EDITED, acting_user=acting_user, note=", ".join(changed))
    return contract


@transaction.atomic
def assign_evaluators(contract, evaluators, *, acting_user):
    """Staff choose the contract's evaluators. The reviewers' conflict rule holds: nobody who works for the
    organization that runs the project (Project.conflicts_with). New evaluators are told."""
    contract = Contract.objects.select_for_update(of=("self",)).select_related("project").get(pk=contract.pk)
    conflicted = [user for user in evaluators if contract.has_evaluator_conflict(user)]
    if conflicted:
        raise ValidationError(
            _("%(people)s work(s) for the organization that runs this project and cannot evaluate it.")
            % {"people": "、".join(user.get_full_name() or user.username for user in conflicted)}
        )
    before = set(contract.evaluators.values_list("pk", flat=True))
    _attribute(contract, acting_user)
    contract.evaluators.set(evaluators)
    added = [user for user in evaluators if user.pk not in before]
    _record(
        contract, ContractChange.Action.EVALUATORS, acting_user=acting_user,
        note="、".join(user.get_full_name() or user.username for user in evaluators) or "—",
    )
    if added:
        notify(
            "contract_evaluators", contract=contract, evaluators=added,
            evaluate_url=reverse("contracts:evaluator-list"),
        )
    return contract


def _locked_evaluation(evaluation):
    return Evaluation.objects.select_for_update(of=("self",)).select_related(
        "contract__project__organization"
    ).get(pk=evaluation.pk)


@transaction.atomic
def file_self_assessment(evaluation, *, acting_user, narrative, actuals, attachments=()):
    """The organization files its self-assessment: each indicator's actual figure (`actuals`: {indicator pk:
    figure}; the portal's own figure is kept beside it), a narrative and pictures of its evidence (`attachments`).
    It may file again after a 整改 verdict. The contract's evaluators are told."""
    evaluation = _locked_evaluation(evaluation)
    contract = evaluation.contract
    if not evaluation.accepts_self_assessment:
        raise ValidationError(_("This self-assessment cannot be filed now."))
    if not (narrative or "").strip():
        raise ValidationError({"narrative": _("Please describe what the service achieved.")})
    prefilled = dict(measures.prefilled_results(evaluation))
    for indicator, figure in prefilled.items():
        if indicator.pk not in actuals or actuals[indicator.pk] is None:
            raise ValidationError(_("Please give the actual figure of every indicator."))
        IndicatorResult.objects.update_or_create(
            evaluation=evaluation, indicator=indicator,
            defaults={"actual": actuals[indicator.pk], "prefilled": figure},
        )
    for attachment in attachments:
        if attachment:
            SelfAssessmentAttachment.objects.create(evaluation=evaluation, image=attachment)
    evaluation.narrative = narrative.strip()
    evaluation.state = Evaluation.State.FILED
    evaluation.filed_at = timezone.now()
    evaluation.filed_by = _actor(acting_user)
    _attribute(evaluation, acting_user)
    evaluation.save(update_fields=["narrative", "state", "filed_at", "filed_by"])
    _record(contract, ContractChange.Action.SELF_ASSESSED, acting_user=acting_user, note=evaluation.get_kind_display())
    notify(
        "self_assessment_filed", contract=contract, evaluation=evaluation,
        evaluate_url=reverse("contracts:evaluate", args=[evaluation.pk]),
    )
    return evaluation


def check_can_evaluate(evaluation, user):
    """Raise PermissionDenied unless `user` is an evaluator of the contract without a conflict of interest."""
    contract = evaluation.contract
    if not user.is_authenticated or not contract.evaluators.filter(pk=user.pk).exists():
        raise PermissionDenied(_("You are not an evaluator of this contract."))
    if contract.has_evaluator_conflict(user):
        raise PermissionDenied(_("Your own organization runs this project: you cannot evaluate it."))


def _checked_scores(scores):
    criteria = list(RubricCriterion.objects.filter(is_active=True))
    checked = {}
    for criterion in criteria:
        points = scores.get(criterion.pk)
        if points is None or not 0 <= points <= criterion.max_points:
            raise ValidationError(
                _("Score “%(criterion)s” from 0 to %(max)d.")
                % {"criterion": criterion.name, "max": criterion.max_points}
            )
        checked[str(criterion.pk)] = {"name": criterion.name, "points": int(points), "max": criterion.max_points}
    return checked


@transaction.atomic
def rule_on_evaluation(evaluation, *, evaluator, scores, verdict, reason, rectify_by=None):
    """An assigned evaluator scores the rubric (`scores`: {criterion pk: points}) and concludes, with a reason:

    - 合格 (pass): the tranche waiting for this evaluation becomes payable; a final pass completes the contract;
    - 整改 (rectify): the organization rectifies by `rectify_by` (a later date) and files its self-assessment again;
    - 不合格 (fail): the contract is paused, no tranche is paid, and the organization is told.
    """
    evaluation = _locked_evaluation(evaluation)
    contract = evaluation.contract
    check_can_evaluate(evaluation, evaluator)
    if not evaluation.accepts_verdict:
        raise ValidationError(_("This evaluation is not waiting for a verdict."))
    verdict = Evaluation.Verdict(verdict)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason: the organization and the street office read it.")})
    today = timezone.localdate()
    if verdict == Evaluation.Verdict.RECTIFY and (rectify_by is None or rectify_by <= today):
        raise ValidationError({"rectify_by": _("Give the date by which the organization must rectify (after today).")})
    checked = _checked_scores(scores)
    evaluation.scores = checked
    evaluation.total_score = sum(entry["points"] for entry in checked.values())
    evaluation.verdict = verdict
    evaluation.verdict_reason = reason
    evaluation.rectify_by = rectify_by if verdict == Evaluation.Verdict.RECTIFY else None
    evaluation.decided_by = evaluator
    evaluation.decided_at = timezone.now()
    rectifying = verdict == Evaluation.Verdict.RECTIFY
    evaluation.state = Evaluation.State.RECTIFYING if rectifying else Evaluation.State.DECIDED
    if verdict == Evaluation.Verdict.RECTIFY:
        evaluation.due_on = rectify_by  # the self-assessment is due again, and overdue 14 days after the deadline
        evaluation.reminded_at = None
    _attribute(evaluation, evaluator)
    evaluation.save()
    _record(
        contract, ContractChange.Action.VERDICT, acting_user=evaluator,
        note=f"{evaluation.get_kind_display()} · {verdict.label} · {reason}",
    )
    if verdict == Evaluation.Verdict.PASS:
        _unlock(contract, evaluation.tranche_condition, acting_user=evaluator)
        if evaluation.kind == Evaluation.Kind.FINAL:
            _set_state(contract, Contract.State.COMPLETED, acting_user=evaluator)
    elif verdict == Evaluation.Verdict.FAIL:
        _set_state(contract, Contract.State.PAUSED, acting_user=evaluator, reason=reason)
    notify(
        "evaluation_decided", contract=contract, evaluation=evaluation, organization=contract.project.organization,
        portal_url=_portal_url(contract),
    )
    return evaluation


def _unlock(contract, condition, *, acting_user):
    tranche = contract.tranches.filter(condition=condition, unlocked_at__isnull=True).first()
    if tranche is None:
        return
    tranche.unlocked_at = timezone.now()
    _attribute(tranche, acting_user)
    tranche.save(update_fields=["unlocked_at"])
    _record(contract, ContractChange.Action.UNLOCKED, acting_user=acting_user, note=str(tranche))


def _set_state(contract, state, *, acting_user, reason=""):
    contract.state = state
    contract.paused_reason = reason if state == Contract.State.PAUSED else ""
    _attribute(contract, acting_user)
    contract.save(update_fields=["state", "paused_reason", "updated_at"])
    action = {
        Contract.State.PAUSED: ContractChange.Action.PAUSED,
        Contract.State.ACTIVE: ContractChange.Action.RESUMED,
        Contract.State.COMPLETED: ContractChange.Action.COMPLETED,
    }[state]
    _record(contract, action, acting_user=acting_user, note=reason)
    if state == Contract.State.PAUSED:
        notify(
            "contract_paused", contract=contract, organization=contract.project.organization, reason=reason,
            portal_url=_portal_url(contract),
        )


@transaction.atomic
def resume_contract(contract, *, acting_user, reason):
    """Staff lift a pause (after talks with the organization, with a reason); payments are possible again."""
    contract = Contract.objects.select_for_update(of=("self",)).select_related("project__organization").get(
        pk=contract.pk
    )
    if not contract.is_paused:
        raise ValidationError(_("Only a paused contract can be resumed."))
    if not (reason or "").strip():
        raise ValidationError(_("Please give a reason."))
    _set_state(contract, Contract.State.ACTIVE, acting_user=acting_user, reason=reason.strip())
    return contract


@transaction.atomic
def record_payment(tranche, *, acting_user, amount, voucher, paid_on=None):
    """Staff record a payment on a payable tranche of a contract in service, at most what is left of the tranche
    and of the contract. The database refuses what slips past these checks (a locked tranche, a paused contract,
    a total above the contract's amount: migration 0002)."""
    tranche = Tranche.objects.select_related("contract__project").get(pk=tranche.pk)
    contract = Contract.objects.select_for_update().get(pk=tranche.contract_id)  # one payment at a time
    tranche.contract = contract
    amount = yuan(amount)
    if contract.is_paused:
        raise ValidationError(_("The contract is paused: no payment until it is resumed."), code="paused")
    if not tranche.is_unlocked:
        raise ValidationError(
            _("This tranche is not payable yet: it waits for “%(condition)s”.")
            % {"condition": tranche.get_condition_display()},
            code="locked",
        )
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    remaining = contract.remaining()
    if amount > remaining:
        raise ValidationError(
            {"amount": _("Only ¥%(remaining)s of the contract is left to pay.") % {"remaining": f"{remaining:,}"}},
            code="above_contract",
        )
    if amount > tranche.remaining():
        raise ValidationError(
            {
                "amount": _("Only ¥%(remaining)s of this tranche is left to pay.")
                % {"remaining": f"{tranche.remaining():,}"}
            },
            code="above_tranche",
        )
    payment = Payment(
        tranche=tranche, amount=amount, voucher=voucher.strip(), paid_on=paid_on or timezone.localdate(),
        recorded_by=_actor(acting_user),
    )
    payment.full_clean()
    _attribute(payment, acting_user)
    try:
        with transaction.atomic():
            payment.save()
    except IntegrityError as error:
        raise ValidationError(_("The database refused the payment: %(error)s") % {"error": error}) from error
    _record(contract, ContractChange.Action.PAID, acting_user=acting_user, note=f"{payment.voucher} · ¥{amount:,}")
    return payment


@transaction.atomic
def remind_overdue_self_assessments(today=None):
    """Nightly (beat): each self-assessment overdue (OVERDUE_DAYS after its due date) gets one reminder to the
    organization (an outbox row, idempotent). Returns how many were sent."""
    today = today or timezone.localdate()
    due = Evaluation.objects.overdue(today).filter(reminded_at__isnull=True).select_related(
        "contract__project__organization"
    )
    count = 0
    for evaluation in due.select_for_update(of=("self",)):
        contract = evaluation.contract
        notify(
            "self_assessment_overdue", key=f"contract-overdue:{evaluation.pk}:{evaluation.due_on}",
            contract=contract, evaluation=evaluation, organization=contract.project.organization,
            days=(today - evaluation.due_on).days, portal_url=_portal_url(contract),
        )
        evaluation.reminded_at = timezone.now()
        evaluation.save(update_fields=["reminded_at"])
        _record(contract, ContractChange.Action.REMINDED, acting_user=None, note=evaluation.get_kind_display())
        count += 1
    return count

