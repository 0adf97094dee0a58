"""Demo data for the projects app: the brand projects and government-purchased services of the report,
a decided call with its proposals and reviews, a call under (blind) review, an open call, and community needs.

Runs after members.demo (it uses its organizations, communities and reviewer). Deterministic and
safe to run twice: objects are looked up by title before anything is created.
"""

import io
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from members.demo import demo_password_hash
from members.models import Community, Organization

from .models import (
    Call,
    CommunityNeed,
    NeedResponse,
    ProgressUpdate,
    Project,
    ProjectPhoto,
    ProjectStateChange,
    Review,
)

REVIEWER_GROUP = "评审专家"

FOOD_BANK = "长寿社区食品银行服务社"
JUEQUN = "觉群儿童教育服务中心"
NEST = "鸟巢就业创业服务社"
CITY = "长寿市容环境志愿服务社"
ELDERLY = "长寿敬老志愿者服务中心"
HAIRCUT = "爱心切割公益服务社"
HARMONY = "和谐长寿社区服务中心"
CHARITY_SHOP = "长寿慈善超市"
PROMOTION_CENTRE = "长寿社区治理公益促进中心"

# Projects outside any call: the report's brand projects and government-purchased services.
# (title, organization, field, funding, amount, start, state, brand, selected, communities, summary, beneficiaries)
SHOWCASE = [
    ("长寿社区食品银行·共享冰箱", FOOD_BANK, "poverty_food", "charity", 180000, date(2016, 9, 1), "in_progress",
     True, True, ["长寿", "西康", "梅芳"],
     "社区“共享冰箱”接收商超和居民捐赠的临期食品，由志愿者登记、冷藏，再送到困难家庭和独居老人手中。",
     "困难家庭、独居老人，每月约300户"),
    ("儿童觉群民族学校", JUEQUN, "children_youth", "mixed", 120000, date(2016, 3, 5), "in_progress",
     True, True, ["长寿", "常德", "胶州"],
     "周末和寒暑假为社区儿童开设书法、民乐、民族舞蹈和传统节日课程，让孩子在家门口学习传统文化。",
     "6–14岁社区儿童，每学期约120名"),
    ("“鸟巢”就业创业服务", NEST, "employment", "government_purchase", 350000, date(2017, 1, 3), "in_progress",
     True, False, ["长寿", "莫干山", "昌化", "安远"],
     "街道通过政府购买服务引入第三方专业团队，为失业、待业居民和青年创业者提供一对一就业指导与创业孵化。",
     "失业待业居民、青年创业者，每年约500人次"),
    ("市容环境社区协管服务", CITY, "environment", "government_purchase", 420000, date(2017, 3, 1), "in_progress",
     False, True, ["长寿", "西康", "叶家宅", "小沙渡", "谈家渡"],
     "街道购买社会组织公共服务，组织协管员和志愿者开展市容巡查、乱张贴清理和垃圾分类宣传，缓解城管人手不足。",
     "沿街商户和居民，覆盖5个居委会"),
    ("高龄独居老人关爱服务", ELDERLY, "elderly", "government_purchase", 260000, date(2016, 10, 1), "completed",
     False, True, ["梅芳", "谈家渡", "普善"],
     "志愿者与高龄独居老人结对，每周上门探访、电话问候，协助就医和办理事务。",
     "80岁以上独居老人约150位"),
    ("为老理发上门服务", HAIRCUT, "elderly", "government_purchase", 60000, date(2017, 4, 1), "in_progress",
     False, False, ["长寿", "武宁", "西苑"],
     "每月固定日子上门为行动不便的老人理发、修剪指甲，志愿者同时陪老人聊聊天。",
     "行动不便的老人，每月约80位"),
    ("邻里议事厅", HARMONY, "governance", "federation_fund", 30000, date(2016, 11, 15), "completed",
     False, False, ["长寿", "长安"],
     "在居委会设立议事厅，由居民代表、物业和社会组织一起商量楼道堆物、停车等身边事。",
     "两个居委会的居民代表和楼组长"),
    ("“红星理货员”志愿岗位", CHARITY_SHOP, "party_building", "self_raised", 15000, date(2017, 5, 1), "in_progress",
     False, False, ["长寿"],
     "与联合会党总支共建“两学一做”教育体验站，党员在慈善超市担任“红星理货员”，参与义卖和物资整理。",
     "社区党员志愿者和困难家庭"),
]

