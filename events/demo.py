"""Demo data for the events app: a year of the federation's activities around today.

Every member organization holds its monthly community public-benefit activity (每月不少于一次),
except a few that missed recent months; the federation's own events from the news report
(the orienteering event 跟随革命先辈的足迹庆祝祖国生日, partner day, matching and promotion
meetings, trainings, party-building activities); sign-ups, check-ins, reports (most activities proven by
check-ins, some by report photos only, a few by neither) and residents' ratings. Deterministic, and safe to run
twice: once the marker event exists nothing is added.
"""

import io
import random
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from members.models import Community, Organization
from projects.models import Project

from .compliance import shift_month, this_month
from .models import DUTY_TIME_ZONE, Event, EventChange, EventReport, Feedback, Registration, ReportPhoto

MARKER_TITLE = "跟随革命先辈的足迹庆祝祖国生日 · 长寿社会组织定向赛"
MISSING_DUTY = 6  # members that missed recent months, so the compliance page has something to show

ACTIVITIES = [
    ("为高龄老人义务理发", "为社区高龄、独居老人上门或集中义务理发，志愿者同时陪老人聊聊天。"),
    ("共享冰箱食品分发", "“长寿社区食品银行·共享冰箱”定点发放临期食品，困难家庭凭卡领取。"),
    ("垃圾分类宣传进楼道", "志愿者在小区楼道、垃圾箱房开展垃圾分类宣传和现场指导。"),
    ("四点半课堂", "放学后为双职工家庭的孩子提供作业辅导和兴趣活动。"),
    ("邻里议事会", "居民、物业和社会组织一起商量小区停车、加装电梯等身边事。"),
    ("健康义诊", "社区医生和志愿者为居民量血压、测血糖，讲解慢病防治知识。"),
    ("法律咨询进社区", "律师志愿者现场解答婚姻家庭、房屋租赁、劳动纠纷等问题。"),
    ("亲子阅读会", "绘本共读、亲子手工，培养孩子的阅读习惯。"),
    ("书画进社区", "书画爱好者现场写春联、画扇面，和居民交流切磋。"),
    ("沪剧专场演出", "社区沪剧团队为居民送上经典沪剧选段。"),
    ("助残康复活动", "为残障居民提供康复训练指导和心理关爱。"),
    ("就业援助咨询", "“鸟巢”团队提供求职简历指导、岗位推荐和创业咨询。"),
]
PLACES = ["居委会活动室", "社区睦邻点", "社区文化活动中心", "小区中心花园", "长寿路街道社区服务中心"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = ["建国", "秀英", "玉兰", "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
         "涛", "明", "超", "霞", "平", "刚", "桂英", "文", "华", "红", "志强", "海燕", "晓东", "佳怡"]

# What residents wrote when they rated an event, by rating.
COMMENTS = {
    5: ["志愿者很耐心，下次还来！", "老师讲得很清楚，谢谢组织者。", "活动安排得很好，老人们都很开心。"],
    4: ["总体不错，希望多办几次。", "内容实用，就是时间短了点。"],
    3: ["还可以，场地有点挤。", "排队时间有点长。"],
    2: ["通知太晚了，很多邻居不知道。", "现场有点乱，希望改进签到。"],
    1: ["活动推迟了也没有提前通知。"],
}

# The federation's own events (organizer empty): (days from today, kind, title, hours, capacity, description)
FEDERATION_EVENTS = [
    (-300, "training", "社会组织财务管理专项培训", 3, 60,
     "邀请注册会计师讲解社会组织财务制度、票据管理和年检要求。"),
    (-260, "matching_meeting", "社区治理项目对接会（第一轮）", 3, 120,
     "会员单位向各居委会介绍服务项目，居委会现场提出需求、洽谈合作。"),
    (-220, "party_building", "陈云纪念馆参观学习", 4, 40,
     "联合会党总支组织党员参观陈云纪念馆，开展“记住红色道路”主题党日。"),
    (-190, "promotion_meeting", "优秀公益项目推介会", 3, 150,
     "品牌项目和优秀项目负责人面向社区、企业和基金会推介项目。"),
    (-150, "partner_day", "长寿公益合作伙伴日", 5, 300,
     "会员单位集中设摊展示，居民现场体验服务、报名志愿者，企业认领公益项目。"),
    (-120, "training", "公益项目设计与评估专项培训", 3, 80,
     "围绕“公益性强、可操作性好、覆盖面广”讲解项目书写作与成效评估。"),
    (-90, "party_building", "“两学一做”交流大会", 3, 100,
     "会员单位党员分享“读者”心得，交流党建带动社会组织发展的做法。"),
    (-45, "matching_meeting", "社区治理项目对接会（第二轮）", 3, 120,
     "第二轮项目对接：居委会与会员单位签订服务意向。"),
    (-20, "training", "社会组织规范化建设专项培训", 3, 60,
     "章程、理事会运作与信息公开，迎接等级评估。"),
    (12, "training", "志愿者管理专项培训", 3, 50,
     "志愿者招募、培训、激励与保险，适合各会员单位的志愿者负责人。"),
    (26, "partner_day", "长寿公益合作伙伴日 · 年终公益集市", 5, 300,
     "会员单位集中展示，居民现场报名参加助老、济困活动。"),
    (40, "promotion_meeting", "品牌项目推介会：共享冰箱与儿童觉群民族学校", 2, 80,
     "两个品牌项目的经验分享和复制推广洽谈。"),
    (55, "party_building", "党建沙龙：社会组织中的党员先锋", 2, 30,
     "党员骨干交流“红星理货员”等岗位的经验。"),
]


def _aware(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=DUTY_TIME_ZONE)


def _photo(text, color):
    image = Image.new("RGB", (800, 500), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle([40, 40, 760, 460], outline=(255, 255, 255), width=6)
    draw.text((80, 230), text, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name="demo.jpg")


class _Builder:
    def __init__(self, rng, now):
        self.rng = rng
        self.now = now
        self.events = []  # (Event, plan) — plan says what to add once saved
        self.mobiles = set()

    def add(self, event, *, report=False, signups=0, fill=None, photo=False):
        self.events.append((event, {"report": report, "signups": signups, "fill": fill, "photo": photo}))

    def person(self):
        rng = self.rng
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        mobile = f"1{rng.choice('3589')}{rng.randrange(0, 10)}{rng.randrange(10_000_000, 100_000_000)}"
        return name, mobile

    def save(self):
        Event.objects.bulk_create([event for event, _plan in self.events])
        registrations, reports, changes = [], [], []
        for event, plan in self.events:
            changes.append(EventChange(event=event, action=EventChange.Action.CREATED, changed_at=event.created_at))
            if event.state != Event.State.DRAFT:
                changes.append(EventChange(event=event, action=EventChange.Action.PUBLISHED,
                                           changed_at=event.published_at))
            signed_up = self._registrations(event, plan)
            registrations.extend(signed_up)
            if plan["report"]:
                attended = sum(1 for r in signed_up if r.status == "attended")
                attendance, note = self._attendance(attended)
                reports.append(EventReport(
                    event=event,
                    attendance=attendance,
                    checked_in=attended,
                    attendance_note=note,
                    volunteers=self.rng.randrange(2, 12),
                    beneficiaries_served=self.rng.randrange(10, 80),
                    summary=f"{event.title}顺利举行。{event.description}居民反响良好，下次继续开展。",
                    filed_at=event.ends_at + timedelta(days=1),
                ))
                changes.append(EventChange(event=event, action=EventChange.Action.COMPLETED,
                                           changed_at=event.ends_at + timedelta(days=1)))
            if event.state == Event.State.CANCELLED:
                changes.append(EventChange(event=event, action=EventChange.Action.CANCELLED,
                                           changed_at=event.starts_at - timedelta(days=2), note=event.cancel_reason))
        Registration.objects.bulk_create(registrations, batch_size=500)
        EventReport.objects.bulk_create(reports, batch_size=500)
        EventChange.objects.bulk_create(changes, batch_size=500)
        Feedback.objects.bulk_create(self._feedback(registrations), batch_size=500)
        return len(registrations)

    def _attendance(self, attended):
        """The attendance an organizer reports, and why it differs from the check-ins when it does: mostly the
        check-ins; now and then more people, some of whom only signed the paper sheet."""
        if not attended:
            return self.rng.randrange(8, 40), "本次活动未使用扫码签到，参加人数以纸质签到表为准。"
        if self.rng.random() < 0.2:
            extra = self.rng.randrange(2, 8)
            return attended + extra, f"另有{extra}位居民临时到场，只在纸质签到表上签了名。"
        return attended, ""

    def _feedback(self, registrations):
        """Some of those checked in at past events rated them, mostly well; a few left a comment."""
        rows = []
        for registration in registrations:
            event = registration.event
            if registration.status != "attended" or event.ends_at >= self.now or self.rng.random() < 0.55:
                continue
            rating = self.rng.choices([5, 4, 3, 2, 1], weights=[45, 35, 12, 5, 3])[0]
            comment = self.rng.choice(COMMENTS[rating]) if self.rng.random() < 0.35 else ""
            rated_at = min(event.ends_at + timedelta(hours=self.rng.randrange(2, 72)), self.now)
            rows.append(Feedback(event=event, registration=registration, rating=rating, comment=comment,
                                 created_at=rated_at))
        return rows

    def _registrations(self, event, plan):
        count = plan["fill"] if plan["fill"] is not None else plan["signups"]
        if not count:
            return []
        rng = self.rng
        past = event.ends_at < self.now
        rows, used, codes = [], set(), rng.sample(range(10**6), count)
        opened = event.published_at or event.created_at
        for index in range(count):
            name, mobile = self.person()
            while mobile in used:
                name, mobile = self.person()
            used.add(mobile)
            created = opened + timedelta(minutes=37 * (index + 1))
            created = min(created, event.starts_at - timedelta(minutes=5), self.now - timedelta(minutes=count - index))
            if index >= event.capacity:
                status = "waitlisted"
            elif past and event.state == Event.State.COMPLETED:
                status = "attended" if rng.random() < 0.85 else "confirmed"
            elif plan["fill"] is None and rng.random() < 0.07:
                status = "cancelled"
            else:
                status = "confirmed"
            rows.append(Registration(
                event=event, name=name, mobile=mobile, consent=True, status=status, created_at=created,
                email=f"resident{rng.randrange(1000, 9999)}@example.com" if rng.random() < 0.3 else "",
                checked_in_at=(
                    event.starts_at + timedelta(minutes=rng.randrange(0, 20)) if status == "attended" else None
                ),
                cancelled_at=created + timedelta(days=1) if status == "cancelled" else None,
                check_in_code=f"{codes[index]:06d}",
                checked_in_via=Registration.CheckInMethod.DOOR if status == "attended" else "",
            ))
        return rows


def seed(stdout=None):
    if Event.objects.filter(title=MARKER_TITLE).exists():
        if stdout:
            stdout.write("events: demo events already there")
        return
    rng = random.Random(2025)
    now = timezone.now()
    today = timezone.localdate()
    staff = get_user_model().objects.filter(username="staff").first()
    communities = list(Community.objects.all())
    members = list(
        Organization.objects.members().select_related("membership").prefetch_related("communities").order_by("name")
    )
    food_bank = Organization.objects.filter(name="长寿社区食品银行服务社").first()
    missing = [o for o in members if o != food_bank and not o.name.startswith("长寿")][7 : 7 + MISSING_DUTY]
    builder = _Builder(rng, now)

    def make(organization, kind, title, description, starts, hours, capacity, *, community=None, place=None, **extra):
        created = min(starts - timedelta(days=rng.randrange(10, 25)), now - timedelta(hours=1))
        state = extra.pop("state", Event.State.COMPLETED if starts + timedelta(hours=hours) < now else "published")
        return Event(
            organization=organization, kind=kind, title=title, description=description,
            starts_at=starts, ends_at=starts + timedelta(hours=hours),
            place=place or f"{(community.name if community else '长寿路街道')}{rng.choice(PLACES)}",
            community=community, capacity=capacity, state=state, created_by=staff,
            published_at=None if state == Event.State.DRAFT else created, **extra,
        )

    # Every member's monthly community activity over the last 12 months, the current month and the next.
    current = this_month()
    for month_offset in range(-12, 2):
        month = shift_month(current, month_offset)
        next_first = shift_month(month, 1)
        days_in_month = (next_first - month).days
        for organization in members:
            joined = organization.membership.joined_on
            if joined and month < date(joined.year, joined.month, 1):
                continue  # the portal has the activities of members only, from the month they joined
            if organization in missing and month_offset >= -3:
                continue  # the few that fell behind in recent months
            if month_offset == 1 and rng.random() < 0.6:
                continue  # next month is only partly planned so far
            day = month + timedelta(days=rng.randrange(0, days_in_month))
            starts = _aware(day, rng.choice([9, 10, 14, 15]), rng.choice([0, 30]))
            served = list(organization.communities.all()) or communities
            community = rng.choice(served)
            title, description = rng.choice(ACTIVITIES)
            event = make(organization, Event.Kind.COMMUNITY_ACTIVITY, f"{community.name.removesuffix('居委会')}{title}",
                         description, starts, 2, rng.choice([20, 30, 40]), community=community)
            over = event.ends_at < now
            # Past activities: most checked people in at the door, some have photos in the report only, a few
            # neither (reported, but not counted for the duty under the default proof).
            proof = rng.random() if over else 0
            builder.add(event, report=over, signups=rng.randrange(6, 20) if proof < 0.85 else 0,
                        photo=0.85 <= proof < 0.98)

    # The orienteering event of the report, just before the last National Day, with photos.
    national_day = date(today.year if today >= date(today.year, 10, 1) else today.year - 1, 10, 1)
    orienteering = make(
        None, Event.Kind.PARTY_BUILDING, MARKER_TITLE,
        "依托顾正红纪念馆、工人运动领袖纪念雕像、沪西革命历史陈列馆等“红色基因”，各会员单位组队沿红色足迹"
        "开展定向赛，在打卡点学习革命历史，以此庆祝祖国生日。",
        _aware(national_day - timedelta(days=3), 9), 4, 120, place="顾正红纪念馆（集合）", community=communities[0],
    )
    builder.add(orienteering, report=True, fill=96)

    for days, kind, title, hours, capacity, description in FEDERATION_EVENTS:
        starts = _aware(today + timedelta(days=days), 14 if hours <= 3 else 9)
        event = make(None, kind, title, description, starts, hours, capacity, place="长寿路街道社区治理公益促进中心")
        builder.add(event, report=days < 0, signups=min(capacity, rng.randrange(15, 60)))

    # The demo organization (food bank): a full event with a waiting list, one to report on, a draft, a cancelled one.
    if food_bank is not None:
        home = next(iter(food_bank.communities.all()), communities[0])
        full = make(food_bank, Event.Kind.COMMUNITY_ACTIVITY, "共享冰箱志愿者开放日",
                    "参观共享冰箱，了解临期食品如何安全地送到有需要的家庭；现场招募志愿者。",
                    _aware(today + timedelta(days=6), 14), 2, 12, community=home)
        builder.add(full, fill=16)
        to_report = make(food_bank, Event.Kind.COMMUNITY_ACTIVITY, "食品银行爱心包发放",
                         "为社区困难家庭发放米、油和临期食品爱心包。",
                         _aware(today - timedelta(days=2), 9), 3, 30, community=home, state=Event.State.PUBLISHED)
        builder.add(to_report, signups=18)
        # Under way when the demo is loaded: the check-in page, the venue QR code and the sign-in sheet have people.
        started = now.replace(second=0, microsecond=0) - timedelta(minutes=30)
        under_way = make(food_bank, Event.Kind.COMMUNITY_ACTIVITY, "社区长者午餐配送（进行中）",
                         "志愿者为独居长者分装并配送午餐；报名的居民请在入口签到。", started, 3, 25, community=home)
        builder.add(under_way, signups=20)
        draft = make(food_bank, Event.Kind.TRAINING, "食品安全志愿者培训（草稿）", "面向新志愿者的食品安全知识培训。",
                     _aware(today + timedelta(days=20), 14), 2, 25, community=home, state=Event.State.DRAFT)
        builder.add(draft)
        cancelled = make(food_bank, Event.Kind.COMMUNITY_ACTIVITY, "社区义卖集市", "为共享冰箱筹集运营经费的义卖集市。",
                         _aware(today + timedelta(days=3), 10), 3, 50, community=home, state=Event.State.CANCELLED,
                         cancel_reason="天气预报有大雨，改期另行通知。")
        builder.add(cancelled, signups=9)

    # Sign-up windows: upcoming events open for sign-up from publication until one hour before the start.
    for event, _plan in builder.events:
        if event.starts_at > now:
            event.registration_closes_at = event.starts_at - timedelta(hours=1)

    registrations = builder.save()
    # Cancelled events keep their sign-ups only as cancelled.
    Registration.objects.filter(event__state=Event.State.CANCELLED).update(status="cancelled", cancelled_at=now)

    report = EventReport.objects.get(event=orienteering)
    for index, (caption, color) in enumerate([("顾正红纪念馆打卡点", (179, 38, 30)), ("定向赛颁奖", (29, 78, 216))]):
        photo = ReportPhoto(report=report, caption=caption)
        photo.image.save(f"orienteering-{index}.jpg", _photo(f"Changshou orienteering {index + 1}", color), save=False)
        photo.save()
    # Activities proven by their report's photo only share one stored picture.
    shared = report.photos.first()
    ReportPhoto.objects.bulk_create(
        ReportPhoto(report=event.report, image=shared.image.name, image_width=shared.image_width,
                    image_height=shared.image_height, caption="活动现场")
        for event, plan in builder.events
        if plan["photo"] and plan["report"]
    )

    # Community activities of organizations with running projects belong to those projects.
    for project in Project.objects.public().order_by("pk"):
        events = Event.objects.filter(organization=project.organization_id, project__isnull=True).order_by("starts_at")
        Event.objects.filter(pk__in=list(events.values_list("pk", flat=True)[:3])).update(project=project)

    if stdout:
        stdout.write(
            f"events: {Event.objects.count()} events, {registrations} sign-ups, "
            f"{len(missing)} members behind on the monthly duty"
        )
