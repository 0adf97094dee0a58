"""The default schemes, as data staff can change in the admin (a copy per change once used):

- the social-organization evaluation (社会组织等级评估) on the national structure — 基础条件 / 内部治理 / 工作绩效 /
  社会评价, 1000 points — with one district's thresholds (5A ≥ 950, 4A ≥ 900, 3A ≥ 850, 2A ≥ 800, 1A ≥ 750),
  valid 5 years;
- the street's own star rating (星级社会组织), 100 points, 1–5 stars, valid 2 years.

`install_default_schemes()` makes them once (the demo, `manage.py install_evaluation_schemes`).
"""

from decimal import Decimal

from django.db import transaction

from .models import Evidence, Indicator, Scheme

GRADE_SCHEME = "社会组织等级评估"
STAR_SCHEME = "长寿路街道星级社会组织评定"

# (code, title, max points, evidence, description, children)
GRADE_TREE = [
    ("1", "基础条件", 60, "", "", [
        ("1.1", "法人资格", 20, "", "", [
            ("1.1.1", "登记证书、章程与印章管理", 10, "", "证书在有效期内，章程经核准，印章管理规范。", []),
            ("1.1.2", "年度检查（年报）", 10, "", "按时参加年度检查或报送年度工作报告。", []),
        ]),
        ("1.2", "章程与档案", 40, "", "", [
            ("1.2.1", "党建工作写入章程", 15, Evidence.PARTY_BUILDING, "章程载明党建工作要求（党建入章）。", []),
            ("1.2.2", "基本信息与档案完备", 25, Evidence.PROFILE, "机构信息公开完整，档案齐全。", []),
        ]),
    ]),
    ("2", "内部治理", 340, "", "", [
        ("2.1", "组织机构", 120, "", "", [
            ("2.1.1", "会员（代表）大会、理事会、监事", 60, Evidence.MEMBERSHIP,
             "按章程换届，会议有记录；参与联合会理事会工作。", []),
            ("2.1.2", "党组织建设", 60, Evidence.PARTY_BUILDING, "党组织形式、党员人数、组织生活。", []),
        ]),
        ("2.2", "人力资源", 80, "", "", [
            ("2.2.1", "专职人员与志愿者管理", 80, "", "专职人员、志愿者的招募、培训、激励制度。", []),
        ]),
        ("2.3", "财务与信息公开", 140, "", "", [
            ("2.3.1", "财务制度与资产管理", 70, "", "财务制度健全，账目清晰，审计意见良好。", []),
            ("2.3.2", "活动报告与信息公开", 70, Evidence.REPORTS, "活动结束后按时提交活动报告。", []),
        ]),
    ]),
    ("3", "工作绩效", 400, "", "", [
        ("3.1", "业务活动", 250, "", "", [
            ("3.1.1", "每月社区公益活动", 120, Evidence.MONTHLY_DUTY, "每月不少于一次社区公益活动。", []),
            ("3.1.2", "公益项目与品牌建设", 130, Evidence.PROJECTS, "项目完成情况，品牌项目、优秀项目。", []),
        ]),
        ("3.2", "诚信建设", 150, "", "", [
            ("3.2.1", "服务记录真实", 80, Evidence.ATTENDANCE, "签到核实的实际参与人数与报告一致。", []),
            ("3.2.2", "诚信承诺与投诉处理", 70, "", "无不良信用记录，投诉及时处理。", []),
        ]),
    ]),
    ("4", "社会评价", 200, "", "", [
        ("4.1", "服务对象评价", 120, "", "", [
            ("4.1.1", "居民满意度", 120, Evidence.FEEDBACK, "居民对活动的评分。", []),
        ]),
        ("4.2", "社区与政府部门评价", 80, "", "", [
            ("4.2.1", "居委会评价", 80, Evidence.COMMUNITY_RATINGS, "服务社区的居委会的季度评价。", []),
        ]),
    ]),
]
GRADE_THRESHOLDS = {5: 950, 4: 900, 3: 850, 2: 800, 1: 750}
ELIGIBILITY = ["未按规定参加年度检查（年报）", "评估期内受到行政处罚", "登记成立不满两年"]

STAR_TREE = [
    ("1", "规范建设", 30, "", "", [
        ("1.1", "党建工作", 10, Evidence.PARTY_BUILDING, "", []),
        ("1.2", "机构信息", 10, Evidence.PROFILE, "", []),
        ("1.3", "活动报告", 10, Evidence.REPORTS, "", []),
    ]),
    ("2", "服务成效", 50, "", "", [
        ("2.1", "每月社区公益活动", 20, Evidence.MONTHLY_DUTY, "", []),
        ("2.2", "公益项目", 15, Evidence.PROJECTS, "", []),
        ("2.3", "居民评价", 15, Evidence.FEEDBACK, "", []),
    ]),
    ("3", "社区认可", 20, "", "", [
        ("3.1", "居委会评价", 10, Evidence.COMMUNITY_RATINGS, "", []),
        ("3.2", "联合会参与", 10, Evidence.MEMBERSHIP, "", []),
    ]),
]
STAR_THRESHOLDS = {5: 90, 4: 80, 3: 70, 2: 60, 1: 50}


def _tree(scheme, nodes, parent=None):
    for position, (code, title, points, evidence, description, children) in enumerate(nodes):
        indicator = Indicator.objects.create(
            scheme=scheme, parent=parent, code=code, title=title, max_points=Decimal(points), evidence=evidence,
            description=description, position=position,
        )
        _tree(scheme, children, indicator)


def build_scheme(name, kind, tree, thresholds, *, validity_years, eligibility=(), description=""):
    scheme = Scheme.objects.create(
        name=name, kind=kind, validity_years=validity_years, description=description
    )
    _tree(scheme, tree)
    for level, points in thresholds.items():
        scheme.thresholds.create(level=level, minimum_points=Decimal(points))
    for position, text in enumerate(eligibility):
        scheme.eligibility_criteria.create(text=text, position=position)
    return scheme


@transaction.atomic
def install_default_schemes():
    """The two default schemes, unless a scheme of that name exists. Returns (grade scheme, star scheme)."""
    grade = Scheme.objects.filter(name=GRADE_SCHEME).order_by("-version").first() or build_scheme(
        GRADE_SCHEME, Scheme.Kind.GRADE, GRADE_TREE, GRADE_THRESHOLDS, validity_years=5, eligibility=ELIGIBILITY,
        description="按照全国社会组织等级评估指标结构：基础条件、内部治理、工作绩效、社会评价，共1000分。",
    )
    stars = Scheme.objects.filter(name=STAR_SCHEME).order_by("-version").first() or build_scheme(
        STAR_SCHEME, Scheme.Kind.STARS, STAR_TREE, STAR_THRESHOLDS, validity_years=2, eligibility=ELIGIBILITY[:2],
        description="长寿路街道星级社会组织评定，共100分。",
    )
    return grade, stars
