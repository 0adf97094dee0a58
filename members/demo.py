"""Demo data for the members app: the Changshou Road world of the news report.

160 registered social organizations (+30 % a year), of which about 100 are members: 64 founding
members from July 2016, the rest joined since; about 20 % with a government-funded background;
the council with its rotating chair; demo accounts. Deterministic and safe to run twice.
"""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from core.permissions import STAFF_GROUP
from core.validators import CREDIT_CODE_ALPHABET, credit_code_check_character

from .models import (
    Community,
    CouncilSeat,
    CouncilTerm,
    Membership,
    MembershipChange,
    Organization,
    OrganizationAccount,
    RotatingChair,
    ServiceField,
)

DEMO_PASSWORD = "Changshou-2026"
FEDERATION_FOUNDED = date(2016, 7, 1)
REVIEWER_GROUP = "评审专家"

COMMUNITIES = [
    "长寿", "西康", "莫干山", "昌化", "胶州", "叶家宅", "小沙渡", "梅芳", "谈家渡", "安远",
    "常德", "大自鸣钟", "武宁", "普善", "西苑", "长安", "新会", "宜昌", "澳门路", "沙溪",
]

# (name, type, fields, stars, government-funded, summary): organizations the report names.
NAMED_ORGANIZATIONS = [
    ("长寿路街道民间组织服务中心", "service_agency", ["governance", "volunteering"], 5, True,
     "2002年成立的全市第一个民间组织服务中心，为社会组织提供登记指导与孵化服务。"),
    ("爱心切割公益服务社", "service_agency", ["elderly", "volunteering"], 5, False,
     "星级社会组织，组织志愿者为社区老人提供理发、修剪等上门便民服务。"),
    ("和谐长寿社区服务中心", "service_agency", ["governance", "culture_arts"], 4, False,
     "星级社会组织，开展邻里互助、社区议事和文化活动。"),
    ("长寿敬老志愿者服务中心", "service_agency", ["elderly", "volunteering"], 5, False,
     "星级社会组织，组织志愿者为高龄、独居老人提供陪伴与助老服务。"),
    ("长寿慈善超市", "service_agency", ["poverty_food", "party_building"], 3, True,
     "与联合会共建“两学一做”教育体验站，设立“红星理货员”等志愿岗位。"),
    ("长寿社区食品银行服务社", "service_agency", ["poverty_food", "volunteering"], 4, False,
     "运营“长寿社区食品银行·共享冰箱”品牌项目，把临期食品送到有需要的家庭。"),
    ("觉群儿童教育服务中心", "service_agency", ["children_youth", "education", "culture_arts"], 4, False,
     "开办“儿童觉群民族学校”，让社区儿童学习传统文化与民族艺术。"),
    ("鸟巢就业创业服务社", "service_agency", ["employment"], 3, False,
     "第三方专业团队，打造“鸟巢”就业创业服务品牌。"),
    ("长寿社区治理公益促进中心", "service_agency", ["governance", "volunteering"], 3, True,
     "由联合会部分会员单位共建，是社会组织和公益人士成长、学习、交流与合作的家园。"),
    ("长寿市容环境志愿服务社", "service_agency", ["environment", "governance"], 2, False,
     "承接政府购买服务，协助开展市容和环境管理工作。"),
]

THEMES = [
    ("助老", ["elderly"]), ("青少年", ["children_youth"]), ("阳光助残", ["disability"]), ("济困", ["poverty_food"]),
    ("绿色环保", ["environment"]), ("书画", ["culture_arts"]), ("沪剧", ["culture_arts"]), ("舞蹈", ["culture_arts"]),
    ("四点半课堂", ["children_youth", "education"]), ("家庭教育", ["education"]), ("就业援助", ["employment"]),
    ("邻里议事", ["governance"]), ("志愿服务", ["volunteering"]), ("健康促进", ["health"]), ("心理关爱", ["health"]),
    ("红色宣讲", ["party_building"]), ("法律援助", ["other", "governance"]),
    ("垃圾分类", ["environment", "volunteering"]),
    ("科普", ["education"]), ("合唱", ["culture_arts"]),
]
SUFFIXES = [
    ("服务社", "service_agency"), ("服务中心", "service_agency"), ("协会", "social_group"),
    ("促进会", "social_group"), ("团队", "community_team"), ("基金会", "foundation"),
]


