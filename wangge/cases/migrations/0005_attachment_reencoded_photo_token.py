"""Photos are stored re-encoded with a thumbnail, and public pages name them by an
unguessable token instead of their sequential id."""

import secrets

from django.db import migrations, models


def give_tokens(apps, schema_editor):
    Attachment = apps.get_model("cases", "Attachment")
    for attachment in Attachment.objects.filter(token="").only("pk").iterator():
        Attachment.objects.filter(pk=attachment.pk).update(token=secrets.token_urlsafe(24))


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_case_area_path_one_index")]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="thumbnail",
            field=models.FileField(blank=True, upload_to="cases/%Y/%m/"),
        ),
        migrations.AddField(
            model_name="attachment",
            name="width",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="attachment",
            name="height",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="attachment",
            name="token",
            field=models.CharField(default="", max_length=40),
            preserve_default=False,
        ),
        migrations.RunPython(give_tokens, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="attachment",
            constraint=models.UniqueConstraint(fields=("token",), name="attachment_token_unique"),
        ),
    ]
