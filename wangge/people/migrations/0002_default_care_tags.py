from django.db import migrations

from wangge.people.care_tags import DEFAULT_CARE_TAGS


def seed(apps, schema_editor):
    CareTag = apps.get_model("people", "CareTag")
    for code, name, cadence, sensitive in DEFAULT_CARE_TAGS:
        CareTag.objects.get_or_create(
            code=code, defaults={"name": name, "cadence": cadence, "sensitive": sensitive}
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