DECIDED_CALL = "2025年度长寿路街道社区公益项目征集"
REVIEWING_CALL = "2026年度“美丽家园”社区微更新项目征集"
OPEN_CALL = "2026年度长寿路街道社区公益项目征集"

# (title, organization, field, budget, communities, summary, outcome, reason)
DECIDED_PROPOSALS = [
    ("四点半课堂", JUEQUN, "children_youth", 80000, ["常德", "胶州"],
     "放学后为双职工家庭的孩子提供作业辅导和兴趣活动。", "in_progress", "公益性强，需求明确，同意立项。"),
    ("共享冰箱进楼组", FOOD_BANK, "poverty_food", 60000, ["梅芳", "西康"],
     "在老旧小区楼组设置小型共享冰箱，由楼组长协助管理。", "in_progress", "在品牌项目基础上延伸，操作性好。"),
    ("社区心理关爱热线", PROMOTION_CENTRE, "health", 50000, ["长寿", "普善", "武宁"],
     "由专业社工和心理咨询师接听热线，为居民提供情绪疏导。", "approved", ""),
    ("垃圾分类积分兑换", CITY, "environment", 40000, ["叶家宅", "小沙渡"],
     "居民正确分类投放可积分，积分在慈善超市兑换生活用品。", "completed", "覆盖面广，同意立项。"),
    ("楼道书画角", HARMONY, "culture_arts", 30000, ["长安"],
     "在楼道布置居民书画作品展示角。", "rejected", "受益面较窄，建议与社区文化活动中心合作后再申报。"),
    ("智慧助老课堂", ELDERLY, "elderly", 90000, ["梅芳", "谈家渡"],
     "教老人使用智能手机挂号、缴费和视频通话。", "rejected", "预算偏高，师资安排不够具体，请完善后参加下一年度征集。"),
]

REVIEWING_PROPOSALS = [
    ("口袋花园", HARMONY, "environment", 45000, ["长安", "新会"], "把小区边角空地改造成居民共同打理的口袋花园。"),
    ("楼道微更新·共享工具箱", CITY, "governance", 25000, ["叶家宅"], "在楼道设置共享工具箱，由志愿者每周维护。"),
    ("无障碍出行改造陪伴", ELDERLY, "disability", 70000, ["梅芳", "普善"],
     "为行动不便居民评估家门口的出行障碍，协调物业完成小改造。"),
]

NEEDS = [
    # (title, community, field, description, state, matched organization)
    ("独居老人夏季送清凉", "梅芳", "elderly",
     "梅芳居委会有60余位独居老人，希望在高温天气期间有志愿者上门送清凉物资并检查家中电扇空调。",
     "open", None),
    ("双职工家庭孩子寒假看护", "常德", "children_youth",
     "寒假期间部分双职工家庭的孩子白天无人照看，希望有机构在社区活动室开设看护和兴趣课程。",
     "open", None),
    ("老旧小区垃圾分类督导", "小沙渡", "environment",
     "小区投放点早晚高峰需要督导志愿者，帮助居民正确分类。", "open", None),
    ("残障居民康复陪伴", "普善", "disability",
     "辖区内有20余位残障居民需要定期康复训练陪伴。", "open", None),
    ("社区法律咨询日", "武宁", "other",
     "居民对房屋租赁、继承等法律问题咨询需求较多，希望每月有一次法律咨询日。", "open", None),
    ("困难家庭节日食品包", "西康", "poverty_food",
     "春节前为辖区40户困难家庭准备食品包。", "matched", FOOD_BANK),
    ("青年求职技能培训", "莫干山", "employment",
     "辖区待业青年希望得到简历制作和面试技巧培训。", "matched", NEST),
    ("高龄老人助浴服务", "谈家渡", "elderly",
     "部分高龄老人洗澡困难，需要专业助浴服务。", "matched", ELDERLY),
    ("社区文化节节目排练", "长安", "culture_arts",
     "社区文化节需要专业老师指导居民排练节目。", "closed", None),
]

