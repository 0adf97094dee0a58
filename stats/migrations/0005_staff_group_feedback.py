"""Street-office staff read residents' ratings of events (events.Feedback) and their comments, read-only: the
ratings come from residents. On a new database 0002 may run after events made the model and grant everything on
it: only the view permission stays. A change of the group is a migration, as in 0002."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "街道工作人员"
CODENAMES = ["view_feedback"]


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("events")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=GROUP)
    feedback = Permission.objects.using(using).filter(content_type__app_label="events", codename__endswith="_feedback")
    group.permissions.remove(*feedback.exclude(codename__in=CODENAMES))
    group.permissions.add(*feedback.filter(codename__in=CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="events", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0004_search_indexes"),
        ("events", "0013_attendance"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
