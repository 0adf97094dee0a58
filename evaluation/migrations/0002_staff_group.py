"""Street-office staff (the group 街道工作人员) run the evaluation: schemes, cycles (open, publish), dossiers
(assessors, reasons not assessed), the party-building ledger and its page; the audit trail is read-only.
A change of the group is a migration, as in stats 0002."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "街道工作人员"  # core.permissions.STAFF_GROUP
READ_ONLY = {"evaluationchange"}


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("evaluation")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=GROUP)
    permissions = Permission.objects.using(using).filter(content_type__app_label="evaluation").select_related(
        "content_type"
    )
    group.permissions.add(
        *[p for p in permissions if p.content_type.model not in READ_ONLY or p.codename.startswith("view_")]
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="evaluation"))


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0001_initial"),
        ("stats", "0006_staff_group_communities"),  # after the group is set up there (0002 sets it whole)
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