COLORS = [(179, 38, 30), (29, 78, 216), (21, 128, 61), (161, 92, 0), (109, 40, 217), (14, 116, 144)]


def seed(stdout=None):
    rng = random.Random(2017)
    User = get_user_model()
    staff = User.objects.filter(username="staff").first()
    reviewers = [
        _reviewer(User, "reviewer", "评审专家 孙教授", "reviewer@changshou.demo"),
        _reviewer(User, "reviewer2", "评审专家 钱老师", "reviewer2@changshou.demo"),
        _reviewer(User, "reviewer3", "评审专家 郑律师", "reviewer3@changshou.demo"),
    ]
    communities = {community.name.removesuffix("居委会"): community for community in Community.objects.all()}
    organizations = {organization.name: organization for organization in Organization.objects.all()}
    today = timezone.localdate()

    for index, spec in enumerate(SHOWCASE):
        (title, org_name, field, funding, amount, starts, state, brand, selected, community_names, summary,
         beneficiaries) = spec
        project, created = _project(
            title,
            organizations[org_name],
            service_field=field,
            funding_source=funding,
            funding_amount=Decimal(amount),
            budget=Decimal(amount),
            starts_on=starts,
            ends_on=None if state == "in_progress" else starts + timedelta(days=730),
            summary=summary,
            description=summary + "\n\n项目由长寿社会组织联合会会员单位实施，街道和居委会提供场地与协调支持。",
            beneficiaries=beneficiaries,
            is_brand=brand,
            is_selected=selected,
        )
        if created:
            project.communities.set([communities[name] for name in community_names if name in communities])
            _history(project, ["approved", "in_progress"] + (["completed"] if state == "completed" else []),
                     staff, _aware(starts))
            _cover(project, index)
            _updates(project, rng, starts, today, count=4 if brand else 2)

    decided = _call(
        DECIDED_CALL,
        description="面向长寿社会组织联合会会员单位公开征集社区公益项目，按照“公益性强、可操作性好、覆盖面广”的原则评审立项。",
        opens_at=_aware(date(2025, 3, 1)),
        closes_at=_aware(date(2025, 4, 30), time(17, 0)),
        budget=Decimal(600000),
        state=Call.State.DECIDED,
        reviewers=reviewers,
    )
    for index, (title, org_name, field, budget, community_names, summary, outcome, reason) in enumerate(
        DECIDED_PROPOSALS
    ):
        project, created = _project(
            title,
            organizations[org_name],
            call=decided,
            service_field=field,
            funding_source="federation_fund",
            funding_amount=Decimal(budget),
            budget=Decimal(budget),
            starts_on=date(2025, 6, 1),
            ends_on=date(2026, 5, 31),
            summary=summary,
            description=summary + "\n\n实施计划：前期调研需求，招募并培训志愿者，按月开展服务并记录服务对象。",
            beneficiaries="社区居民",
            is_selected=index == 0,
            submitted_at=_aware(date(2025, 4, 20)),
            decided_at=_aware(date(2025, 5, 20)),
            decided_by=staff,
            decision_reason=reason,
        )
        if created:
            project.communities.set([communities[name] for name in community_names if name in communities])
            path = ["submitted", "under_review", "rejected" if outcome == "rejected" else "approved"]
            if outcome in ("in_progress", "completed"):
                path.append("in_progress")
            if outcome == "completed":
                path.append("completed")
            _history(project, path, staff, _aware(date(2025, 4, 20)), reason=reason)
            # The last proposal misses one review: the ranking shows 2 / 3.
            for reviewer in reviewers[: 2 if index == len(DECIDED_PROPOSALS) - 1 else 3]:
                _review(project, reviewer, rng, strong=outcome != "rejected")
            if outcome in ("in_progress", "completed"):
                _cover(project, index + 3)
                _updates(project, rng, date(2025, 6, 1), today, count=2)

    reviewing = _call(
        REVIEWING_CALL,
        description="征集楼道、小区公共空间微更新项目，鼓励居民共同参与设计和维护。本次评审为盲评。",
        opens_at=timezone.now() - timedelta(days=60),
        closes_at=timezone.now() - timedelta(days=10),
        budget=Decimal(200000),
        state=Call.State.REVIEWING,
        reviewers=reviewers[:2],
        is_blind=True,
    )
    for title, org_name, field, budget, community_names, summary in REVIEWING_PROPOSALS:
        project, created = _project(
            title,
            organizations[org_name],
            call=reviewing,
            service_field=field,
            funding_source="federation_fund",
            funding_amount=Decimal(budget),
            budget=Decimal(budget),
            starts_on=today + timedelta(days=30),
            ends_on=today + timedelta(days=300),
            summary=summary,
            description=summary + "\n\n预计吸引居民志愿者参与设计、施工和日常维护。",
            beneficiaries="小区居民",
            submitted_at=reviewing.closes_at - timedelta(days=3),
        )
        if created:
            project.communities.set([communities[name] for name in community_names if name in communities])
            _history(project, ["submitted", "under_review"], staff, reviewing.closes_at - timedelta(days=3))
            _review(project, reviewers[1], rng, strong=True)  # the demo reviewer has yet to score

    open_call = _call(
        OPEN_CALL,
        description="面向会员单位征集2026年度社区公益项目。重点支持为老服务、青少年服务、困难群众帮扶和社区治理。"
        "每个项目资助一般不超过10万元。",
        opens_at=timezone.now() - timedelta(days=10),
        closes_at=_aware(today + timedelta(days=30), time(17, 0)),
        budget=Decimal(800000),
        state=Call.State.OPEN,
        reviewers=reviewers,
        weights=(2, 1, 1),
    )
    project, created = _project(
        "高龄老人防跌倒居家改造",
        organizations[ELDERLY],
        call=open_call,
        service_field="elderly",
        funding_source="federation_fund",
        funding_amount=Decimal(85000),
        budget=Decimal(95000),
        starts_on=today + timedelta(days=90),
        summary="为高龄独居老人家庭加装扶手、防滑垫和夜灯，降低居家跌倒风险。",
        description="联合专业评估师上门评估，志愿者协助安装，三个月后回访。",
        beneficiaries="80岁以上独居老人约60户",
        submitted_at=timezone.now() - timedelta(days=2),
    )
    if created:
        project.communities.set([communities[name] for name in ["梅芳", "谈家渡"] if name in communities])
        _history(project, ["submitted"], None, timezone.now() - timedelta(days=2))
    project, created = _project(
        "共享冰箱夜间取餐点",
        organizations[FOOD_BANK],
        call=open_call,
        service_field="poverty_food",
        funding_source="mixed",
        funding_amount=Decimal(40000),
        budget=Decimal(60000),
        summary="在社区服务站增设夜间取餐点，方便下班较晚的困难家庭领取食品。",
        description="草稿：还需要补充志愿者排班和食品安全管理办法。",
        beneficiaries="下班较晚的困难家庭",
    )
    if created:
        project.communities.set([communities[name] for name in ["长寿", "西康"] if name in communities])

    for index, (title, community_name, field, description, state, matched) in enumerate(NEEDS):
        need, created = CommunityNeed.objects.get_or_create(
            title=title,
            defaults={
                "community": communities[community_name],
                "service_field": field,
                "description": description,
                "state": state,
                "posted_by": staff,
                "posted_at": timezone.now() - timedelta(days=5 + 7 * index),
                "matched_at": timezone.now() - timedelta(days=2 + 7 * index) if matched else None,
            },
        )
        if not created:
            continue
        if matched:
            organization = organizations[matched]
            NeedResponse.objects.create(
                need=need,
                organization=organization,
                message="我们有相关服务经验和志愿者队伍，可以在两周内启动。",
                project=Project.objects.public().filter(organization=organization).first(),
                is_accepted=True,
                accepted_at=need.matched_at,
                accepted_by=staff,
            )
        elif state == "open" and index % 2 == 0:
            NeedResponse.objects.create(
                need=need, organization=organizations[ELDERLY], message="我们可以安排志愿者参与，请与周老师联系。"
            )

    if stdout:
        stdout.write(
            f"projects: {Call.objects.count()} calls, {Project.objects.count()} projects "
            f"({Project.objects.public().count()} public), {Review.objects.count()} reviews, "
            f"{CommunityNeed.objects.count()} community needs"
        )


