"""The indicator registry: every figure a leader quotes, as a query over records.

Two layers keep the database work small:

- A *source* is one ``GROUP BY`` query over one table. It names the column holding the
  record's area path and, for flows, the column that places the record in a month; it
  yields several *measures* (counts and sums) at once.
- An *indicator* is a formula over measures: a count, a rate (numerator / denominator),
  an average or a weighted score. Rates are computed from summed measures, never by
  averaging child rates, so a node's figure always equals the one computed from its
  children's records.

Evaluating a node therefore costs one query per source touched, whatever the number of
children: the group key is a prefix of ``area_path`` (``Substr(area_path, 1, depth * 4)``)
so "every district of the city" is a single scan. See ``selectors.py``. On a full city
even that is seconds, so ``rollups.py`` runs every source once per month for the whole
tree and the pages read those rows while they are fresh enough (``models.py``).

Stock indicators (the registers: residents, grids, workers…) describe the records as they
are now, whatever month is asked; flow indicators count the records of the month.

This module is the machinery only. The figures themselves come from the apps: the
platform's own (areas, workers, departments, estates) from ``platform.py``, and every
installed app's ``<app>/indicators.py`` — found by ``discover()``, which iterates
``django.apps.apps.get_app_configs()``. An app module registers its sources and
indicators with ``register_source`` / ``register`` (or the helpers below) and may declare

- ``PANELS = {panel: {code: order}}``: which dashboard panels its indicators feed
  (``headline``, ``ranking``, ``trend``, ``departments``, ``areas``, ``rank_by``,
  ``area_rank_by``), the order placing them among the other apps' entries;
- ``RANKING_MINIMUM = (code, minimum)``: departments whose ``code`` is below ``minimum()``
  are listed apart from the department ranking;
- ``MAP_POINTS``: a function ``(prefix, period, limit) → list of GeoJSON features`` of
  records to pin on the map (at most ``limit + 1``, newest first);
- ``BRIEFING = [BriefingSection(…)]``: a section of the monthly briefing made of its
  indicators: a table of the node (rows × columns of indicator codes), the same figures
  per sub-area, and one sentence per gap naming the worst-served sub-area
  (``briefing_sections.py`` lays them out; the app names no page).
"""

import importlib
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import F, QuerySet

Measures = Mapping[str, float]
MODULE = "indicators"


@dataclass(frozen=True)
class Source:
    """One grouped query. ``measures`` maps a name to an aggregate expression."""

    key: str
    label: str
    queryset: Callable[[], QuerySet]
    measures: Callable[[], dict]
    path_field: str = "area_path"
    # Flow sources count the records of a month on this field; stock sources have none
    # and describe the register as it is now.
    period_field: str | None = None
    period_is_date: bool = False
    # Departments' figures group records by this field (department ranking) or, when the
    # department sits in an expression (a JSON key, a subquery), by ``department_expr()``.
    department_field: str | None = None
    department_expr: Callable[[], object] | None = None
    # False when a record may be counted in several groups (a worker on two grids): the
    # node's total then takes its own query instead of summing the groups.
    additive: bool = True
    # Measures that SQL grouping cannot give (distinct days per grid, compliance from
    # another app's set-based query) come per grid from this function instead:
    # (node path, month) → {record's area path: {measure: value}}; the engine adds the
    # rows up into the node and its children. ``measures`` then only names them.
    grid_rows: Callable[[str, object], dict] | None = None
    # False while the app holding the data is not installed yet.
    available: Callable[[], bool] = field(default=lambda: True)

    @property
    def is_flow(self) -> bool:
        return bool(self.period_field) or self.grid_rows is not None

    @property
    def ranks_departments(self) -> bool:
        return bool(self.department_field) or self.department_expr is not None

    def department_key(self):
        """The expression grouping this source's records by department."""
        if self.department_expr is not None:
            return self.department_expr()
        return F(self.department_field)


@dataclass(frozen=True)
class BriefingSection:
    """A section of the monthly briefing built from one app's indicators.

    ``title``, ``columns`` and the row labels are Chinese marked with ``gettext_noop``
    (translated when drawn). ``rows`` are ``(label, (code or None per column))``: the
    node's figures. ``by_area`` codes are tabulated per sub-area. ``gaps`` are ``(share
    code, count code)`` pairs: the count for the node (residents left out…) and the
    sub-area with the lowest share. ``note()`` is one sentence under the title (the
    thresholds, when the figures were computed)."""

    key: str
    title: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, tuple[str | None, ...]], ...] = ()
    by_area: tuple[str, ...] = ()
    gaps: tuple[tuple[str, str], ...] = ()
    note: Callable[[], str] | None = None
    order: float = 100


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit: str
    group: str
    needs: tuple[str, ...]
    compute: Callable[[Measures], float | None]
    decimals: int = 0
    higher_is_better: bool = True
    description: str = ""
    # (area, period, department id or None) → the URL of the records behind the figure.
    drill: Callable[..., str | None] | None = None
    # Who may follow it (the records' own permission); None: whoever sees the dashboard.
    drill_allowed: Callable[..., bool] | None = None
    # One sentence explaining the formula with its current settings (shown on the page).
    explain: Callable[[], str] | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(need.split(".", 1)[0] for need in self.needs))


