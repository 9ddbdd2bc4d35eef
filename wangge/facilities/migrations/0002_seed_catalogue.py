from django.db import migrations

from wangge.facilities.catalogue import DEFAULT_SERVICES, DEFAULT_TYPES


def seed(apps, schema_editor):
    FacilityType = apps.get_model("facilities", "FacilityType")
    Service = apps.get_model("facilities", "Service")
    for code, name, circle, order in DEFAULT_TYPES:
        FacilityType.objects.get_or_create(code=code, defaults={"name": name, "circle": circle, "order": order})
    for order, (code, name) in enumerate(DEFAULT_SERVICES):
        Service.objects.get_or_create(code=code, defaults={"name": name, "order": (order + 1) * 10})


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
