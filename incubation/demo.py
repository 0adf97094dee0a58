"""Demo data of the incubation base, around the load date: about 30 filed community teams across the communities
(two lapsed, three waiting for the committee or the street), the current cohort of six in incubation with
milestones at different stages and a session of support about every month (members' 4f log), three organizations
that graduated in earlier years. The team of the demo login
team@changshou.demo is incubating, mentored by elderly@changshou.demo. Safe to run twice."""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from members.demo import _user
from members.models import Community, Organization, OrganizationAccount, SupportSession

from .models import (
    LAPSE_DAYS_AFTER,
    Cohort,
    FilingChange,
    Incubation,
    Milestone,
    StageChange,
    TeamFiling,
    add_years,
)
from .services import next_filing_number

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "建国秀英桂兰玉珍凤英志强丽华淑珍海燕明华文杰雪梅春燕晓东红梅小平国庆美玲德华"
CATEGORIES = list(TeamFiling.Category)
STAGE_REASONS = {
    Incubation.Stage.ADMITTED: "入孵评审通过。",
    Incubation.Stage.INCUBATING: "导师已对接，开始孵化。",
    Incubation.Stage.EXTENDED: "首次公益活动尚未开展，延期三个月。",
    Incubation.Stage.ASSESSMENT: "六项节点已基本完成，进入出壳评估。",
}
# New teams of the demo: (name, category, state)
NEW_TEAMS = [
    ("长寿楼组议事会团队", TeamFiling.Category.CONSULTATION, "submitted"),
    ("西康邻里和谐促进团队", TeamFiling.Category.HARMONY, "submitted"),
    ("莫干山助老服务团队", TeamFiling.Category.SERVICE, "community_reviewed"),
    ("昌化广场舞团队", TeamFiling.Category.CULTURE_SPORTS, "approved"),
    ("胶州书画沙龙团队", TeamFiling.Category.CULTURE_SPORTS, "approved"),
    ("梅芳垃圾分类宣传团队", TeamFiling.Category.SERVICE, "approved"),
]


def _at(day):
    return timezone.make_aware(datetime.combine(day, time(9)))


def _names(rng, count):
    names = set()
    while len(names) < count:
        names.add(rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2]))
    return "\n".join(sorted(names))


def _filing(rng, organization, communities, *, state, filed_on, today, staff):
    """A filing that went through the steps up to `state` (idempotent: nothing when the team has one)."""
    if TeamFiling.objects.filter(organization=organization).exists():
        return TeamFiling.objects.get(organization=organization)
    leader = rng.choice(SURNAMES) + rng.choice(["阿姨", "老师", "师傅"])
    filing = TeamFiling.objects.create(
        organization=organization,
        category=rng.choice(CATEGORIES),
        member_names=_names(rng, rng.randrange(10, 25)),
        leader_name=leader,
        leader_mobile=f"139{rng.randrange(10000000, 99999999)}",
        activity_time=rng.choice(["每周二 9:00–11:00", "每周四 14:00–16:00", "每月第一个周六上午", "每周一、三晚上"]),
        activity_place=f"{communities[0].name}活动室",
        uses_model_charter=True,
        status=TeamFiling.Status.SUBMITTED,
        submitted_at=_at(filed_on - timedelta(days=21)),
    )
    filing.communities.set(communities)
    steps = [("", TeamFiling.Status.SUBMITTED, None)]
    if state != "submitted":
        filing.community_opinion = TeamFiling.Opinion.AGREE
        filing.community_note = "该团队活动正常，居民反映良好。"
        steps.append((TeamFiling.Status.SUBMITTED, TeamFiling.Status.COMMUNITY_REVIEWED, None))
    if state in ("approved", "lapsed"):
        filing.number = next_filing_number(filed_on.year)
        filing.filed_on = filed_on
        filing.decided_by = staff
        confirm_by = add_years(filed_on)
        while confirm_by < today:
            confirm_by = add_years(confirm_by)  # re-confirmed every year since
        filing.confirm_by = confirm_by
        steps.append((TeamFiling.Status.COMMUNITY_REVIEWED, TeamFiling.Status.APPROVED, staff))
    if state == "lapsed":
        filing.confirm_by = today - timedelta(days=LAPSE_DAYS_AFTER + rng.randrange(5, 90))
        filing.lapsed_on = filing.confirm_by + timedelta(days=LAPSE_DAYS_AFTER + 1)
        steps.append((TeamFiling.Status.APPROVED, TeamFiling.Status.LAPSED, None))
    filing.status = steps[-1][1]
    filing.save()
    FilingChange.objects.bulk_create(
        FilingChange(filing=filing, from_status=from_status, to_status=to_status, changed_by=by,
                     changed_at=filing.submitted_at + timedelta(days=7 * index))
        for index, (from_status, to_status, by) in enumerate(steps)
    )
    return filing


