"""Coverage shares hand-checked on the one-street fixture (conftest): residents within
the circle ÷ residents, per grid and community; off-network homes listed; the figures
on the dashboards' indicators; what-if and greedy suggestions."""

import pytest

from wangge.facilities import coverage
from wangge.facilities.models import CoverageRun, Facility, FacilityType, HomeAccess, Scenario
from wangge.facilities.selectors import off_network_homes, worst_grids
from wangge.facilities.services import (
    facility_create,
    scenario_change,
    scenario_create,
    scenario_points,
)

from .conftest import LAT, load_street, node_lng


def _share(rows):
    residents = sum(r.residents for r in rows)
    return round(100 * sum(r.residents for r in rows if r.covered) / residents, 1)


def test_hand_checked_shares_with_the_network(street):
    load_street()
    run = coverage.recompute()
    party = FacilityType.objects.get(code="party_center")
    rows = HomeAccess.objects.filter(facility_type=party)
    by_name = {r.building.name: r for r in rows.select_related("building")}
    assert by_name["1号楼"].distance == pytest.approx(200.0, abs=0.5)
    assert by_name["2号楼"].distance == pytest.approx(900.0, abs=0.5)
    assert by_name["3号楼"].distance == pytest.approx(2000.0, abs=0.5)
    assert by_name["远楼"].off_network and by_name["远楼"].distance is None
    # grid 1: 10 + 5 of 19 residents (the off-network 4 count as not covered) = 78.9 %
    assert _share(rows.filter(area_path=street.grid1.path)) == 78.9
    assert _share(rows.filter(area_path=street.grid2.path)) == 0.0
    # community 1 holds both grids: 15 / 29
    assert _share(rows.filter(area_path__startswith=street.community.path)) == 51.7
    assert run.unsnapped == 1 and not run.straight_line


def test_each_type_serves_its_own_circle(street):
    load_street()
    Facility.objects.create(facility_type=FacilityType.objects.get(code="estate_station"), area=street.grid2,
                            area_path=street.grid2.path, name="小区服务站", lat=LAT, lng=node_lng(22))
    coverage.recompute()
    rows = HomeAccess.objects.filter(facility_type__code="estate_station")
    # 5-minute circle = 300 m: node 20 (200 m) and node 25 (300 m) are inside, grid 1 is not
    assert _share(rows.filter(area_path=street.grid2.path)) == 100.0
    assert _share(rows.filter(area_path=street.grid1.path)) == 0.0


def test_without_a_network_distances_are_straight_lines_and_say_so(street):
    run = coverage.recompute()
    assert run.straight_line
    row = HomeAccess.objects.get(building__name="3号楼", facility_type__code="party_center")
    # 0.020° of longitude at 40.505° N ≈ 1690 m in a straight line (the street says 2000 m)
    assert row.distance == pytest.approx(1690, rel=0.01)
    assert not row.off_network


def test_worst_grids_and_off_network_list(street):
    load_street()
    coverage.recompute()
    party = FacilityType.objects.get(code="party_center")
    worst = worst_grids(street.staff, party)
    assert [(w["grid"].pk, w["share"], w["uncovered"]) for w in worst] == [
        (street.grid2.pk, 0.0, 10), (street.grid1.pk, 78.9, 4)]
    assert [h.building.name for h in off_network_homes(street.staff, party)] == ["远楼"]
    # another community's staff sees none of it
    assert worst_grids(street.other_staff, party) == []


def test_indicator_rolls_up_the_coverage(street):
    from wangge.indicators.definitions import INDICATORS

    load_street()
    coverage.recompute()
    indicator = INDICATORS["coverage_party_center"]
    rows = HomeAccess.objects.filter(facility_type__code="party_center", area_path__startswith=street.community.path)
    measures = {
        "circle.res_party_center": sum(r.residents for r in rows),
        "circle.cov_party_center": sum(r.residents for r in rows if r.covered),
    }
    assert round(indicator.compute(measures), 1) == 51.7
    assert "facilities/gaps/" in indicator.drill(street.grid1)


def test_dashboard_engine_rolls_coverage_up_per_area(street):
    from wangge.indicators.periods import Period
    from wangge.indicators.selectors import area_figures

    load_street()
    coverage.recompute()
    figures = area_figures(user=street.staff, area=street.community, period=Period(2026, 3),
                           codes=["coverage_party_center"])
    assert figures.total == {"coverage_party_center": 51.7}
    # drill-down: per grid of the community
    assert sorted(values["coverage_party_center"] for _, values in figures.children) == [0.0, 78.9]


def test_facility_write_queues_the_recomputation(street, django_capture_on_commit_callbacks):
    load_street()
    before = CoverageRun.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        facility_create(actor=street.staff, facility_type=FacilityType.objects.get(code="party_center"),
                        area=street.grid2, name="二号中心", lat=LAT, lng=node_lng(22))
    assert CoverageRun.objects.count() == before + 1
    rows = HomeAccess.objects.filter(facility_type__code="party_center", area_path=street.grid2.path)
    assert _share(rows) == 100.0


def test_scenario_changes_coverage_without_saving(street):
    load_street()
    coverage.recompute()
    party = FacilityType.objects.get(code="party_center")
    scenario = scenario_create(actor=street.staff, area=street.community, facility_type=party, name="补点")
    base = coverage.evaluate(party, scenario_points(scenario), prefix=scenario.area_path)
    assert base.share == 51.7
    scenario_change(actor=street.staff, scenario=scenario, kind="add", lat=LAT, lng=node_lng(22))
    after = coverage.evaluate(party, scenario_points(scenario), prefix=scenario.area_path)
    assert after.share == round(100 * 25 / 29, 1)
    scenario_change(actor=street.staff, scenario=scenario, kind="remove", facility=street.center)
    assert coverage.evaluate(party, scenario_points(scenario), prefix=scenario.area_path).share == round(
        100 * 10 / 29, 1)
    assert Facility.objects.filter(facility_type=party).count() == 1  # the registry is untouched
    assert Scenario.objects.get().changes.count() == 2


def test_greedy_suggests_the_site_that_covers_grid_two(street):
    load_street()
    party = FacilityType.objects.get(code="party_center")
    points = [(street.center.lat, street.center.lng)]
    candidates = [(LAT, node_lng(3)), (LAT, node_lng(22)), (LAT, node_lng(14))]
    chosen = coverage.suggest_sites(party, points, candidates, 2)
    # node 22 covers 3号楼 and 4号楼 (7 + 3 = 10 residents); then nothing else adds anyone
    assert chosen == [(1, 10.0)]


def test_scenario_change_out_of_scope_is_refused(street):
    from wangge.core.errors import NotFoundOrForbidden

    party = FacilityType.objects.get(code="party_center")
    scenario = scenario_create(actor=street.staff, area=street.community, facility_type=party, name="补点")
    with pytest.raises(NotFoundOrForbidden):
        scenario_change(actor=street.other_staff, scenario=scenario, kind="add", lat=LAT, lng=node_lng(1))
    assert scenario.changes.count() == 0


def test_a_change_whose_queued_recomputation_was_lost_is_caught_up_once(street):
    # given figures computed, then a facility changed whose queued task never ran (Redis
    # was away when the change committed)
    from wangge.facilities.tasks import recompute_if_stale

    coverage.recompute()
    assert not coverage.coverage_stale()
    street.center.name = "一号党群服务中心（新址）"
    street.center.save()
    # when beat's safety net runs twice
    first, second = recompute_if_stale(), recompute_if_stale()
    # then the figures are rebuilt once
    assert (first, second) == (True, False)
    assert CoverageRun.objects.count() == 2