def _aware(day, at=time(9, 0)):
    return timezone.make_aware(datetime.combine(day, at))


def _reviewer(User, username, full_name, email):
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": full_name, "email": email})
    if created:
        user.password = demo_password_hash()
        user.save()
    Group.objects.get_or_create(name=REVIEWER_GROUP)[0].user_set.add(user)
    return user


def _call(title, *, reviewers, weights=(1, 1, 1), **fields):
    call, created = Call.objects.get_or_create(
        title=title,
        defaults={
            **fields,
            "weight_public_benefit": weights[0],
            "weight_operability": weights[1],
            "weight_coverage": weights[2],
        },
    )
    if created:
        call.reviewers.set(reviewers)
    return call


def _project(title, organization, **fields):
    project = Project.objects.filter(title=title, organization=organization).first()
    if project is not None:
        return project, False
    return Project.objects.create(title=title, organization=organization, **fields), True


def _history(project, path, user, start, *, reason=""):
    """Walk the project along its states, as staff and the organization would have done it."""
    state, at = Project.State.DRAFT, start
    for step, to_state in enumerate(path):
        ProjectStateChange.objects.create(
            project=project,
            from_state=state,
            to_state=to_state,
            changed_at=at,
            changed_by=user,
            reason=reason if to_state in ("approved", "rejected") else "",
        )
        state, at = to_state, at + timedelta(days=10 + 5 * step)
    Project.objects.filter(pk=project.pk).update(state=state)
    project.state = state


