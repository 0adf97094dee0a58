"""Demo data of the communities app, built around the day it is loaded (the same on any day):

- one community had no activity last month (a gap in the staff's coverage table);
- 长寿居委会 (CS01) has two activities of last week to confirm (or dispute), whatever the day;
- every demo community's neighbourhood committee has an account, `<code>-jwh` (e.g. cs01-jwh) with the demo
  password, as its administrator; 长寿居委会 (CS01) has a member besides, `cs01-jwh-member`;
- the committees' word on the activities held in their community: those that ended more than a week ago are
  confirmed (most by the committee, the rest by themselves), those of the last week wait for the committee (待确认),
  and each community has one disputed activity from before last month waiting for staff;
- needs the committees posted themselves, with the organizations' responses: open ones, one proposal waiting for
  staff, one matched; 长寿居委会's open need has responses and no proposal yet (the committee proposes one);
- the committees' quarterly ratings of the organizations that held activities in their community, last quarter and
  the one before (a few organizations are left unrated).

Safe to run twice: accounts are updated, the rest is added once.
"""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from events.compliance import shift_month, this_month
from events.models import DUTY_TIME_ZONE, Event, EventReport, Registration, month_bounds
from members.demo import _user
from members.models import Community, Organization
from projects import services as projects_services
from projects.models import CommunityNeed, NeedResponse

from .models import (
    ActivityConfirmation,
    CommunityAccount,
    QuarterlyRating,
    activities_held_in,
    organizations_to_rate,
    quarter_of,
    shift_quarter,
)

DISPUTE_REASONS = [
    "活动当天居委会活动室没有开门，居民在门口等了半小时也没有人来。",
    "报告里写了30位居民参加，实际到场的只有五六位，照片也不是在我们社区拍的。",
    "活动时间临时改了，没有通知居委会和居民，很多报了名的老人白跑一趟。",
]

# (community code, title, service field, description, what happens: "open" / "responses" / "proposed" / "matched")
NEEDS = [
    ("CS01", "楼道老人助餐配送志愿者", "elderly",
     "长寿居委会有20多位行动不便的高龄老人需要每天中午送餐上门，希望有机构组织志愿者固定排班。", "responses"),
    ("CS01", "小区加装电梯议事协调", "governance",
     "三个楼组正在讨论加装电梯，希望有专业社会组织协助召开议事会、梳理居民意见。", "open"),
    ("CS02", "暑期儿童托管与安全教育", "children_youth",
     "暑假期间双职工家庭的孩子较多，希望在居委会活动室开设托管班，并开展防溺水等安全教育。", "proposed"),
    ("CS04", "独居老人智能手机教学", "elderly",
     "不少独居老人不会用手机挂号、视频通话，希望有志愿者每周来教一次。", "matched"),
    ("CS07", "垃圾分类定时定点督导", "environment",
     "小区早晚投放高峰需要督导志愿者，帮助居民正确分类。", "responses"),
    ("CS12", "残障居民家门口康复训练", "disability",
     "辖区有十几位残障居民需要康复训练指导，希望有机构定期上门。", "open"),
]
REPLIES = [
    "我们有固定的志愿者队伍，可以每周安排两次，先从最需要的楼组开始。",
    "我们做过类似项目，可以派社工对接，下周就能来居委会商量具体安排。",
    "可以提供专业老师和物资，需要居委会协助招募居民。",
]
COMMENTS = {
    5: ["活动准备充分，居民反响很好，希望继续合作。", "志愿者很负责，每次都提前和居委会沟通。"],
    4: ["总体不错，希望活动通知再提前一些。", ""],
    3: ["活动内容可以再贴近居民需求。", ""],
    2: ["本季度活动次数少，和居委会沟通不够。"],
}


