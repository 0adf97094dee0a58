"""Demo data of the evaluation: the default schemes; a finished cycle on the grade scheme (results published for
five organizations, one not assessed for a missed annual inspection); an open cycle (one dossier submitted and
waiting for the assessor, one half filled in, the food bank's still to fill in); the assessors `assessor` and
`assessor2`; an open call requiring 3A, to which the elderly centre (2A) has a draft it cannot submit; the
party-building ledger, the 4f service log and 3h/5m tags.

Runs after members, projects and events. Built around the load date; safe to run twice (looked up by name).
"""

import random
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.party_building import FiveM, ThreeH
from events.models import Event
from members.demo import _user
from members.models import Grade, Organization, SupportSession
from projects.models import Call, Project

from . import services
from .models import Cycle, Dossier, EligibilityCriterion, PartyOrganizationRecord, add_years
from .schemes import install_default_schemes

FINISHED_CYCLE = "上一年度社会组织等级评估"
OPEN_CYCLE = "本年度社会组织等级评估"
GRADED_CALL = "社区治理品牌项目培育计划（要求3A及以上）"
ELDERLY = "长寿敬老志愿者服务中心"
FOOD_BANK = "长寿社区食品银行服务社"

# organization, total the assessor gives (out of 1000), or the reason it is not assessed
FINISHED = [
    ("长寿路街道民间组织服务中心", 962),
    (FOOD_BANK, 915),
    ("觉群儿童教育服务中心", 872),
    ("鸟巢就业创业服务社", 858),
    (ELDERLY, 821),
    ("长寿市容环境志愿服务社", "未按规定参加年度检查（年报）"),
]
OPEN = [FOOD_BANK, "和谐长寿社区服务中心", "长寿慈善超市"]


def _aware(day, at=time(9, 0)):
    return timezone.make_aware(datetime.combine(day, at))


def _spread(dossier, total):
    """Scores of every leaf adding up to `total`: each leaf its share, the rounding left on the largest leaf."""
    entries = sorted(dossier.entries.select_related("indicator"), key=lambda e: -e.indicator.max_points)
    full = sum(e.indicator.max_points for e in entries)
    values = {e.pk: (e.indicator.max_points * Decimal(total) / full).quantize(Decimal("1"), ROUND_HALF_UP)
              for e in entries}
    values[entries[0].pk] += Decimal(total) - sum(values.values())
    return [(e, min(values[e.pk], e.indicator.max_points)) for e in entries]


def _assess(dossier, total, assessor):
    """The organization's self-scores (a little above), its submission, the assessor's scores and finish."""
    self_scores = _spread(dossier, min(total + 25, 1000))
    services.save_self_assessment(
        dossier, [(e, {"self_score": s, "evidence_text": "见年度工作报告及活动台账。"}) for e, s in self_scores],
        acting_user=None,
    )
    services.submit_self_assessment(dossier, acting_user=None)
    scores = [(e, s, "" if s == e.indicator.max_points else "佐证材料不够完整，酌情扣分。")
              for e, s in _spread(dossier, total)]
    services.record_assessment(dossier, scores, acting_user=assessor, finish=True)


def _finished_cycle(scheme, staff, assessors, organizations, today):
    if Cycle.objects.filter(name=FINISHED_CYCLE).exists():
        return
    period_end = today.replace(month=1, day=1) - timedelta(days=1)
    period_start = period_end.replace(month=1, day=1)
    opened = today - timedelta(days=150)
    cycle = services.open_cycle(
        scheme, name=FINISHED_CYCLE, period_start=period_start, period_end=period_end,
        deadline=_aware(opened + timedelta(days=30), time(17)), organizations=[organizations[n] for n, _ in FINISHED],
        acting_user=staff,
    )
    Cycle.objects.filter(pk=cycle.pk).update(deadline=timezone.now() + timedelta(days=1))  # open while filled in
    cycle.refresh_from_db()
    for index, (name, outcome) in enumerate(FINISHED):
        dossier = Dossier.objects.get(cycle=cycle, organization=organizations[name])
        if isinstance(outcome, str):
            criterion = EligibilityCriterion.objects.get(scheme=scheme, text=outcome)
            services.exclude_dossier(dossier, criterion=criterion, note="年检材料逾期未报送。", acting_user=staff)
            continue
        services.assign_assessor(dossier, assessors[index % 2], acting_user=staff)
        _assess(dossier, outcome, assessors[index % 2])
    services.publish_cycle(cycle, acting_user=staff)
    # As if published 90 days ago: its dates and the grades' validity follow.
    published = today - timedelta(days=90)
    valid_until = add_years(published, scheme.validity_years)
    Cycle.objects.filter(pk=cycle.pk).update(
        deadline=_aware(opened + timedelta(days=30), time(17)), published_at=_aware(published, time(10)),
        created_at=_aware(opened),
    )
    cycle.dossiers.filter(not_assessed_because__isnull=True).update(valid_until=valid_until)
    Organization.objects.filter(evaluation_dossiers__cycle=cycle, grade__gt=0).update(grade_valid_until=valid_until)


