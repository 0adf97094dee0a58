"""Street-office staff download the reporting pack, see who downloaded which, and keep the templates' labels. A change
of the group is a migration, as in stats 0002."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "街道工作人员"
CODENAMES = [
    "download_report", "view_reportdownload", "view_reporttemplate", "add_reporttemplate", "change_reporttemplate",
    "view_reportlabel", "add_reportlabel", "change_reportlabel", "delete_reportlabel",
]


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("reports")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.using(using).filter(content_type__app_label="reports", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="reports", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0006_staff_group_communities"),
        ("reports", "0002_default_template"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