def seed(stdout=None):
    User = get_user_model()
    rng = random.Random(18)
    now = timezone.now()
    communities = list(Community.objects.order_by("code"))
    accounts = {}
    for community in communities:
        username = f"{community.code.lower()}-jwh"
        user = _user(User, username, f"{community.name}", f"{username}@changshou.demo")
        accounts[community.code], _ = CommunityAccount.objects.update_or_create(
            user=user, defaults={"community": community, "role": CommunityAccount.Role.ADMIN}
        )
    if communities:
        first = communities[0]
        member = _user(User, f"{first.code.lower()}-jwh-member", f"{first.name}社工", "cs01-member@changshou.demo")
        CommunityAccount.objects.update_or_create(
            user=member, defaults={"community": first, "role": CommunityAccount.Role.MEMBER}
        )
    if not ActivityConfirmation.objects.exists():
        _gap_last_month(communities, now)
        _last_week_in_the_first(communities, now)
        _confirmations(communities, accounts, rng, now)
    _needs(accounts, rng)
    if not QuarterlyRating.objects.exists():
        _ratings(communities, accounts, rng, now)
    if stdout:
        stdout.write(
            f"communities: {len(communities)} neighbourhood committee accounts (e.g. cs01-jwh), "
            f"{ActivityConfirmation.objects.filter(state='confirmed').count()} activities confirmed, "
            f"{ActivityConfirmation.objects.disputes().count()} disputed, "
            f"{CommunityNeed.objects.filter(poster=CommunityNeed.Poster.COMMITTEE).count()} needs posted by "
            f"committees, {QuarterlyRating.objects.count()} quarterly ratings"
        )


def _gap_last_month(communities, now):
    """One community had no activity last month (the staff's coverage table shows the gap): the one with the
    fewest, whose activities of that month move to the community after it (same organizers, same duty)."""
    if len(communities) < 2:
        return None
    month = shift_month(this_month(now), -1)
    start, end = month_bounds(month.year, month.month)
    held = activities_held_in(None, now=now).filter(starts_at__gte=start, starts_at__lt=end)
    counts = dict(held.values("community").annotate(n=Count("pk")).values_list("community", "n"))
    gap = min(reversed(communities), key=lambda community: counts.get(community.pk, 0))
    elsewhere = communities[(communities.index(gap) + 1) % len(communities)]
    short, other = gap.name.removesuffix("居委会"), elsewhere.name.removesuffix("居委会")
    for event in held.filter(community=gap):
        event.community = elsewhere
        event.title = event.title.replace(short, other, 1)
        event.place = event.place.replace(gap.name, elsewhere.name, 1)
        event.save(update_fields=["community", "title", "place"])
    return gap


# (days ago, hour, title, description): held in the first community last week, waiting for its committee.
LAST_WEEK = [
    (5, 14, "长寿楼组议事会：加装电梯意见征询", "社工和楼组长一起听取居民对加装电梯的意见，整理分歧。"),
    (3, 9, "长寿楼道垃圾分类宣传", "志愿者逐楼道宣传垃圾分类，现场指导居民正确投放。"),
]


def _last_week_in_the_first(communities, now):
    """The first community's committee (cs01-jwh) always has last week's activities to confirm or dispute: two
    completed activities of members serving it, with reports and people checked in."""
    if not communities:
        return
    community = communities[0]
    organizers = list(
        Organization.objects.members().filter(communities=community).exclude(name="长寿社区食品银行服务社")
        .order_by("name")[:2]
    ) or list(Organization.objects.members().order_by("name")[:2])
    staff = get_user_model().objects.filter(username="staff").first()
    today = timezone.localdate(now)
    for (days, hour, title, description), organization in zip(LAST_WEEK, organizers, strict=False):
        starts = datetime.combine(today - timedelta(days=days), time(hour), tzinfo=DUTY_TIME_ZONE)
        event = Event.objects.create(
            organization=organization, kind=Event.Kind.COMMUNITY_ACTIVITY, title=title, description=description,
            starts_at=starts, ends_at=starts + timedelta(hours=2), place=f"{community.name}活动室",
            community=community, capacity=30, state=Event.State.COMPLETED, created_by=staff,
            published_at=starts - timedelta(days=10),
        )
        for index in range(6):
            Registration.objects.create(
                event=event, name=f"居民{index + 1}", mobile=f"1390000{days}{index:03d}", consent=True,
                status=Registration.Status.ATTENDED, check_in_code=f"{days}{index:05d}", checked_in_at=starts,
            )
        EventReport.objects.create(
            event=event, attendance=6, volunteers=3, beneficiaries_served=6, checked_in=6, filed_by=staff,
            summary="活动按计划进行，居民参与积极。", filed_at=starts + timedelta(hours=3),
        )


