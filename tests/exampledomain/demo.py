"""The example domain's part of the demo: two benches in every grid where people live,
and, in the history, a bench breaking now and then (found by ``wangge.demo``'s
discovery of ``<app>.demo``; no shared file names this module)."""

from __future__ import annotations

from datetime import timedelta

from tests.exampledomain.models import Bench


def city_populate(build) -> None:
    benches = [
        Bench(grid_id=build.area_ids[grid.code], area_path=grid.path, name=f"{grid.name}长椅{k}")
        for grid in build.staffed_grids
        for k in (1, 2)
    ]
    Bench.objects.bulk_create(benches)
    build.stats.figures["benches"] = len(benches)


def history_exists() -> bool:
    return Bench.objects.filter(broken=True).exists()


def history_start(world) -> None:
    world.spawn(world.start + timedelta(days=7), _wear(world))


def _wear(world):
    """Every week a bench in a populated grid breaks."""
    rng = world.rng("benches")
    while True:
        bench = Bench.objects.filter(broken=False, grid__in=world.populated).order_by("id")
        chosen = bench[rng.randrange(bench.count())] if bench.exists() else None
        if chosen is None:
            return
        chosen.broken = True
        chosen.save(update_fields=["broken"])
        yield world.now + timedelta(days=7)


def history_figures() -> dict:
    return {"broken_benches": Bench.objects.filter(broken=True).count()}


def history_summary(figures: dict) -> str:
    return f"{figures['broken_benches']} 张长椅损坏"
