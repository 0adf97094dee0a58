"""State changes of the incubation base: filing community teams, incubation, milestones and graduation.

Organization.incubation_status, incubating_since and graduated_on (members) follow the incubation's stage here,
so that the organization pages and statistics of lower apps read them without importing this app."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communities.models import CommunityAccount
from core.notifications import notify
from core.validators import validate_credit_code
from members import services as members_services
from members.models import Organization, SupportSession

from .models import (
    LAPSE_DAYS_AFTER,
    MIN_TEAM_MEMBERS,
    NUMBER_PREFIX,
    FilingChange,
    Incubation,
    Milestone,
    StageChange,
    TeamFiling,
    add_years,
)

MILESTONE_SPACING_DAYS = 60  # the default plan: one milestone every two months from the start


def _stored(message, **params):
    """A note kept in a history row: in the site's language, whoever's request wrote it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(message) % params


def _user_or_none(user):
    return user if user is not None and user.is_authenticated else None


def _record_filing_change(filing, from_status, *, acting_user, note=""):
    FilingChange.objects.create(
        filing=filing, from_status=from_status, to_status=filing.status, changed_by=_user_or_none(acting_user),
        note=note,
    )


def _set_filing_status(filing, status, *, acting_user, note="", fields=()):
    if not filing.can_change_to(status):
        raise ValidationError(
            _("A filing that is %(from)s cannot become %(to)s.")
            % {"from": filing.get_status_display(), "to": TeamFiling.Status(status).label}
        )
    from_status = filing.status
    filing.status = status
    filing.save(update_fields=["status", *fields])
    _record_filing_change(filing, from_status, acting_user=acting_user, note=note)


@transaction.atomic
def file_team(organization, filing, *, communities, acting_user=None, new_account=None):
    """A community team applies to be filed: the team (an organization of type community team, not shown
    publicly until filed), its administrator's account and the filing, in one transaction. The neighbourhood
    committees of its service communities are asked for their first opinion. Returns the OrganizationAccount."""
    if len(filing.members) < MIN_TEAM_MEMBERS:
        raise ValidationError(_("A team needs at least %(count)d members to be filed.") % {"count": MIN_TEAM_MEMBERS})
    organization.org_type = Organization.Type.COMMUNITY_TEAM
    organization.is_public = False
    organization.credit_code = None
    account = members_services.register_organization(
        organization, acting_user=acting_user, new_account=new_account, communities=communities,
        applies=False,
    )
    filing.organization = organization
    filing.status = TeamFiling.Status.SUBMITTED
    filing.submitted_at = timezone.now()
    filing.save()
    filing.communities.set(communities)
    _record_filing_change(filing, "", acting_user=account.user)
    notify(
        "filing_submitted", filing=filing, organization=organization,
        communities=list(communities), community_url=reverse("incubation:community-filings"),
    )
    return account


@transaction.atomic
def give_community_opinion(filing, *, account, opinion, note=""):
    """The neighbourhood committee of one of the team's service communities gives its first opinion (agrees or
    not, with a note); staff then decide."""
    filing = TeamFiling.objects.select_for_update().get(pk=filing.pk)
    if not filing.communities.filter(pk=account.community_id).exists():
        raise ValidationError(_("This team does not serve your community."))
    if filing.status != TeamFiling.Status.SUBMITTED:
        raise ValidationError(_("The first opinion on this filing has already been given."))
    if opinion == TeamFiling.Opinion.DISAGREE and not note.strip():
        raise ValidationError(_("Please say why the committee disagrees: staff and the team will read it."))
    filing.community_opinion = opinion
    filing.community_note = note.strip()
    filing.community_by = account.user
    _set_filing_status(
        filing, TeamFiling.Status.COMMUNITY_REVIEWED, acting_user=account.user,
        note=f"{filing.get_community_opinion_display()} {filing.community_note}".strip(),
        fields=["community_opinion", "community_note", "community_by"],
    )
    notify(
        "filing_reviewed", filing=filing, organization=filing.organization,
        staff_url=reverse("incubation:staff-filing", args=[filing.pk]),
    )
    return filing


def next_filing_number(year):
    """CS-BA-<year>-<seq>: the year's filings numbered from 001 in the order staff approve them."""
    prefix = f"{NUMBER_PREFIX}-{year}-"
    last = TeamFiling.objects.filter(number__startswith=prefix).aggregate(last=Max("number"))["last"]
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:03d}"


def _check_decidable(filing):
    if not filing.can_be_decided:
        raise ValidationError(
            _("The neighbourhood committee gives its opinion first.") if filing.is_awaiting_community
            else _("This filing has already been decided.")
        )