def _confirmations(communities, accounts, rng, now):
    """Activities ended over a week ago: confirmed; the last week's: waiting; one dispute per community."""
    deadline = now - timedelta(days=7)
    older = activities_held_in(None, now=deadline).order_by("starts_at", "pk").select_related("community")
    rows = []
    for event in older:
        user = accounts[event.community.code].user if event.community.code in accounts else None
        if user is not None and rng.random() < 0.75:
            rows.append(ActivityConfirmation(
                event=event, state=ActivityConfirmation.State.CONFIRMED, confirmed_by=user,
                confirmed_at=event.ends_at + timedelta(hours=rng.randrange(2, 72)),
            ))
        else:
            rows.append(ActivityConfirmation(
                event=event, state=ActivityConfirmation.State.CONFIRMED, confirmed_at=event.ends_at + timedelta(days=7),
            ))
    by_event = {row.event_id: row for row in rows}
    # One open dispute per community: its last activity before last month (every member holds one activity a month
    # in the demo, so the dispute puts its organization below the duty for that month until staff decide; last
    # month's duty page stays as the events demo made it).
    last_month_starts, _ = month_bounds(*_year_month(shift_month(this_month(now), -1)))
    for index, community in enumerate(communities):
        event = older.filter(community=community, starts_at__lt=last_month_starts).order_by("-starts_at")[:1]
        event = event[0] if event else None
        if event is not None and event.pk in by_event:
            row = by_event[event.pk]
            row.state = ActivityConfirmation.State.DISPUTED
            row.confirmed_by = accounts[community.code].user
            row.confirmed_at = event.ends_at + timedelta(days=1)
            row.reason = DISPUTE_REASONS[index % len(DISPUTE_REASONS)]
    for row in rows:
        row.counts_for_duty = row.state not in ActivityConfirmation.NOT_COUNTING
    ActivityConfirmation.objects.bulk_create(rows, ignore_conflicts=True)


def _year_month(month):
    return month.year, month.month


def _needs(accounts, rng):
    staff = get_user_model().objects.filter(username="staff").first()
    for code, title, field, description, fate in NEEDS:
        account = accounts.get(code)
        if account is None or CommunityNeed.objects.filter(title=title).exists():
            continue
        need = projects_services.post_need(
            account.community, acting_user=account.user, title=title, description=description, service_field=field,
            poster=CommunityNeed.Poster.COMMITTEE,
        )
        if fate == "open":
            continue
        serving = list(
            Organization.objects.members().filter(Q(communities=account.community) | Q(service_fields__code=field))
            .distinct().order_by("name")[:3]
        )
        responses = [
            NeedResponse.objects.create(need=need, organization=organization, message=REPLIES[index % len(REPLIES)])
            for index, organization in enumerate(serving)
        ]
        if fate in ("proposed", "matched") and responses:
            proposal = projects_services.propose_need_response(responses[0], acting_user=account.user)
            if fate == "matched":
                projects_services.accept_need_response(proposal, acting_user=staff)


def _ratings(communities, accounts, rng, now):
    """Last quarter's and the one before: most organizations rated by each committee, mostly well."""
    rows = []
    current = quarter_of(now)
    for quarter in (shift_quarter(current, -1), shift_quarter(current, -2)):
        for community in communities:
            account = accounts[community.code]
            for organization in organizations_to_rate(community, quarter, now=now):
                if rng.random() < 0.15:
                    continue  # a few the committee has not rated
                score = rng.choice([5, 5, 4, 4, 4, 3, 2])
                rows.append(QuarterlyRating(
                    community=community, organization=organization, quarter=quarter, score=score,
                    comment=rng.choice(COMMENTS[score]), rated_by=account.user,
                    rated_at=min(_end_of(quarter) + timedelta(days=rng.randrange(1, 20)), now),
                ))
    QuarterlyRating.objects.bulk_create(rows, ignore_conflicts=True)


def _end_of(quarter):
    following = shift_quarter(quarter, 1)
    return datetime.combine(following, time(9), tzinfo=DUTY_TIME_ZONE) - timedelta(days=1)

