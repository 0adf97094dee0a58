"""Street-office staff sign contracts, assign evaluators, record payments and configure the rubric; the evaluators'
group exists; the rubric starts with four criteria (staff change them in the admin). As stats 0006."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "街道工作人员"
EVALUATOR_GROUP = "第三方评估人员"
CODENAMES = [
    "view_contract", "add_contract", "change_contract", "view_indicator", "view_tranche", "view_evaluation",
    "view_indicatorresult", "view_payment", "add_payment", "view_contractchange", "view_rubriccriterion",
    "add_rubriccriterion", "change_rubriccriterion",
]
RUBRIC = [
    ("服务成效", "指标完成情况、服务对象受益情况", 40),
    ("项目管理", "计划执行、过程记录、团队与制度", 25),
    ("财务管理", "资金使用规范、专款专用、凭证完整", 20),
    ("满意度与社会影响", "服务对象和居委会的评价、宣传与示范作用", 15),
]


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("contracts")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.using(using).filter(content_type__app_label="contracts", codename__in=CODENAMES)
    )
    Group.objects.using(using).get_or_create(name=EVALUATOR_GROUP)
    Criterion = apps.get_model("contracts", "RubricCriterion")
    for position, (name, description, points) in enumerate(RUBRIC, start=1):
        Criterion.objects.using(using).get_or_create(
            name=name, defaults={"description": description, "max_points": points, "position": position}
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="contracts", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0002_payment_triggers"),
        ("contenttypes", "0002_remove_content_type_name"),
        # The group's first permissions are set there (a set, not an add): these come after.
        ("stats", "0002_staff_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
