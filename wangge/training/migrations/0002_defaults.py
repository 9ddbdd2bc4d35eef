"""The four need categories and the national requirements as editable rows."""

from django.db import migrations

CATEGORIES = ["理论教育", "党性教育", "履职能力", "知识更新"]
REQUIREMENTS = [
    ("township", 90, 1, 12),
    ("county", 550, 5, None),
    ("secretary", 56, 1, None),
    ("member", 32, 1, None),
]


def seed(apps, schema_editor):
    NeedCategory = apps.get_model("training", "NeedCategory")
    Requirement = apps.get_model("training", "Requirement")
    for order, name in enumerate(CATEGORIES):
        NeedCategory.objects.get_or_create(name=name, defaults={"order": order})
    for group, hours, years, days in REQUIREMENTS:
        Requirement.objects.get_or_create(group=group, defaults={"hours": hours, "years": years, "days": days})


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
