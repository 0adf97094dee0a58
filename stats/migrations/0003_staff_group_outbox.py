"""Street-office staff also watch the outbox (messages and their failures, resending) and keep the SMS opt-out list;
they read the inbox rows. A change of the group is a migration, as in 0002."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "街道工作人员"
CODENAMES = ["view_outboxmessage", "view_smsoptout", "add_smsoptout", "delete_smsoptout", "view_notification"]


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("core")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.using(using).filter(content_type__app_label="core", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0002_staff_group"),
        ("core", "0002_outbox"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