@transaction.atomic
def approve_filing(filing, *, acting_user, on=None):
    """Staff file the team: it gets its filing number, is shown publicly and re-confirms on each anniversary."""
    filing = TeamFiling.objects.select_for_update().select_related("organization").get(pk=filing.pk)
    _check_decidable(filing)
    on = on or timezone.localdate()
    filing.number = next_filing_number(on.year)
    filing.filed_on = on
    filing.confirm_by = add_years(on)
    filing.decided_by = acting_user
    filing.reason = ""
    _set_filing_status(
        filing, TeamFiling.Status.APPROVED, acting_user=acting_user, note=filing.number,
        fields=["number", "filed_on", "confirm_by", "decided_by", "reason"],
    )
    organization = filing.organization
    organization.is_public = True
    organization.founded_on = organization.founded_on or on
    organization._history_user = acting_user
    organization.save(update_fields=["is_public", "founded_on", "updated_at"])
    _notify_decision(filing)
    return filing


@transaction.atomic
def reject_filing(filing, *, acting_user, reason):
    """Staff refuse the filing, with a reason the team reads."""
    filing = TeamFiling.objects.select_for_update().select_related("organization").get(pk=filing.pk)
    _check_decidable(filing)
    if not (reason or "").strip():
        raise ValidationError(_("Please give a reason: the team will read it."))
    filing.decided_by = acting_user
    filing.reason = reason.strip()
    _set_filing_status(
        filing, TeamFiling.Status.REJECTED, acting_user=acting_user, note=filing.reason,
        fields=["decided_by", "reason"],
    )
    _notify_decision(filing)
    return filing


def _notify_decision(filing):
    notify(
        "filing_decided", filing=filing, organization=filing.organization,
        portal_url=reverse("incubation:manage"),
    )


@transaction.atomic
def confirm_filing(filing, *, acting_user, today=None):
    """The team confirms it is still active: its next anniversary moves on a year."""
    filing = TeamFiling.objects.select_for_update().get(pk=filing.pk)
    if not filing.can_confirm(today):
        raise ValidationError(_("The filing can be re-confirmed from 30 days before its anniversary."))
    filing.confirm_by = add_years(filing.confirm_by)
    filing.save(update_fields=["confirm_by"])
    _record_filing_change(
        filing, filing.status, acting_user=acting_user, note=_stored(gettext_noop("Re-confirmed for the year."))
    )
    return filing


def remind_filings(today=None):
    """The nightly job: teams whose anniversary is within 30 days are asked, once, to re-confirm."""
    today = today or timezone.localdate()
    count = 0
    for filing in TeamFiling.objects.due_for_reminder(today).select_related("organization"):
        with transaction.atomic():
            notify(
                "filing_reminder", key=f"filing-reminder:{filing.pk}:{filing.confirm_by}", filing=filing,
                organization=filing.organization, portal_url=reverse("incubation:manage"),
                lapses_on=filing.confirm_by + timedelta(days=LAPSE_DAYS_AFTER),
            )
            TeamFiling.objects.filter(pk=filing.pk).update(reminded_for=filing.confirm_by)
        count += 1
    return count


@transaction.atomic
def lapse_filings(today=None):
    """The nightly job: filings not re-confirmed within 60 days of their anniversary lapse (备案失效); staff are
    told and find them on the incubation page."""
    today = today or timezone.localdate()
    lapsed = []
    for filing in TeamFiling.objects.due_to_lapse(today).select_for_update().select_related("organization"):
        filing.lapsed_on = today
        _set_filing_status(filing, TeamFiling.Status.LAPSED, acting_user=None, fields=["lapsed_on"],
                           note=_stored(gettext_noop("Not re-confirmed within 60 days of the anniversary.")))
        lapsed.append(filing)
    if lapsed:
        notify(
            "filings_lapsed", key=f"filings-lapsed:{today}", filings=lapsed,
            staff_url=reverse("incubation:staff"),
        )
    return lapsed


# Incubation


def _sync_organization(incubation, *, acting_user):
    """The organization's three incubation values follow the stage (members reads them): an application is not
    incubation yet."""
    organization = incubation.organization
    if incubation.stage == Incubation.Stage.GRADUATED:
        organization.incubation_status = Organization.Incubation.GRADUATED
        organization.graduated_on = incubation.graduated_on
    elif incubation.stage in (Incubation.Stage.WITHDRAWN, Incubation.Stage.APPLIED):
        organization.incubation_status = Organization.Incubation.NONE
    else:
        organization.incubation_status = Organization.Incubation.INCUBATING
    organization.incubating_since = incubation.started_on
    organization._history_user = acting_user
    organization.save(update_fields=["incubation_status", "incubating_since", "graduated_on", "updated_at"])


