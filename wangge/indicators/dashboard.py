"""What a dashboard, the command-centre screen and the monthly briefing show.

One call reads every figure of a node and its children (``area_figures``), then the
department ranking and the monthly trend; the pages only lay these out.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from wangge.areas.models import Area
from wangge.core import clock
from wangge.indicators.definitions import INDICATORS, is_available, is_flow, panel
from wangge.indicators.labels import indicator_name, indicator_unit
from wangge.indicators.periods import Period
from wangge.indicators.selectors import (
    AreaFigures,
    area_figures,
    breadcrumb,
    child_kind_label,
    department_indicators,
    department_ranking,
    indicator_rows,
    monthly_trend,
    ranking_rows,
)

# The panels' indicators come from the apps (``PANELS`` in each app's indicators.py).
TREND_MONTHS = 12


def _available(codes) -> list[str]:
    return [code for code in codes if code in INDICATORS and is_available(INDICATORS[code])]


def default_rank_by() -> str:
    """The first available indicator of panel ``rank_by`` (the composite score…)."""
    return next(iter(_available(panel("rank_by"))), next(iter(INDICATORS)))


def rank_choices() -> list[tuple[str, str]]:
    return [(ind.code, indicator_name(ind)) for ind in INDICATORS.values() if is_available(ind)]


def clean_rank_by(value: str | None) -> str:
    if value in INDICATORS and is_available(INDICATORS[value]):
        return value
    return default_rank_by()


def indicator_meta(codes) -> dict:
    return {
        code: {
            "name": indicator_name(INDICATORS[code]),
            "unit": indicator_unit(INDICATORS[code]),
            "decimals": INDICATORS[code].decimals,
            "higher_is_better": INDICATORS[code].higher_is_better,
            "flow": is_flow(INDICATORS[code]),
        }
        for code in codes
    }


def area_url(area: Area, period: Period, rank_by: str | None = None) -> str:
    url = f"{reverse('indicators:area', args=[area.code])}?period={period.key}"
    return f"{url}&rank_by={rank_by}" if rank_by else url


@dataclass
class Dashboard:
    area: Area
    period: Period
    trail: list[Area]
    figures: AreaFigures
    rank_by: str
    table: list[dict]
    headline: list[dict]
    ranking: list[dict]
    ranking_columns: list[str]
    departments: list[dict]
    department_columns: list[str]
    trend: dict
    child_label: str
    # Departments with too few cases: listed apart, not ranked.
    departments_apart: list[dict] = field(default_factory=list)
    # One sentence per indicator that explains its formula (the composite score…).
    explanations: dict[str, str] = field(default_factory=dict)

    def chart_data(self) -> dict:
        """Everything the charts need, for ``json_script`` (never marked safe)."""
        codes = list(
            dict.fromkeys(
                [
                    self.rank_by,
                    *self.ranking_columns,
                    *self.trend["series"],
                    *self.department_columns,
                    *(row["code"] for row in self.headline),
                ]
            )
        )
        return {
            "area": {"code": self.area.code, "name": self.area.name},
            "period": self.period.key,
            "period_label": self.period.label,
            "rank_by": self.rank_by,
            "indicators": indicator_meta(codes),
            "headline": self.headline,
            "children": [
                {
                    "code": row["area"].code,
                    "name": row["area"].name,
                    "rank": row["rank"],
                    "url": area_url(row["area"], self.period, self.rank_by),
                    "values": {
                        code: row["values"].get(code)
                        for code in dict.fromkeys([self.rank_by, *self.ranking_columns])
                    },
                }
                for row in self.ranking
            ],
            "trend": self.trend,
            "departments": [
                {
                    "name": row["department"].name,
                    "rank": row["rank"],
                    "values": {code: row["values"].get(code) for code in self.department_columns},
                }
                for row in self.departments
            ],
            "department_columns": self.department_columns,
            "ranking_columns": self.ranking_columns,
            "generated_at": clock.now().astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S"),
            "computed_at": (
                self.figures.computed_at.astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S")
                if self.figures.computed_at
                else None
            ),
        }


def links_for(codes, area, period, department=None, *, user) -> dict[str, str]:
    """{code: URL of the records behind the figure} for the indicators that know one and
    whose records ``user`` may open (a dashboard never offers a link that answers 404)."""
    links = {}
    for code in codes:
        indicator = INDICATORS.get(code)
        if indicator is None or indicator.drill is None:
            continue
        if indicator.drill_allowed is not None and not indicator.drill_allowed(user):
            continue
        if url := indicator.drill(area, period, department):
            links[code] = url
    return links


def dashboard_build(
    *, user, area: Area, period: Period, rank_by: str | None = None, with_trend: bool = True
) -> Dashboard:
    rank_by = clean_rank_by(rank_by)
    figures = area_figures(user=user, area=area, period=period)
    ranking_columns = [code for code in _available(panel("ranking")) if code != rank_by]
    department_columns = _available(department_indicators())
    trend = (
        monthly_trend(
            user=user,
            area=area,
            period=period,
            codes=_available(panel("trend")),
            months=TREND_MONTHS,
        )
        if with_trend
        else {"months": [], "series": {}}
    )
    table = indicator_rows(figures)
    by_code = {row["code"]: row for row in table}
    for row in table:
        row["url"] = links_for([row["code"]], area, period, user=user).get(row["code"])
    ranking = ranking_rows(figures, rank_by) if figures.children else []
    for row in ranking:
        row["links"] = links_for([rank_by, *ranking_columns], row["area"], period, user=user)
    departments = department_ranking(user=user, area=area, period=period, codes=department_columns)
    for row in departments:
        row["links"] = links_for(department_columns, area, period, row["department"].pk, user=user)
    shown = dict.fromkeys([rank_by, *ranking_columns, *department_columns])
    return Dashboard(
        area=area,
        period=period,
        trail=breadcrumb(user=user, area=area),
        figures=figures,
        rank_by=rank_by,
        table=table,
        headline=[by_code[code] for code in _available(panel("headline"))],
        ranking=ranking,
        ranking_columns=ranking_columns,
        departments=[row for row in departments if not row["apart"]],
        departments_apart=[row for row in departments if row["apart"]],
        explanations={
            code: INDICATORS[code].explain() for code in shown if INDICATORS[code].explain
        },
        department_columns=department_columns,
        trend=trend,
        child_label=child_kind_label(area),
    )
