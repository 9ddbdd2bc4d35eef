"""The demo engine finds the example domain's demo.py on its own (discovery of
``<app>.demo``): its benches are in the city and its story in the history."""

import io
from datetime import datetime

from django.core.management import call_command

from tests.exampledomain.models import Bench
from wangge.areas.models import Area, AreaKind
from wangge.core import clock
from wangge.demo.city import city_generate
from wangge.demo.history import activity_generate
from wangge.demo.registry import demo_modules

NOW = datetime(2026, 11, 25, 15, 30, tzinfo=clock.LOCAL_TZ)


def test_the_engine_discovers_the_example_domains_demo_module():
    # when
    names = [module.__name__ for module in demo_modules()]

    # then: found after the apps listed before it, without any registration
    assert "tests.exampledomain.demo" in names
    assert names.index("wangge.people.demo") < names.index("tests.exampledomain.demo")


def test_the_city_has_benches_and_the_history_breaks_some(db):
    # given
    with clock.simulated(lambda: NOW):
        stats = city_generate(scale=0.005, seed=5, districts=["150206"])
    grids = set(Bench.objects.values_list("grid_id", flat=True))
    populated = set(
        Area.objects.filter(kind=AreaKind.GRID, households__isnull=False).values_list(
            "id", flat=True
        )
    )

    # then: two benches in every grid of a populated community
    assert stats.benches == Bench.objects.count() == 2 * len(grids)
    assert populated <= grids
    assert not Bench.objects.filter(broken=True).exists()

    # when: four weeks of history
    with clock.simulated(lambda: NOW):
        history = activity_generate(seed=1, days=28, until=NOW)

    # then: a bench broke every week (days 7, 14, 21 and 28), and the summary says so
    assert history.refused == 0
    assert history.broken_benches == Bench.objects.filter(broken=True).count() == 4
    assert "4 张长椅损坏" in history.summaries
    assert not Bench.objects.filter(broken=True).exclude(grid_id__in=populated).exists()
    out = io.StringIO()
    call_command("generate_activity", seed=1, days=28, stdout=out)
    assert "跳过" in out.getvalue()