def _review(project, reviewer, rng, *, strong):
    low = 6 if strong else 3
    Review.objects.get_or_create(
        project=project,
        reviewer=reviewer,
        defaults={
            "public_benefit": rng.randint(low, min(low + 4, 10)),
            "operability": rng.randint(low, min(low + 4, 10)),
            "coverage": rng.randint(low - 1, min(low + 3, 10)),
            "comment": rng.choice([
                "项目需求调研扎实，服务对象明确。",
                "建议进一步细化志愿者培训和安全预案。",
                "预算基本合理，覆盖的居委会可以再扩大。",
                "实施团队有经验，可操作性较好。",
            ]),
        },
    )


def _image(color, seed, size=(960, 540)):
    """A simple, recognisable picture (no text) so demo pages have covers and galleries."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, tuple(int(c * 0.35 + 255 * 0.65) for c in color))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        radius = rng.randrange(40, 180)
        shade = tuple(min(255, int(c * rng.uniform(0.7, 1.2))) for c in color)
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=shade)
    draw.rectangle([0, size[1] - 90, size[0], size[1]], fill=color)
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=80)
    return ContentFile(output.getvalue())


def _cover(project, index):
    project.cover.save(f"demo-{project.pk}.jpg", _image(COLORS[index % len(COLORS)], project.pk), save=True)


UPDATE_TEXTS = [
    "本月组织志愿者开展服务，居民反响很好。",
    "与居委会召开协调会，调整了服务时间，方便上班族参与。",
    "新招募志愿者12名，完成岗前培训。",
    "接受街道中期检查，服务台账完整。",
    "走访服务对象，收集到改进意见并逐条落实。",
]


def _updates(project, rng, starts, today, *, count):
    span = max((today - starts).days, count)
    for n in range(count):
        on = starts + timedelta(days=span * (n + 1) // (count + 1))
        update = ProgressUpdate.objects.create(
            project=project,
            on=on,
            text=UPDATE_TEXTS[(project.pk + n) % len(UPDATE_TEXTS)],
            beneficiaries_reached=rng.randrange(30, 300),
        )
        if n < 2:
            ProjectPhoto.objects.create(
                project=project,
                update=update,
                image=ContentFile(_image(COLORS[(project.pk + n) % len(COLORS)], project.pk * 10 + n).read(),
                                  name=f"demo-{project.pk}-{n}.jpg"),
                caption=f"{project.title} · {on:%Y-%m}",
            )
