"""The group 街道工作人员 (street-office staff) with the model permissions their work needs.

Everything in members, projects and events, where audit trails, the personal-data access log and the
reviewers' scores are read-only, plus the staff pages of stats. The history tables' own permissions are left out: the admin shows
history under the permissions of the model. A later change of the group is a new migration like this one.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "街道工作人员"  # core.permissions.STAFF_GROUP
APPS = ["members", "projects", "events", "stats"]
# audit trails, the access log and the reviewers' own scores
READ_ONLY = {"membershipchange", "accountchange", "personaldataaccess", "eventchange", "projectstatechange", "review"}


def grant_staff_permissions(apps, schema_editor):
    using = schema_editor.connection.alias
    # On a fresh database the permissions are made after the last migration (post_migrate): make them now.
    for label in APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=GROUP)
    permissions = (
        Permission.objects.using(using)
        .filter(content_type__app_label__in=APPS)
        .exclude(content_type__model__startswith="historical")
        .select_related("content_type")
    )
    group.permissions.set(
        [p for p in permissions if p.content_type.model not in READ_ONLY or p.codename.startswith("view_")]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0010_ledger_checks"),
        ("projects", "0004_picture_sizes"),
        ("events", "0010_change_records_of_sign_ups"),
    ]

    operations = [migrations.RunPython(grant_staff_permissions, migrations.RunPython.noop)]
