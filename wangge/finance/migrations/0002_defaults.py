from django.db import migrations

from wangge.finance.catalogue import STATION_SERVICES, seed_scoring


def seed(apps, schema_editor):
    Service = apps.get_model("facilities", "Service")
    FacilityType = apps.get_model("facilities", "FacilityType")
    FacilityType.objects.get_or_create(code="village_finance", defaults={"name": "村级金融服务站", "circle": "15",
                                                                        "order": 60})
    for order, (code, name) in enumerate(STATION_SERVICES):
        Service.objects.get_or_create(code=code, defaults={"name": name, "order": 500 + order})
    seed_scoring(apps)


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial"), ("facilities", "0002_seed_catalogue")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
