"""Categories carry a public flag: off for social assistance and care matters (and for
neighbour disputes between households); cases carry a private flag (visit needs)."""

from django.db import migrations, models

# Groups whose requests concern a household's private matters: 社会救助 (低保, 临时救助,
# 残疾人帮扶), 养老服务 (独居老人照护 …), 邻里纠纷 (disputes between named flats).
PRIVATE_GROUPS = ("S02", "S03", "S04")


def mark_private_categories(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    paths = list(Category.objects.filter(code__in=PRIVATE_GROUPS).values_list("path", flat=True))
    for path in paths:
        Category.objects.filter(path__startswith=path).update(public=False)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_attachment_reencoded_photo_token")]

    operations = [
        migrations.AddField(
            model_name="category",
            name="public",
            field=models.BooleanField(default=True, verbose_name="公开办理情况"),
        ),
        migrations.AddField(
            model_name="case",
            name="private",
            field=models.BooleanField(default=False, verbose_name="不公开"),
        ),
        migrations.RunPython(mark_private_categories, migrations.RunPython.noop),
    ]
