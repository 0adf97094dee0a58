# The inbox model moved to core (the shared kernel); its table keeps its name, so only the state changes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0007_picture_sizes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Notification')],
            database_operations=[],
        ),
    ]