def _open_cycle(scheme, staff, assessors, organizations, today):
    if Cycle.objects.filter(name=OPEN_CYCLE).exists():
        return
    period_start = today.replace(month=1, day=1)
    cycle = services.open_cycle(
        scheme, name=OPEN_CYCLE, period_start=period_start, period_end=period_start.replace(month=12, day=31),
        deadline=_aware(today + timedelta(days=30), time(17)), organizations=[organizations[n] for n in OPEN],
        acting_user=staff,
    )
    food_bank, harmony, charity = (Dossier.objects.get(cycle=cycle, organization=organizations[n]) for n in OPEN)
    for dossier in (food_bank, harmony):
        services.assign_assessor(dossier, assessors[0], acting_user=staff)
    services.assign_assessor(charity, assessors[1], acting_user=staff)
    self_scores = _spread(harmony, 905)
    services.save_self_assessment(
        harmony, [(e, {"self_score": s, "evidence_text": "详见活动台账与年度报告。"}) for e, s in self_scores],
        acting_user=None,
    )
    services.submit_self_assessment(harmony, acting_user=None)
    half = _spread(charity, 880)[::2]  # every other leaf: the rest shows as missing
    services.save_self_assessment(charity, [(e, {"self_score": s}) for e, s in half], acting_user=None)


def _graded_call(organizations, today):
    call, _ = Call.objects.get_or_create(
        title=GRADED_CALL,
        defaults={
            "description": "面向等级评估3A及以上的会员单位，培育社区治理品牌项目。",
            "opens_at": _aware(today - timedelta(days=10)),
            "closes_at": _aware(today + timedelta(days=40), time(17)),
            "budget": Decimal(300000),
            "minimum_grade": Grade.A3,
            "state": Call.State.OPEN,
        },
    )
    Project.objects.get_or_create(
        title="银龄互助品牌培育",
        defaults={
            "organization": organizations[ELDERLY], "call": call, "summary": "低龄老人结对帮扶高龄独居老人。",
            "description": "以楼组为单位组织低龄老人结对帮扶，形成可复制的互助模式。", "budget": Decimal(80000),
        },
    )


FORMS = [
    PartyOrganizationRecord.Form.SINGLE, PartyOrganizationRecord.Form.JOINT, PartyOrganizationRecord.Form.JOINT,
    PartyOrganizationRecord.Form.FUNCTIONAL, PartyOrganizationRecord.Form.INSTRUCTOR,
    PartyOrganizationRecord.Form.UNCOVERED,
]


def _party_building(staff, today, rng):
    if PartyOrganizationRecord.objects.exists():
        return
    members = list(Organization.objects.members().order_by("name"))
    records = []
    for index, organization in enumerate(members):
        if index % 7 == 6:
            continue  # no record yet: shows among the organizations not covered
        form = FORMS[index % len(FORMS)]
        since = today - timedelta(days=rng.randrange(60, 900))
        if index % 11 == 3:  # covered only lately: the coverage grows over the months shown
            since = today - timedelta(days=rng.randrange(10, 200))
        records.append(PartyOrganizationRecord(
            organization=organization, form=form, on=since,
            party_members=0 if form == PartyOrganizationRecord.Form.UNCOVERED else rng.randrange(1, 12),
            in_charter=form in (PartyOrganizationRecord.Form.SINGLE, PartyOrganizationRecord.Form.JOINT),
            recorded_by=staff,
        ))
    PartyOrganizationRecord.objects.bulk_create(records)
    notes = {
        SupportSession.Kind.INCUBATION: "孵化基地入驻辅导",
        SupportSession.Kind.SUPPORT: "党建活动场地与经费支持",
        SupportSession.Kind.CONSULTATION: "章程修订与党建入章咨询",
        SupportSession.Kind.COVERAGE: "选派党建指导员联系",
    }
    sessions = []
    for _ in range(60):
        kind = rng.choice(list(notes))
        sessions.append(SupportSession(
            organization=rng.choice(members), kind=kind, on=today - timedelta(days=rng.randrange(0, 365)),
            hours=Decimal(rng.choice([1, 1.5, 2, 3])), note=notes[kind], logged_by=staff,
        ))
    SupportSession.objects.bulk_create(sessions)
    # 3h / 5m tags where they apply: party-building activities and trainings, and some projects.
    events = list(Event.objects.filter(kind__in=[Event.Kind.PARTY_BUILDING, Event.Kind.TRAINING]).order_by("pk"))
    for index, event in enumerate(events):
        event.party_building_3h = ThreeH.values[index % 3]
        event.party_building_5m = FiveM.values[index % 5] if index % 2 == 0 else ""
    Event.objects.bulk_update(events, ["party_building_3h", "party_building_5m"])
    projects = list(Project.objects.filter(is_brand=True).order_by("pk"))
    for index, project in enumerate(projects):
        project.party_building_3h = ThreeH.PROMOTION if index % 2 == 0 else ThreeH.EVALUATION
    Project.objects.bulk_update(projects, ["party_building_3h"])


def seed(stdout=None):
    rng = random.Random(2019)
    User = get_user_model()
    today = timezone.localdate()
    staff = User.objects.get(username="staff")
    assessors = [
        _user(User, "assessor", "评估专家 吴老师", "assessor@changshou.demo"),
        _user(User, "assessor2", "评估专家 冯老师", "assessor2@changshou.demo"),
    ]
    grade_scheme, _ = install_default_schemes()
    organizations = {o.name: o for o in Organization.objects.filter(name__in=[n for n, _ in FINISHED] + OPEN)}
    _finished_cycle(grade_scheme, staff, assessors, organizations, today)
    _open_cycle(grade_scheme, staff, assessors, organizations, today)
    _graded_call(organizations, today)
    _party_building(staff, today, rng)
    if stdout:
        stdout.write(
            f"evaluation: {Cycle.objects.count()} cycles, "
            f"{Organization.objects.filter(grade__gt=0).count()} organizations graded, "
            f"{PartyOrganizationRecord.objects.count()} party-building records"
        )
