"""The demo city builder: runs every app's ``city_place``, ``city_populate`` and
``city_staff`` (see ``wangge.demo``) in one transaction into an empty area table.

The apps hand each other what they made through the ``CityBuild`` they are passed
(for instance the areas app leaves ``plan``, ``area_ids`` and the households each grid
is to get; the people app leaves the householders who become resident users).
Deterministic: one seed always gives the same city.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from wangge.areas.models import Area
from wangge.audit.services import audit_record
from wangge.core.errors import ApplicationError
from wangge.demo.bulk import PostgresBulkLoad, reset_sequences
from wangge.demo.registry import demo_hooks

PHASES = ("city_place", "city_populate", "city_staff")


@dataclass
class CityStats:
    """What was made: ``figures`` by name (``stats.households`` reads ``figures``)."""

    figures: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        figures = self.__dict__.get("figures", {})
        if name in figures:
            return figures[name]
        raise AttributeError(name)

    def add(self, name: str, n: int = 1) -> None:
        self.figures[name] = self.figures.get(name, 0) + n


class CityBuild:
    """The state of one build, shared by the apps' city hooks.

    Besides its arguments, the hooks leave here what later hooks use: the areas app
    ``plan`` (every planned node), ``area_ids`` (code → id), ``grids``, ``households``
    (per grid), ``staffed_grids`` (the grids of populated communities) and
    ``buildings``; the accounts app ``departments``; the people app ``householders``.
    """

    def __init__(
        self,
        *,
        scale: float,
        seed: int,
        districts: Collection[str] | None,
        say: Callable[[str], None],
    ):
        self.scale = scale
        self.seed = seed
        self.districts = districts
        self.say = say
        self.stats = CityStats()
        self.loaders: list[PostgresBulkLoad] = []
        self.written: list[type[Model]] = []
        self.audit_detail: dict[str, Any] = {}

    def bulk_load(self, models: Iterable[type[Model]]) -> None:
        """Tables about to receive many rows: on PostgreSQL their secondary indexes and
        foreign keys are dropped now and rebuilt when the build ends."""
        models = list(models)
        self.wrote(models)
        if connection.vendor == "postgresql":
            loader = PostgresBulkLoad(models)
            loader.begin()
            self.loaders.append(loader)

    def wrote(self, models: Iterable[type[Model]]) -> None:
        """Tables written with explicit ids: their sequences are reset at the end."""
        self.written.extend(m for m in models if m not in self.written)


def city_generate(
    *,
    scale: float,
    seed: int,
    districts: Collection[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> CityStats:
    """Create the demo city in an empty area table (see the module docstring)."""
    if not 0 <= scale <= 10:
        raise ApplicationError("规模（scale）须在 0 到 10 之间", field="scale")
    if Area.objects.exists():
        raise ApplicationError("数据库中已有区域数据；演示城市只能生成到空库中", code="exists")
    build = CityBuild(scale=scale, seed=seed, districts=districts, say=progress or _quiet)
    started = time.perf_counter()
    with transaction.atomic():
        for phase in PHASES:
            mark = time.perf_counter()
            for hook in demo_hooks(phase):
                hook(build)
            build.stats.phases[phase.removeprefix("city_")] = time.perf_counter() - mark
        mark = time.perf_counter()
        if build.loaders:
            build.say("重建索引与外键…")
        for loader in build.loaders:
            loader.finish()
        reset_sequences(build.written)
        build.stats.phases["indexes"] = time.perf_counter() - mark
        build.stats.seconds = time.perf_counter() - started
        root = Area.objects.order_by("path").first()
        if root is not None:
            audit_record(
                action="create",
                object_type="areas.area",
                object_id=root.pk,
                detail={"generated_city": {"scale": scale, "seed": seed, **build.audit_detail}},
            )
    return build.stats


def _quiet(message: str) -> None:
    return None
