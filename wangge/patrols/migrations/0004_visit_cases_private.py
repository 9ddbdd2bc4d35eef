"""A need raised during a household visit is never public: mark the cases already made."""

from django.db import migrations


def mark_visit_cases_private(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    VisitNeed = apps.get_model("patrols", "VisitNeed")
    Case.objects.filter(pk__in=VisitNeed.objects.values("case_id")).update(private=True)


class Migration(migrations.Migration):
    dependencies = [
        ("patrols", "0003_patrol_date_grid"),
        ("cases", "0006_category_public_case_private"),
    ]

    operations = [migrations.RunPython(mark_visit_cases_private, migrations.RunPython.noop)]
