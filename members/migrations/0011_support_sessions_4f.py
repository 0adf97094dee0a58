"""The 4f service log (members.SupportSession): staff log the services given to an organization. Street-office
staff (the group 街道工作人员) get its permissions here, with the model, so that any app counting the log (evaluation,
incubation) finds them in place."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUP = "街道工作人员"  # core.permissions.STAFF_GROUP
CODENAMES = ["add_supportsession", "change_supportsession", "delete_supportsession", "view_supportsession"]


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("members")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.using(using).filter(content_type__app_label="members", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="members", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0010_ledger_checks'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name='SupportSession',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('incubation', 'Incubation'), ('support', 'Support'), ('consultation', 'Consultation'), ('coverage', 'Coverage')], max_length=20, verbose_name='kind of service')),
                ('on', models.DateField(default=django.utils.timezone.localdate, verbose_name='date')),
                ('hours', models.DecimalField(decimal_places=1, default=Decimal('1.0'), help_text='Time spent in hours, to the half hour (e.g. 1.5).', max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0.5'))], verbose_name='hours')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('logged_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='logged by')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='support_sessions', to='members.organization', verbose_name='organization')),
            ],
            options={
                'verbose_name': 'support session',
                'verbose_name_plural': 'support sessions (4f)',
                'ordering': ['-on', '-pk'],
                'indexes': [models.Index(fields=['on', 'kind'], name='members_sup_on_da6ec1_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('hours__gt', 0)), name='support_session_hours_positive')],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
