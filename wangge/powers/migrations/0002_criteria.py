"""The city's default assessment criteria (editable in the back office)."""

from django.db import migrations

CRITERIA = [
    ("吹哨报到按时率", "summons_check_in", 25),
    ("吹哨报到评价", "summons_rating", 25),
    ("事件办理综合评分", "closed_loop", 30),
    ("街道综合评价", "street", 20),
]


def seed(apps, schema_editor):
    Criterion = apps.get_model("powers", "Criterion")
    for order, (name, source, weight) in enumerate(CRITERIA):
        Criterion.objects.get_or_create(source=source, defaults={"name": name, "weight": weight, "order": order})


class Migration(migrations.Migration):
    dependencies = [("powers", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
