from django.db import migrations

from wangge.finance.catalogue import DEFAULT_BANDS, DEFAULT_CRITERIA, STATION_SERVICES


def seed(apps, schema_editor):
    Service = apps.get_model("facilities", "Service")
    FacilityType = apps.get_model("facilities", "FacilityType")
    FacilityType.objects.get_or_create(code="village_finance", defaults={"name": "村级金融服务站", "circle": "15",
                                                                        "order": 60})
    for order, (code, name) in enumerate(STATION_SERVICES):
        Service.objects.get_or_create(code=code, defaults={"name": name, "order": 500 + order})
    seed_scoring(apps)


def seed_scoring(apps):
    ScoringModel = apps.get_model("finance", "ScoringModel")
    CreditRules = apps.get_model("finance", "CreditRules")
    if not ScoringModel.objects.exists():
        model = ScoringModel.objects.create(name="农牧户信用评价模型（百分制）")
        for order, (name, guidance, weight) in enumerate(DEFAULT_CRITERIA):
            model.criteria.create(name=name, guidance=guidance, weight=weight, order=order)
        for grade, low, worthy in DEFAULT_BANDS:
            model.bands.create(grade=grade, min_score=low, creditworthy=worthy)
    if not CreditRules.objects.exists():
        CreditRules.objects.create()


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial"), ("facilities", "0002_seed_catalogue")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
