"""The demo city has positions of every type with gaps, a synthetic network (labelled as
such), coverage computed, and stations logging services in the history."""

import time
from datetime import datetime

from wangge.core import clock
from wangge.demo.city import city_generate
from wangge.demo.history import activity_generate
from wangge.facilities.models import (
    CoverageRun,
    Facility,
    FacilityType,
    HomeAccess,
    Network,
    ServiceLog,
)

NOW = datetime(2026, 11, 25, 15, 30, tzinfo=clock.LOCAL_TZ)


def test_demo_city_has_positions_network_and_coverage(db, client):
    started = time.perf_counter()
    with clock.simulated(lambda: NOW):
        stats = city_generate(scale=0.002, seed=5, districts=["150206"])
    assert stats.facilities == Facility.objects.count() > 0
    for code in ("party_center", "new_groups", "estate_station", "rest_station", "truck_station"):
        assert Facility.objects.filter(facility_type__code=code).exists(), code
    # the seed's proportions: more rest stations and centres than truck stations
    assert Facility.objects.filter(facility_type__code="rest_station").count() >= Facility.objects.filter(
        facility_type__code="truck_station").count()
    network = Network.objects.get()
    assert network.synthetic and network.nodes > 100
    run = CoverageRun.objects.latest("finished_at")
    assert not run.straight_line and run.homes > 0
    party = FacilityType.objects.get(code="party_center")
    rows = HomeAccess.objects.filter(facility_type=party)
    covered = sum(r.residents for r in rows if r.covered)
    assert 0 < covered < sum(r.residents for r in rows)  # deliberate gaps
    near = client.get("/facilities/near/").content.decode()
    assert "示意路网" in near
    with clock.simulated(lambda: NOW):
        history = activity_generate(seed=1, days=21, until=NOW)
    assert history.refused == 0
    assert ServiceLog.objects.exists()
    assert time.perf_counter() - started < 120
