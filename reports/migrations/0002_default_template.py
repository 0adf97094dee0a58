"""The default template "街道季报": every key of the layout (reports.layout.LABELS at the time) labelled as the
street's quarterly report labels it. Staff rename or reorder them in the admin."""

from django.db import migrations

NAME = "街道季报"
LABELS = {
    "sheet.A": "A 社会组织分类",
    "sheet.B": "B 会员单位",
    "sheet.C": "C 活动开展",
    "sheet.D": "D 政府购买服务",
    "sheet.E": "E 党组织覆盖",
    "sheet.F": "F 品牌与优秀项目",
    "sheet.idle": "无活动会员",
    "sheet.check": "校验",
    "A.type": "类型",
    "A.total": "期末数",
    "A.new": "本期新增",
    "A.closed": "本期注销",
    "A.social_group": "社会团体",
    "A.service_agency": "社会服务机构",
    "A.foundation": "基金会",
    "A.community_team": "社区群众活动团队",
    "A.sum": "合计",
    "A.registered": "其中登记注册（与统计页一致）",
    "B.item": "项目",
    "B.value": "数量",
    "B.start": "期初会员单位",
    "B.joined": "本期入会",
    "B.left": "本期暂停或退会",
    "B.end": "期末会员单位",
    "B.organization": "社会组织",
    "B.change": "变动",
    "B.changed_at": "变动时间",
    "C.kind": "活动类型",
    "C.community": "社区",
    "C.events": "场次",
    "C.participants": "参与人次",
    "C.beneficiaries": "受益人次",
    "C.volunteers": "志愿者人次",
    "C.community_activity": "社区公益活动",
    "C.matching_meeting": "项目对接会",
    "C.promotion_meeting": "推介会",
    "C.partner_day": "公益合作伙伴日",
    "C.training": "专项培训",
    "C.party_building": "党建活动",
    "C.other": "其他",
    "C.no_community": "未指定社区",
    "C.subtotal": "小计",
    "C.sum": "合计",
    "D.project": "项目",
    "D.organization": "承接组织",
    "D.amount": "金额（元）",
    "D.sum": "合计",
    "E.item": "项目",
    "E.value": "数量",
    "E.members": "期末会员单位",
    "E.with_party": "已建党组织",
    "E.without_party": "未建党组织",
    "E.coverage": "覆盖率（%）",
    "F.project": "项目",
    "F.organization": "实施组织",
    "F.brand": "品牌项目",
    "F.selected": "优秀项目",
    "F.amount": "金额（元）",
    "F.yes": "是",
    "idle.organization": "社会组织",
    "check.check": "校验项",
    "check.result": "结果",
    "check.detail": "说明",
    "check.passed": "通过",
    "check.failed": "未通过",
    "check.period": "报告期",
    "check.template": "模板",
}


def create(apps, schema_editor):
    ReportTemplate = apps.get_model("reports", "ReportTemplate")
    ReportLabel = apps.get_model("reports", "ReportLabel")
    template, created = ReportTemplate.objects.get_or_create(name=NAME, defaults={"is_default": True})
    if created:
        ReportLabel.objects.bulk_create(
            ReportLabel(template=template, key=key, label=label, position=10 * index)
            for index, (key, label) in enumerate(LABELS.items(), start=1)
        )


def remove(apps, schema_editor):
    apps.get_model("reports", "ReportTemplate").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