def _record_stage(incubation, from_stage, *, acting_user, reason):
    StageChange.objects.create(
        incubation=incubation, from_stage=from_stage, to_stage=incubation.stage,
        changed_by=_user_or_none(acting_user), reason=reason,
    )


@transaction.atomic
def apply_to_incubation(organization, *, note, acting_user):
    """A team or young organization applies to the base (申请) from its portal; staff admit it to a cohort."""
    if Incubation.objects.filter(organization=organization).exists():
        raise ValidationError(_("%(organization)s is already in the incubation base.") % {"organization": organization})
    if organization.incubation_status == Organization.Incubation.GRADUATED:
        raise ValidationError(_("%(organization)s has already graduated.") % {"organization": organization})
    if not (note or "").strip():
        raise ValidationError(_("Please say in a few words what the team needs from the base."))
    incubation = Incubation.objects.create(organization=organization, stage=Incubation.Stage.APPLIED)
    _record_stage(incubation, "", acting_user=acting_user, reason=note.strip())
    notify(
        "incubation_applied", incubation=incubation, organization=organization,
        staff_url=reverse("incubation:staff-admit") + f"?organization={organization.pk}",
    )
    return incubation


@transaction.atomic
def admit_to_incubation(organization, *, cohort, started_on, mentor=None, acting_user, reason=""):
    """Staff admit a team or young organization to the base (its application, when it applied) in a cohort, with a
    mentor and the default plan of milestones (one every two months from the start)."""
    incubation = Incubation.objects.select_for_update().filter(organization=organization).first()
    if incubation is not None and not incubation.is_applied:
        raise ValidationError(_("%(organization)s is already in the incubation base.") % {"organization": organization})
    if organization.incubation_status == Organization.Incubation.GRADUATED:
        raise ValidationError(_("%(organization)s has already graduated.") % {"organization": organization})
    from_stage = incubation.stage if incubation else ""
    incubation = incubation or Incubation(organization=organization)
    incubation.cohort, incubation.started_on, incubation.mentor = cohort, started_on, mentor
    incubation.stage = Incubation.Stage.ADMITTED
    incubation.save()
    Milestone.objects.bulk_create(
        Milestone(
            incubation=incubation, title=title, position=index,
            due_on=started_on + timedelta(days=MILESTONE_SPACING_DAYS * index),
        )
        for index, title in enumerate(Incubation.default_milestone_titles(), start=1)
    )
    _record_stage(
        incubation, from_stage, acting_user=acting_user,
        reason=reason or _stored(gettext_noop("Admitted to %(cohort)s."), cohort=cohort),
    )
    _sync_organization(incubation, acting_user=acting_user)
    notify(
        "incubation_admitted", incubation=incubation, organization=organization,
        portal_url=reverse("incubation:manage"),
    )
    return incubation


@transaction.atomic
def change_stage(incubation, stage, *, reason, acting_user):
    """Staff move an incubation on (孵化中, 出壳评估, 延期, 退出) with a reason kept in its history."""
    incubation = Incubation.objects.select_for_update().select_related("organization").get(pk=incubation.pk)
    if stage == Incubation.Stage.GRADUATED:
        raise ValidationError(_("Graduation needs the unified social credit code: use the graduation form."))
    if stage == Incubation.Stage.ADMITTED:
        raise ValidationError(_("Admission needs a cohort and a start date: use the admission form."))
    if not incubation.can_change_to(stage):
        raise ValidationError(
            _("An incubation at the stage %(from)s cannot move to %(to)s.")
            % {"from": incubation.get_stage_display(), "to": Incubation.Stage(stage).label}
        )
    if not (reason or "").strip():
        raise ValidationError(_("Please give a reason for the change."))
    from_stage = incubation.stage
    incubation.stage = stage
    incubation.save(update_fields=["stage"])
    _record_stage(incubation, from_stage, acting_user=acting_user, reason=reason.strip())
    _sync_organization(incubation, acting_user=acting_user)
    return incubation


@transaction.atomic
def tick_milestone(milestone, *, evidence, acting_user):
    """The organization ticks a milestone off with its evidence; the mentor is asked to confirm."""
    milestone = Milestone.objects.select_for_update().select_related("incubation__organization").get(pk=milestone.pk)
    if not milestone.can_tick:
        raise ValidationError(_("This milestone can no longer be changed."))
    if not (evidence or "").strip():
        raise ValidationError(_("Please describe the evidence: what was done, where the mentor can see it."))
    milestone.evidence = evidence.strip()
    milestone.ticked_at = timezone.now()
    milestone.ticked_by = acting_user
    milestone.save(update_fields=["evidence", "ticked_at", "ticked_by"])
    if milestone.incubation.mentor_id:
        notify(
            "milestone_ticked", milestone=milestone, organization=milestone.incubation.organization,
            mentor=milestone.incubation.mentor, mentor_url=reverse("incubation:mentoring"),
        )
    return milestone


