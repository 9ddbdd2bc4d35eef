from datetime import datetime

from wangge.consultation.models import Meeting, Resolution, ResolutionStatus
from wangge.core import clock
from wangge.demo.city import city_generate
from wangge.property.models import (
    EstateProfile,
    FeeRecord,
    ManagementMode,
    OpinionEntry,
    SatisfactionRating,
)

NOW = datetime(2026, 11, 25, 15, 30, tzinfo=clock.LOCAL_TZ)


def test_the_demo_city_has_property_and_consultation(db):
    with clock.simulated(lambda: NOW):
        city_generate(scale=0.005, seed=5, districts=["150206"])
    modes = set(EstateProfile.objects.values_list("mode", flat=True))
    assert modes == set(ManagementMode.values)
    assert FeeRecord.objects.exists() and SatisfactionRating.objects.exists()
    assert OpinionEntry.objects.filter(replied_at__isnull=False).exists()
    assert Meeting.objects.filter(held=True).exists()
    assert set(Resolution.objects.values_list("status", flat=True)) == set(ResolutionStatus.values)