def _credit_code(rng, org_type):
    kind = {"social_group": "1", "service_agency": "2", "foundation": "3"}[org_type]
    body = "5" + kind + "310107" + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    return body + credit_code_check_character(body)


# Registered organizations at the end of each year: +30 % a year up to 160 in 2017, as reported.
REGISTERED_BY_YEAR_END = {2012: 43, 2013: 56, 2014: 73, 2015: 95, 2016: 123, 2017: 160}


def _founding_dates(rng, total):
    """Registration dates in order, following REGISTERED_BY_YEAR_END (the first one in 2002)."""
    dates = [date(2002, 6, 18)]  # the city's first civil organization service centre
    while len(dates) < REGISTERED_BY_YEAR_END[2012]:
        dates.append(date(rng.randrange(2003, 2013), rng.randrange(1, 13), rng.randrange(1, 29)))
    dates[1:] = sorted(dates[1:])
    for year in range(2013, 2018):
        while len(dates) < min(REGISTERED_BY_YEAR_END[year], total):
            dates.append(date(year, 1, 1) + timedelta(days=rng.randrange(0, 365)))
    return dates[:total]


def _org_specs():
    rng = random.Random(2016)
    specs = [
        {"name": name, "org_type": kind, "fields": fields, "stars": stars, "gov": gov, "summary": summary}
        for name, kind, fields, stars, gov, summary in NAMED_ORGANIZATIONS
    ]
    names = {spec["name"] for spec in specs}
    while len(specs) < 160:
        community = rng.choice(COMMUNITIES)
        theme, fields = rng.choice(THEMES)
        suffix, kind = rng.choice(SUFFIXES)
        name = f"{community}{theme}{suffix}"
        if name in names:
            continue
        names.add(name)
        specs.append({
            "name": name,
            "org_type": kind,
            "fields": fields,
            "stars": rng.choice([0, 0, 0, 0, 0, 1, 2, 3, 3, 4]),
            "gov": False,
            "summary": f"扎根{community}社区，开展{theme}相关的公益服务。",
        })
    return specs