@transaction.atomic
def confirm_milestone(milestone, *, acting_user):
    """The mentor (or staff) confirms a ticked milestone."""
    milestone = Milestone.objects.select_for_update().select_related("incubation").get(pk=milestone.pk)
    if not milestone.can_confirm:
        raise ValidationError(_("Only milestones the organization has ticked off can be confirmed."))
    milestone.confirmed_at = timezone.now()
    milestone.confirmed_by = acting_user
    milestone.save(update_fields=["confirmed_at", "confirmed_by"])
    return milestone


@transaction.atomic
def graduate_organization(incubation, *, credit_code, org_type, registered_on, registration_authority="",
                          acting_user, reason=""):
    """The organization graduates (出壳) on registering: with a valid unified social credit code, its type changes
    from community team to the registered type (the organization's history keeps the old one), and it may apply
    for membership."""
    incubation = Incubation.objects.select_for_update().select_related("organization").get(pk=incubation.pk)
    if not incubation.can_graduate:
        raise ValidationError(_("Only organizations at the graduation assessment can graduate."))
    code = (credit_code or "").strip().upper()
    validate_credit_code(code)
    if Organization.objects.filter(credit_code=code).exclude(pk=incubation.organization_id).exists():
        raise ValidationError(_("Another organization already has this unified social credit code."))
    if org_type == Organization.Type.COMMUNITY_TEAM:
        raise ValidationError(_("Choose the type the organization is registered as."))
    organization = incubation.organization
    organization.credit_code = code
    organization.org_type = org_type
    organization.founded_on = registered_on
    organization.registration_authority = registration_authority or organization.registration_authority
    organization.is_public = True
    organization._history_user = acting_user
    organization.save(update_fields=[
        "credit_code", "org_type", "founded_on", "registration_authority", "is_public", "updated_at"
    ])
    from_stage = incubation.stage
    incubation.stage = Incubation.Stage.GRADUATED
    incubation.graduated_on = timezone.localdate()
    incubation.save(update_fields=["stage", "graduated_on"])
    _record_stage(incubation, from_stage, acting_user=acting_user,
                  reason=reason.strip() or _stored(gettext_noop("Registered with the code %(code)s."), code=code))
    _sync_organization(incubation, acting_user=acting_user)
    notify(
        "incubation_graduated", incubation=incubation, organization=organization,
        portal_url=reverse("incubation:manage"),
    )
    return incubation


@transaction.atomic
def log_support_session(incubation, *, kind, on, hours, note="", acting_user):
    """Staff log a session of support to an organization in the base (the 4f log of members: 孵化 / 支持 / 咨询 /
    覆盖), which the party-building coverage counts too."""
    if on > timezone.localdate():
        raise ValidationError(_("A session cannot be logged before it took place."))
    if on < incubation.started_on - timedelta(days=365):
        raise ValidationError(_("This date is long before the organization entered the base."))
    session = SupportSession(
        organization=incubation.organization, kind=kind, on=on, hours=hours, note=note.strip(),
        logged_by=_user_or_none(acting_user),
    )
    session.full_clean()
    session.save()
    return session


def membership_note(incubation):
    """The application text a graduate starts from (prefilled, the organization may change it)."""
    filing = getattr(incubation.organization, "filing", None)
    return _(
        "We graduated from the street's incubation base (%(cohort)s) on %(graduated)s%(filing)s and are now "
        "registered with the unified social credit code %(code)s. We apply to join the federation."
    ) % {
        "cohort": incubation.cohort,
        "graduated": incubation.graduated_on,
        "filing": _(", filed as a community team under %(number)s") % {"number": filing.number}
        if filing is not None and filing.number else "",
        "code": incubation.organization.credit_code,
    }


def apply_for_membership(incubation, *, note, acting_user):
    """A graduate applies for membership (members.services)."""
    if incubation.stage != Incubation.Stage.GRADUATED:
        raise ValidationError(_("Organizations apply for membership once they have graduated."))
    return members_services.apply_for_membership(incubation.organization, acting_user=acting_user, note=note)


def community_accounts_of(communities):
    return CommunityAccount.objects.filter(community__in=communities, user__is_active=True).select_related("user")
