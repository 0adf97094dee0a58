"""Street-office staff file community teams, run the incubation base and read its figures. A change of the group
is a migration, as stats 0006 does for the communities."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "街道工作人员"
CODENAMES = [
    "view_teamfiling", "decide_filing", "view_incubation", "manage_incubation",
    "view_cohort", "add_cohort", "change_cohort",
]


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("incubation")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.using(using).filter(content_type__app_label="incubation", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="incubation", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("incubation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("stats", "0002_staff_group"),  # which sets the group's permissions afresh: this comes after it
    ]

    operations = [migrations.RunPython(grant, revoke)]
