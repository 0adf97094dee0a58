from django.db import migrations

CODES = [
    "elderly",
    "children_youth",
    "disability",
    "poverty_food",
    "environment",
    "culture_arts",
    "education",
    "employment",
    "governance",
    "volunteering",
    "health",
    "party_building",
    "other",
]


def create_service_fields(apps, schema_editor):
    ServiceField = apps.get_model("members", "ServiceField")
    for position, code in enumerate(CODES):
        ServiceField.objects.update_or_create(code=code, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(create_service_fields, migrations.RunPython.noop)]
