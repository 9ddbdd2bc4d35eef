"""A new domain's indicators.py is found: its figures show up as indicators, on the
dashboard's headline and in the sub-area ranking, without any shared file naming it."""

import json
from pathlib import Path

from django.conf import settings

from tests.exampledomain.models import Bench
from wangge.indicators.definitions import INDICATORS, discover
from wangge.indicators.periods import Period
from wangge.indicators.selectors import area_figures
from wangge.testing import Role, grids, make_user


def _benches():
    g = grids()
    # district 1 (g0–g7): 3 benches, 1 broken; district 2 (g8–): 1 bench, broken
    for grid, broken in ((g[0], True), (g[0], False), (g[4], False), (g[8], True)):
        Bench.objects.create(grid=grid, area_path=grid.path, name="长椅", broken=broken)


def test_the_example_module_is_discovered_and_registered():
    # then
    assert "tests.exampledomain.indicators" in discover()
    assert INDICATORS["broken_bench_share"].name_zh == "长椅损坏率"


def test_no_shared_file_names_the_example_indicators():
    # given: every file outside the example app
    root = Path(settings.BASE_DIR)
    shared = [
        path
        for folder in ("wangge", "config")
        for path in (root / folder).rglob("*.py")
        if "exampledomain" not in path.parts
    ]

    # then
    assert shared
    assert not [path for path in shared if "broken_bench" in path.read_text(encoding="utf-8")]


def test_the_example_figures_are_computed_per_area(city):
    # given
    _benches()
    officer = make_user(Role.CITY_OFFICER, city)

    # when
    figures = area_figures(
        user=officer, area=city, period=Period(2026, 3), codes=["benches", "broken_bench_share"]
    )

    # then
    assert figures.total == {"benches": 4, "broken_bench_share": 50.0}
    assert [values for _, values in figures.children] == [
        {"benches": 3, "broken_bench_share": 33.3},
        {"benches": 1, "broken_bench_share": 100.0},
    ]


def test_the_example_figure_is_on_the_dashboard(city, client):
    # given
    _benches()
    client.force_login(make_user(Role.CITY_OFFICER, city))

    # when
    response = client.get(f"/dashboard/{city.code}/?period=2026-03")

    # then
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index(">", html.index('<script id="dashboard-data"')) + 1
    payload = json.loads(html[start : html.index("</script>", start)])
    headline = {row["code"]: row["value"] for row in payload["headline"]}
    assert headline["broken_bench_share"] == 50.0
    assert [child["values"]["broken_bench_share"] for child in payload["children"]] == [
        33.3,
        100.0,
    ]
    assert '<tr data-indicator="broken_bench_share"><td>长椅损坏率' in html