def seed(stdout=None):
    rng = random.Random(2017)
    today = timezone.localdate()
    User = get_user_model()

    communities = []
    for index, name in enumerate(COMMUNITIES, start=1):
        community, _ = Community.objects.update_or_create(
            code=f"CS{index:02d}",
            defaults={"name": f"{name}居委会", "address": f"上海市普陀区长寿路街道{name}社区"},
        )
        communities.append(community)
    fields_by_code = {field.code: field for field in ServiceField.objects.all()}

    specs = _org_specs()
    founding_dates = _founding_dates(rng, len(specs))
    # The government-funded share falls from about half of the early organizations to 20 % overall.
    gov_count = sum(spec["gov"] for spec in specs)
    for index, spec in enumerate(specs):
        if index >= len(NAMED_ORGANIZATIONS) and gov_count < 32:
            early = founding_dates[index].year <= 2012
            if (early and index % 2 == 0) or (not early and rng.random() < 0.1):
                spec["gov"] = True
                gov_count += 1

    organizations = []
    for index, spec in enumerate(specs):
        founded = founding_dates[index]
        kind = spec["org_type"]
        defaults = {
            "org_type": kind,
            "founded_on": founded,
            "registration_authority": "" if kind == "community_team" else "普陀区民政局",
            "address": f"上海市普陀区长寿路{rng.randrange(1, 999)}号",
            "contact_person": rng.choice("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
            + rng.choice(["老师", "女士", "先生"]),
            "contact_phone": f"021-{rng.randrange(52000000, 62999999)}",
            "summary": spec["summary"],
            "description": spec["summary"] + "\n\n我们是长寿社会组织联合会的一员，欢迎居民和志愿者参与。",
            "government_funded": spec["gov"],
            "star_rating": spec["stars"],
            "has_party_organization": rng.random() < 0.35,
            "is_public": True,
        }
        organization = Organization.objects.filter(name=spec["name"]).first()
        if organization is None:
            organization = Organization(name=spec["name"], **defaults)
            if kind != "community_team":
                organization.credit_code = _credit_code(rng, kind)
            organization.save()
            organization.service_fields.set([fields_by_code[code] for code in spec["fields"]])
            organization.communities.set(rng.sample(communities, rng.randrange(1, 4)))
        organizations.append(organization)

    # Incubation base: a few young organizations incubating, a few graduated.
    for organization in organizations[-12:-6]:
        if organization.incubation_status == Organization.Incubation.NONE:
            organization.incubation_status = Organization.Incubation.INCUBATING
            organization.incubating_since = max(organization.founded_on, today - timedelta(days=200))
            organization.save(update_fields=["incubation_status", "incubating_since"])
    for organization in organizations[-18:-12]:
        if organization.incubation_status == Organization.Incubation.NONE:
            organization.incubation_status = Organization.Incubation.GRADUATED
            organization.incubating_since = organization.founded_on
            organization.graduated_on = organization.founded_on + timedelta(days=365)
            organization.save(update_fields=["incubation_status", "incubating_since", "graduated_on"])

    staff = _user(User, "staff", "街道工作人员 王老师", "staff@changshou.demo", is_staff=True)
    Group.objects.get(name=STAFF_GROUP).user_set.add(staff)  # its permissions: stats migration 0002
    _user(User, "admin", "系统管理员", "admin@changshou.demo", is_staff=True, is_superuser=True)

    # Membership: 64 founding members (established before July 2016), then ~36 joined since.
    eligible_founders = [o for o in organizations if o.founded_on < FEDERATION_FOUNDED and o.org_type != "foundation"]
    founders = eligible_founders[:64]
    later = [o for o in organizations if o not in founders]
    joined_later = later[:36]
    pending = later[36:39]
    rejected = later[39:40]
    suspended = later[40:41]

    for organization in founders:
        _membership(organization, Membership.Status.ACTIVE, FEDERATION_FOUNDED, staff, founding=True)
    for organization in joined_later:
        joined = max(organization.founded_on, FEDERATION_FOUNDED) + timedelta(days=rng.randrange(30, 3500))
        _membership(organization, Membership.Status.ACTIVE, min(joined, today - timedelta(days=7)), staff)
    for organization in pending:
        _membership(organization, Membership.Status.APPLIED, today - timedelta(days=rng.randrange(1, 10)), staff)
    for organization in rejected:
        _membership(organization, Membership.Status.REJECTED, today - timedelta(days=40), staff,
                    reason="申请材料不全，请补充年检报告后重新申请。")
    for organization in suspended:
        _membership(organization, Membership.Status.SUSPENDED, today - timedelta(days=500), staff,
                    reason="连续三个月未开展社区公益活动，暂停会员资格。")

    _council(organizations[:20], founders)

    # Demo accounts: an organization admin (the food bank) and an editor, and a reviewer.
    food_bank = Organization.objects.get(name="长寿社区食品银行服务社")
    org_admin = _user(User, "org@changshou.demo", "食品银行 李老师", "org@changshou.demo")
    OrganizationAccount.objects.update_or_create(
        user=org_admin, defaults={"organization": food_bank, "role": OrganizationAccount.Role.ADMIN}
    )
    if not food_bank.email:
        food_bank.email = "foodbank@changshou.demo"
        food_bank.save(update_fields=["email"])
    editor = _user(User, "editor@changshou.demo", "食品银行 陈同学", "editor@changshou.demo")
    OrganizationAccount.objects.update_or_create(
        user=editor, defaults={"organization": food_bank, "role": OrganizationAccount.Role.EDITOR}
    )
    other = Organization.objects.get(name="长寿敬老志愿者服务中心")
    other_admin = _user(User, "elderly@changshou.demo", "敬老中心 周老师", "elderly@changshou.demo")
    OrganizationAccount.objects.update_or_create(
        user=other_admin, defaults={"organization": other, "role": OrganizationAccount.Role.ADMIN}
    )
    reviewer = _user(User, "reviewer", "评审专家 孙教授", "reviewer@changshou.demo")
    Group.objects.get_or_create(name=REVIEWER_GROUP)[0].user_set.add(reviewer)

    if stdout:
        stdout.write(
            f"members: {len(communities)} communities, {Organization.objects.count()} organizations, "
            f"{Organization.objects.members().count()} members"
        )


def _user(User, username, full_name, email, *, is_staff=False, is_superuser=False):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": full_name, "email": email, "is_staff": is_staff, "is_superuser": is_superuser},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _membership(organization, status, on, staff, *, founding=False, reason=""):
    if Membership.objects.filter(organization=organization).exists():
        return
    decided_at = timezone.make_aware(timezone.datetime.combine(on, timezone.datetime.min.time()))
    membership = Membership.objects.create(
        organization=organization,
        status=status,
        applied_on=on - timedelta(days=14) if status != Membership.Status.APPLIED else on,
        joined_on=on if status in (Membership.Status.ACTIVE, Membership.Status.SUSPENDED) else None,
        is_founding=founding,
        decided_at=None if status == Membership.Status.APPLIED else decided_at,
        decided_by=None if status == Membership.Status.APPLIED else staff,
        reason=reason,
    )
    MembershipChange.objects.create(
        membership=membership, from_status="", to_status=Membership.Status.APPLIED,
        changed_at=decided_at - timedelta(days=14),
    )
    if status == Membership.Status.SUSPENDED:
        MembershipChange.objects.create(membership=membership, from_status=Membership.Status.APPLIED,
                                        to_status=Membership.Status.ACTIVE, changed_at=decided_at, changed_by=staff)
        MembershipChange.objects.create(membership=membership, from_status=Membership.Status.ACTIVE,
                                        to_status=status, changed_at=decided_at + timedelta(days=300),
                                        changed_by=staff, reason=reason)
    elif status != Membership.Status.APPLIED:
        MembershipChange.objects.create(membership=membership, from_status=Membership.Status.APPLIED,
                                        to_status=status, changed_at=decided_at, changed_by=staff, reason=reason)


def _council(leading, founders):
    terms = [
        ("第一届理事会", date(2016, 7, 1), date(2021, 6, 30)),
        ("第二届理事会", date(2021, 7, 1), date(2026, 6, 30)),
        ("第三届理事会", date(2026, 7, 1), date(2031, 6, 30)),
    ]
    council_orgs = [o for o in leading if o in founders][:11] or founders[:11]
    for name, starts, ends in terms:
        term, _ = CouncilTerm.objects.get_or_create(name=name, defaults={"starts_on": starts, "ends_on": ends})
        roles = (
            [CouncilSeat.Role.CHAIR, CouncilSeat.Role.VICE_CHAIR, CouncilSeat.Role.VICE_CHAIR,
             CouncilSeat.Role.SECRETARY_GENERAL]
            + [CouncilSeat.Role.COUNCIL_MEMBER] * 5
            + [CouncilSeat.Role.SUPERVISOR] * 2
        )
        for organization, role in zip(council_orgs, roles, strict=False):
            CouncilSeat.objects.get_or_create(
                term=term, organization=organization,
                defaults={"role": role, "representative": organization.contact_person},
            )
        # The chair rotates every six months among the chair and vice chairs.
        chairs = council_orgs[:4]
        turn_start = starts
        index = 0
        while turn_start < ends:
            month = turn_start.month + 6
            year = turn_start.year + (month - 1) // 12
            next_start = date(year, (month - 1) % 12 + 1, 1)
            RotatingChair.objects.get_or_create(
                term=term, starts_on=turn_start,
                defaults={"organization": chairs[index % len(chairs)], "ends_on": next_start - timedelta(days=1)},
            )
            turn_start = next_start
            index += 1