SOURCES: dict[str, Source] = {}
INDICATORS: dict[str, Indicator] = {}
# panel name → {indicator code: order}
PANELS: dict[str, dict[str, float]] = {}
# Functions (prefix, period, limit) → GeoJSON features to pin on the map.
MAP_POINTS: list[Callable] = []
# (basis indicator code, minimum()) pairs: a department whose basis is below the minimum
# is listed apart from the department ranking, not ranked.
RANKING_MINIMUMS: list[tuple[str, Callable[[], float]]] = []
# Sections of the monthly briefing the apps add (``BRIEFING`` in their indicators.py).
BRIEFING_SECTIONS: list[BriefingSection] = []
# Values an indicator reads once per evaluation (composite weights…); cleared by
# ``evaluation_started``.
EVALUATION_CACHE: dict = {}


def register_source(source: Source) -> Source:
    if source.key in SOURCES:
        raise ValueError(f"duplicate source {source.key}")
    SOURCES[source.key] = source
    return source


def register(indicator: Indicator) -> Indicator:
    if indicator.code in INDICATORS:
        raise ValueError(f"duplicate indicator {indicator.code}")
    for need in indicator.needs:
        source_key, _, _ = need.partition(".")
        if source_key not in SOURCES:
            raise ValueError(f"{indicator.code} needs unknown source {source_key}")
    INDICATORS[indicator.code] = indicator
    return indicator


def panels_add(panels: Mapping[str, Mapping[str, float]]) -> None:
    for name, entries in panels.items():
        PANELS.setdefault(name, {}).update(entries)


def panel(name: str) -> list[str]:
    """The codes an app declared for dashboard panel ``name``, in their order."""
    entries = PANELS.get(name, {})
    return sorted(entries, key=lambda code: entries[code])


# Discovery -------------------------------------------------------------------------------

_discovered: list[str] = []


def discover() -> list[str]:
    """Import ``platform.py`` and every installed app's ``indicators`` module once; each
    registers its sources and indicators, its panels and map points. Returns the modules."""
    if _discovered:
        return _discovered
    from django.apps import apps

    names = ["wangge.indicators.platform"]
    for config in apps.get_app_configs():
        candidate = f"{config.name}.{MODULE}"
        if config.name == "wangge.indicators":
            continue
        if _module_exists(candidate):
            names.append(candidate)
    for name in names:
        module = importlib.import_module(name)
        panels_add(getattr(module, "PANELS", {}))
        if (points := getattr(module, "MAP_POINTS", None)) is not None:
            MAP_POINTS.append(points)
        if (minimum := getattr(module, "RANKING_MINIMUM", None)) is not None:
            RANKING_MINIMUMS.append(minimum)
        BRIEFING_SECTIONS.extend(getattr(module, "BRIEFING", ()))
    BRIEFING_SECTIONS.sort(key=lambda section: section.order)
    _discovered.extend(names)
    return _discovered


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def module_available(name: str) -> Callable[[], bool]:
    """A source's ``available`` check: the module holding its data can be imported."""

    def check() -> bool:
        return _module_exists(name)

    return check


def evaluation_started() -> None:
    EVALUATION_CACHE.clear()


def cached(key: str, compute: Callable[[], object]):
    """``compute()`` once per evaluation (see ``evaluation_started``)."""
    if key not in EVALUATION_CACHE:
        EVALUATION_CACHE[key] = compute()
    return EVALUATION_CACHE[key]


# Formula helpers -----------------------------------------------------------------------


def value_of(measures: Measures, key: str) -> float:
    return measures.get(key) or 0


def count_of(code, name_zh, name_en, unit, group, measure, **kwargs) -> Indicator:
    return register(
        Indicator(
            code,
            name_zh,
            name_en,
            unit,
            group,
            (measure,),
            lambda m, key=measure: value_of(m, key),
            **kwargs,
        )
    )


def ratio(numerator: str, denominator: str, *, scale: float = 100.0):
    def compute(measures: Measures) -> float | None:
        base = value_of(measures, denominator)
        if not base:
            return None
        return value_of(measures, numerator) * scale / base

    return compute


def rate(code, name_zh, name_en, group, numerator, denominator, **kwargs) -> Indicator:
    """A percentage; empty (None) when the denominator is zero."""
    kwargs.setdefault("decimals", 1)
    return register(
        Indicator(
            code,
            name_zh,
            name_en,
            "%",
            group,
            (numerator, denominator),
            ratio(numerator, denominator),
            **kwargs,
        )
    )


def average(code, name_zh, name_en, unit, group, total, number, **kwargs) -> Indicator:
    kwargs.setdefault("decimals", 1)
    return register(
        Indicator(
            code,
            name_zh,
            name_en,
            unit,
            group,
            (total, number),
            ratio(total, number, scale=1.0),
            **kwargs,
        )
    )


# Reading the registry --------------------------------------------------------------------


def indicator_get(code: str) -> Indicator:
    return INDICATORS[code]


def indicators_ordered() -> list[Indicator]:
    """Every indicator, grouped (groups in order of first registration), then in
    registration order within a group."""
    groups: dict[str, int] = {}
    for ind in INDICATORS.values():
        groups.setdefault(ind.group, len(groups))
    return sorted(INDICATORS.values(), key=lambda ind: groups[ind.group])


def is_flow(indicator: Indicator) -> bool:
    """A flow indicator counts the records of the chosen month; a stock one is 'now'."""
    return any(SOURCES[key].is_flow for key in indicator.sources)


def is_available(indicator: Indicator) -> bool:
    return all(SOURCES[key].available() for key in indicator.sources)
