"""Street-office staff read the committees' quarterly ratings of organizations and the communities' coverage by
activities (a change of the group is a migration, as stats 0006)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "街道工作人员"  # core.permissions.STAFF_GROUP
CODENAMES = ["view_quarterlyrating", "view_coverage"]


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("communities")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.using(using).filter(content_type__app_label="communities", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="communities", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0002_quarterly_ratings"),
        ("stats", "0006_staff_group_communities"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