SESSION_NOTES = {
    SupportSession.Kind.INCUBATION: "入孵辅导：梳理团队章程和议事规则。",
    SupportSession.Kind.SUPPORT: "协助联系活动场地，提供物资支持。",
    SupportSession.Kind.CONSULTATION: "登记注册咨询：材料准备与流程说明。",
    SupportSession.Kind.COVERAGE: "党建工作覆盖：联系社区党组织，开展联学活动。",
}


def _support_sessions(rng, incubation, staff, today):
    """A session of support about every month since the start (the 4f log of members)."""
    if SupportSession.objects.for_organization(incubation.organization).filter(
        kind=SupportSession.Kind.INCUBATION
    ).exists():
        return
    day, sessions = incubation.started_on + timedelta(days=7), []
    while day < today:
        kind = SupportSession.Kind.INCUBATION if not sessions else rng.choice(list(SupportSession.Kind))
        sessions.append(SupportSession(
            organization=incubation.organization, kind=kind, on=day, hours=rng.choice(["1.0", "1.5", "2.0"]),
            note=SESSION_NOTES[kind], logged_by=staff,
        ))
        day += timedelta(days=rng.randrange(25, 40))
    SupportSession.objects.bulk_create(sessions)


def seed(stdout=None):
    rng = random.Random(2021)
    today = timezone.localdate()
    User = get_user_model()
    staff = User.objects.get(username="staff")
    mentor = User.objects.get(username="elderly@changshou.demo")
    communities = list(Community.objects.all())

    # Filings: every team of the members demo, and the new ones.
    teams = list(
        Organization.objects.filter(org_type=Organization.Type.COMMUNITY_TEAM).prefetch_related("communities")
        .order_by("founded_on", "pk")
    )
    lapsed = [team.pk for team in teams if team.incubation_status == Organization.Incubation.NONE][:2]
    for team in teams:
        served = list(team.communities.all()) or [rng.choice(communities)]
        _filing(rng, team, served, state="lapsed" if team.pk in lapsed else "approved",
                filed_on=team.founded_on or today - timedelta(days=400), today=today, staff=staff)
    for index, (name, category, state) in enumerate(NEW_TEAMS):
        team, created = Organization.objects.get_or_create(
            name=name,
            defaults={"org_type": Organization.Type.COMMUNITY_TEAM, "is_public": state == "approved",
                      "summary": f"{name[:-2]}，扎根社区的居民自治团队。", "contact_person": "团队负责人",
                      "founded_on": today - timedelta(days=90 - 10 * index) if state == "approved" else None},
        )
        served = [communities[(index * 3) % len(communities)]]
        if created:
            team.communities.set(served)
        filing = _filing(rng, team, served, state=state, filed_on=today - timedelta(days=90 - 10 * index),
                         today=today, staff=staff)
        if filing.category != category:
            TeamFiling.objects.filter(pk=filing.pk).update(category=category)

    # Cohorts: one a year, the current one started 200 days ago.
    current_start = today - timedelta(days=200)
    cohorts = {}
    for offset in range(5, -1, -1):
        starts = current_start.replace(year=current_start.year - offset, day=1) if offset else current_start
        cohort, _ = Cohort.objects.get_or_create(
            name=f"第{6 - offset}期（{starts.year}）", defaults={"starts_on": starts}
        )
        cohorts[offset] = cohort

    # The current cohort: the six incubating teams, at different stages: the earliest in the base furthest along.
    incubating = list(
        Organization.objects.filter(incubation_status=Organization.Incubation.INCUBATING).order_by("founded_on", "pk")
    )[:6]
    stages = [
        Incubation.Stage.ASSESSMENT, Incubation.Stage.EXTENDED, Incubation.Stage.INCUBATING,
        Incubation.Stage.INCUBATING, Incubation.Stage.INCUBATING, Incubation.Stage.ADMITTED,
    ]
    for index, (organization, stage) in enumerate(zip(incubating, stages, strict=False)):
        if Incubation.objects.filter(organization=organization).exists():
            continue
        started = max(current_start, organization.founded_on or current_start)
        incubation = Incubation.objects.create(
            organization=organization, cohort=cohorts[0], started_on=started,
            mentor=mentor if index % 2 else staff, stage=stage,
        )
        path = [Incubation.Stage.ADMITTED, Incubation.Stage.INCUBATING]
        if stage == Incubation.Stage.EXTENDED:
            path.append(Incubation.Stage.EXTENDED)
        if stage == Incubation.Stage.ASSESSMENT:
            path.append(Incubation.Stage.ASSESSMENT)
        path = path[: path.index(stage) + 1]
        now = timezone.now()
        StageChange.objects.bulk_create(
            StageChange(incubation=incubation, from_stage=path[i - 1] if i else "", to_stage=to, changed_by=staff,
                        changed_at=min(_at(started + timedelta(days=45 * i)), now - timedelta(days=len(path) - i)),
                        reason=STAGE_REASONS[to])
            for i, to in enumerate(path)
        )
        confirmed = len(stages) - 1 - index  # the earlier in the base, the further along
        milestones = []
        for position, title in enumerate(Incubation.default_milestone_titles(), start=1):
            done = position <= confirmed
            ticked = position == confirmed + 1 and stage != Incubation.Stage.ADMITTED
            due = started + timedelta(days=60 * position)
            milestones.append(Milestone(
                incubation=incubation, title=title, position=position, due_on=due,
                evidence="材料已上传至联合会共享文件夹。" if done or ticked else "",
                ticked_at=timezone.now() - timedelta(days=10) if done or ticked else None,
                confirmed_at=timezone.now() - timedelta(days=5) if done else None,
                confirmed_by=incubation.mentor if done else None,
            ))
        Milestone.objects.bulk_create(milestones)
        Organization.objects.filter(pk=organization.pk).update(incubating_since=started)
        _support_sessions(rng, incubation, staff, today)

    # A filed team has applied for the next cohort (申请).
    applicant = Organization.objects.get(name="胶州书画沙龙团队")
    if not Incubation.objects.filter(organization=applicant).exists():
        application = Incubation.objects.create(organization=applicant, stage=Incubation.Stage.APPLIED)
        StageChange.objects.create(
            incubation=application, to_stage=Incubation.Stage.APPLIED, changed_by=None,
            reason="希望在财务制度和项目书方面得到辅导，为登记注册做准备。",
        )

    # The demo login of an incubating team (the fourth: mentored by elderly@changshou.demo, milestones to tick off).
    if len(incubating) > 3:
        user = _user(User, "team@changshou.demo", "团队负责人 何阿姨", "team@changshou.demo")
        OrganizationAccount.objects.get_or_create(
            user=user, defaults={"organization": incubating[3], "role": OrganizationAccount.Role.ADMIN}
        )

    # Three organizations that graduated in earlier cohorts (members.demo marks them graduated).
    graduates = Organization.objects.filter(incubation_status=Organization.Incubation.GRADUATED).order_by("pk")
    for organization in graduates:
        if Incubation.objects.filter(organization=organization).exists():
            continue
        graduated_on = organization.graduated_on or organization.founded_on
        started = organization.incubating_since or graduated_on - timedelta(days=365)
        cohort = min(cohorts.values(), key=lambda c: abs((c.starts_on - started).days))
        incubation = Incubation.objects.create(
            organization=organization, cohort=cohort, started_on=started, mentor=staff,
            stage=Incubation.Stage.GRADUATED, graduated_on=graduated_on,
        )
        StageChange.objects.create(
            incubation=incubation, from_stage=Incubation.Stage.ASSESSMENT, to_stage=Incubation.Stage.GRADUATED,
            changed_by=staff, reason="完成民政登记，顺利出壳。",
            changed_at=_at(graduated_on),
        )
        Milestone.objects.bulk_create(
            Milestone(incubation=incubation, title=title, position=position,
                      due_on=started + timedelta(days=60 * position), evidence="已完成。",
                      ticked_at=incubation.changes.get().changed_at, confirmed_at=incubation.changes.get().changed_at,
                      confirmed_by=staff)
            for position, title in enumerate(Incubation.default_milestone_titles(), start=1)
        )

    if stdout:
        stdout.write(
            f"incubation: {TeamFiling.objects.count()} team filings ({TeamFiling.objects.filed().count()} filed, "
            f"{TeamFiling.objects.lapsed().count()} lapsed), {Incubation.objects.active().count()} in the base, "
            f"{Incubation.objects.graduated().count()} graduated, "
            f"{SupportSession.objects.filter(organization__incubation__isnull=False).count()} sessions of support"
        )
