"""Demo data for the members app: the Changshou Road world of the news report.

Registered social organizations growing about 30 % a year to 160 by June 2017 (as reported), then by five a year;
the share with a government-funded background falling from half of them (2012) to a fifth (from 2017 on); a few
dozen filed community teams besides. About 100 of them are members: 64 founding members from July 2016, the rest
joined since (one founding member withdrew). The council with its rotating chair; demo accounts. Deterministic for
a given day and safe to run twice.
"""

import functools
import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
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
FOUNDING_MEMBERS = 64
JOINED_LATER = 37
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
    ("促进会", "social_group"), ("基金会", "foundation"),
]
TEAM_SUFFIX = "团队"  # community teams are filed (备案), not registered
COMMUNITY_TEAMS = 24
PROMOTION_CENTRE = "长寿社区治理公益促进中心"  # set up by members of the federation after it was founded


def _credit_code(rng, org_type):
    kind = {"social_group": "1", "service_agency": "2", "foundation": "3"}[org_type]
    body = "5" + kind + "310107" + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    return body + credit_code_check_character(body)


# Registered organizations (and how many of them with a government-funded background) by the last day of each
# period: +30 % a year up to 160 in June 2017, as reported, while the government-funded share falls from half to
# a fifth. The first is the city's first civil organization service centre (2002).
REGISTERED_BY = [
    (date(2002, 6, 18), 1, 1),
    (date(2003, 12, 31), 4, 2),
    (date(2004, 12, 31), 6, 3),
    (date(2005, 12, 31), 8, 4),
    (date(2006, 12, 31), 10, 5),
    (date(2007, 12, 31), 13, 7),
    (date(2008, 12, 31), 17, 9),
    (date(2009, 12, 31), 22, 11),
    (date(2010, 12, 31), 28, 14),
    (date(2011, 12, 31), 37, 18),
    (date(2012, 12, 31), 48, 24),
    (date(2013, 12, 31), 62, 27),
    (date(2014, 12, 31), 81, 29),
    (date(2015, 12, 31), 105, 31),
    (date(2016, 12, 31), 137, 32),
    (date(2017, 6, 30), 160, 32),
    (date(2017, 12, 31), 165, 33),
]
LATER_PER_YEAR = (5, 1)  # registered a year after 2017, of which with a government-funded background


def _registration_slots(rng, today):
    """(registration date, government-funded) of every registered organization, oldest first, following
    REGISTERED_BY up to 2017 and LATER_PER_YEAR after, up to today."""
    periods = list(REGISTERED_BY)
    total, funded = periods[-1][1:]
    for year in range(2018, today.year + 1):
        total, funded = total + LATER_PER_YEAR[0], funded + LATER_PER_YEAR[1]
        periods.append((min(date(year, 12, 31), today), total, funded))
    slots, first, before, funded_before = [], periods[0][0], 0, 0
    for last, total, funded in periods:
        days = (last - first).days + 1
        dates = sorted(first + timedelta(days=rng.randrange(days)) for _ in range(total - before))
        government = set(rng.sample(range(len(dates)), funded - funded_before))
        slots.extend((day, index in government) for index, day in enumerate(dates))
        first, before, funded_before = last + timedelta(days=1), total, funded
    return slots


def _org_specs(today):
    """Every organization of the demo: the named ones first, then the others by registration (or filing) date."""
    rng = random.Random(2016)
    slots = _registration_slots(rng, today)
    free = list(range(len(slots)))

    def take(government, after=date.min):
        index = next(i for i in free if slots[i][1] == government and slots[i][0] >= after)
        free.remove(index)
        return slots[index][0]

    named = []
    for name, kind, fields, stars, gov, summary in NAMED_ORGANIZATIONS:
        after = date(2016, 7, 1) if name == PROMOTION_CENTRE else date.min
        named.append({"name": name, "org_type": kind, "fields": fields, "stars": stars, "gov": gov,
                      "summary": summary, "founded_on": take(gov, after)})
    names = {spec["name"] for spec in named}

    def new_name(suffixes):
        while True:
            community = rng.choice(COMMUNITIES)
            theme, fields = rng.choice(THEMES)
            suffix, kind = rng.choice(suffixes)
            name = f"{community}{theme}{suffix}"
            if name not in names:
                names.add(name)
                return name, kind, fields, community, theme

    others = []
    for index in free:
        others.append((slots[index][0], slots[index][1], new_name(SUFFIXES)))
    first_team = date(2014, 1, 1)
    for _ in range(COMMUNITY_TEAMS):
        filed = first_team + timedelta(days=rng.randrange((today - first_team).days + 1))
        others.append((filed, False, new_name([(TEAM_SUFFIX, "community_team")])))
    others.sort(key=lambda other: other[0])
    return named + [
        {
            "name": name,
            "org_type": kind,
            "fields": fields,
            "stars": rng.choice([0, 0, 0, 0, 0, 1, 2, 3, 3, 4]) if kind != "community_team" else 0,
            "gov": gov,
            "summary": f"扎根{community}社区，开展{theme}相关的公益服务。",
            "founded_on": founded,
        }
        for founded, gov, (name, kind, fields, community, theme) in others
    ]


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

    organizations = []
    for spec in _org_specs(today):
        kind = spec["org_type"]
        defaults = {
            "org_type": kind,
            "founded_on": spec["founded_on"],
            "registration_authority": "" if kind == "community_team" else "普陀区民政局",
            "address": f"上海市普陀区长寿路{rng.randrange(1, 999)}号",
            "contact_person": rng.choice("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
            + rng.choice(["老师", "女士", "先生"]),
            "contact_phone": f"021-{rng.randrange(52000000, 62999999)}",
            "summary": spec["summary"],
            "description": spec["summary"] + "\n\n欢迎居民和志愿者参与我们的公益服务。",
            "government_funded": spec["gov"],
            "star_rating": spec["stars"],
            "has_party_organization": rng.random() < 0.35,
            "is_public": True,  # the directory lists every organization the figures count
        }
        organization = Organization.objects.filter(name=spec["name"]).first()
        if organization is None:
            organization = Organization(name=spec["name"], **defaults)
            if kind != "community_team":
                organization.credit_code = _credit_code(rng, kind)
                while Organization.objects.filter(credit_code=organization.credit_code).exists():
                    organization.credit_code = _credit_code(rng, kind)  # taken in a demo seeded by an older version
            organization.save()
            organization.service_fields.set([fields_by_code[code] for code in spec["fields"]])
            organization.communities.set(rng.sample(communities, rng.randrange(1, 4)))
        organizations.append(organization)

    # Incubation base: the youngest community teams are incubating; three organizations registered since 2018
    # graduated from it on registering.
    teams = [o for o in organizations if o.org_type == Organization.Type.COMMUNITY_TEAM]
    for organization in sorted(teams, key=lambda o: o.founded_on)[-6:]:
        if organization.incubation_status == Organization.Incubation.NONE:
            organization.incubation_status = Organization.Incubation.INCUBATING
            organization.incubating_since = max(organization.founded_on, today - timedelta(days=200))
            organization.save(update_fields=["incubation_status", "incubating_since"])
    recent = [o for o in organizations if o.org_type != Organization.Type.COMMUNITY_TEAM and o.founded_on.year >= 2018]
    for organization in recent[-24:-3:8]:  # three graduates of earlier years (incubation.demo gives their records)
        if organization.incubation_status == Organization.Incubation.NONE:
            organization.incubation_status = Organization.Incubation.GRADUATED
            organization.incubating_since = organization.founded_on - timedelta(days=365)
            organization.graduated_on = organization.founded_on
            organization.save(update_fields=["incubation_status", "incubating_since", "graduated_on"])
    staff = _user(User, "staff", "街道工作人员 王老师", "staff@changshou.demo", is_staff=True)
    Group.objects.get(name=STAFF_GROUP).user_set.add(staff)  # its permissions: stats migration 0002
    _user(User, "admin", "系统管理员", "admin@changshou.demo", is_staff=True, is_superuser=True)

    # Membership: 64 founding members (registered or filed before July 2016; one withdrew in 2021), then 37 that
    # joined one after the other since, some applicants, one rejected, one suspended.
    eligible_founders = [o for o in organizations if o.founded_on < FEDERATION_FOUNDED and o.org_type != "foundation"]
    founders = eligible_founders[:FOUNDING_MEMBERS]
    others = [o for o in organizations if o not in founders and o.founded_on < today - timedelta(days=60)]
    # Its own random numbers: the same organizations join on every run (creating rows above draws from `rng`).
    joined_later = sorted(random.Random(2018).sample(others, JOINED_LATER), key=lambda o: o.founded_on)
    others = [o for o in others if o not in joined_later]
    pending, rejected, suspended = others[-3:], others[-4:-3], others[len(others) // 2 : len(others) // 2 + 1]

    withdrawn = founders[-1]
    for organization in founders:
        steps = [(Membership.Status.ACTIVE, FEDERATION_FOUNDED)]
        if organization == withdrawn:
            steps.append((Membership.Status.WITHDRAWN, date(2021, 3, 15)))
        _membership(organization, steps, staff, founding=True,
                    reason="理事会换届后业务调整，申请退出联合会。" if organization == withdrawn else "")
    span = (today - timedelta(days=30) - FEDERATION_FOUNDED).days
    for index, organization in enumerate(joined_later, start=1):
        joined = max(FEDERATION_FOUNDED + timedelta(days=span * index // (JOINED_LATER + 1)),
                     organization.founded_on + timedelta(days=30))
        _membership(organization, [(Membership.Status.ACTIVE, min(joined, today - timedelta(days=7)))], staff)
    for organization in pending:
        _membership(organization, [(Membership.Status.APPLIED, today - timedelta(days=rng.randrange(1, 10)))], staff)
    for organization in rejected:
        _membership(organization, [(Membership.Status.REJECTED, today - timedelta(days=40))], staff,
                    reason="申请材料不全，请补充年检报告后重新申请。")
    for organization in suspended:
        _membership(
            organization,
            [(Membership.Status.ACTIVE, today - timedelta(days=500)),
             (Membership.Status.SUSPENDED, today - timedelta(days=200))],
            staff,
            reason="连续三个月未开展社区公益活动，暂停会员资格。",
        )

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
        user.password = demo_password_hash()
        user.save()
    return user


@functools.cache
def demo_password_hash():
    """The demo password, hashed once: the hasher is slow on purpose (a quarter of a second each), and every demo
    account has this published password anyway."""
    return make_password(DEMO_PASSWORD)


def _membership(organization, steps, staff, *, founding=False, reason=""):
    """A membership that went through `steps` (status, day) after applying two weeks before the first,
    with its history. `reason` goes with the last step."""
    if Membership.objects.filter(organization=organization).exists():
        return

    def at(day):
        return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))

    applied_on = steps[0][1] - timedelta(days=14) if steps[0][0] != Membership.Status.APPLIED else steps[0][1]
    status, last_day = steps[-1]
    joined_on = next((day for step, day in steps if step == Membership.Status.ACTIVE), None)
    decided = status != Membership.Status.APPLIED
    membership = Membership.objects.create(
        organization=organization,
        status=status,
        applied_on=applied_on,
        joined_on=joined_on,
        is_founding=founding,
        decided_at=at(last_day) if decided else None,
        decided_by=staff if decided else None,
        reason=reason,
    )
    MembershipChange.objects.create(
        membership=membership, from_status="", to_status=Membership.Status.APPLIED, changed_at=at(applied_on)
    )
    previous = Membership.Status.APPLIED
    for index, (step, day) in enumerate(steps):
        if step == Membership.Status.APPLIED:
            continue
        MembershipChange.objects.create(
            membership=membership, from_status=previous, to_status=step, changed_at=at(day), changed_by=staff,
            reason=reason if index == len(steps) - 1 else "",
        )
        previous = step


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
