"""What a dashboard, the command-centre screen and the monthly briefing show.

One call reads every figure of a node and its children (``area_figures``), then the
department ranking and the monthly trend; the pages only lay these out.
"""

from dataclasses import dataclass

from django.urls import reverse

from wangge.areas.models import Area
from wangge.core import clock
from wangge.indicators.definitions import INDICATORS, is_available, is_flow
from wangge.indicators.periods import Period
from wangge.indicators.selectors import (
    DEPARTMENT_INDICATORS,
    AreaFigures,
    area_figures,
    breadcrumb,
    child_kind_label,
    department_ranking,
    indicator_rows,
    monthly_trend,
    ranking_rows,
)

HEADLINE = (
    "communities",
    "grids",
    "grid_workers",
    "households",
    "residents",
    "care_people",
    "cases_received",
    "cases_overdue",
    "composite_score",
    "patrol_rate",
)
RANKING_COLUMNS = (
    "composite_score",
    "cases_received",
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "on_time_rate",
    "patrol_rate",
    "care_visit_rate",
    "grids",
    "grid_workers",
    "residents",
)
TREND_CODES = (
    "cases_received",
    "cases_dispatched",
    "composite_score",
    "resolution_rate",
    "satisfaction_rate",
    "on_time_rate",
    "patrol_rate",
    "visits",
    "care_visit_rate",
)
TREND_MONTHS = 12


def _available(codes) -> list[str]:
    return [code for code in codes if code in INDICATORS and is_available(INDICATORS[code])]


def default_rank_by() -> str:
    return "composite_score" if is_available(INDICATORS["composite_score"]) else "residents"


def rank_choices() -> list[tuple[str, str]]:
    return [(ind.code, ind.name_zh) for ind in INDICATORS.values() if is_available(ind)]


def clean_rank_by(value: str | None) -> str:
    if value in INDICATORS and is_available(INDICATORS[value]):
        return value
    return default_rank_by()


def indicator_meta(codes) -> dict:
    return {
        code: {
            "name": INDICATORS[code].name_zh,
            "unit": INDICATORS[code].unit,
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


def dashboard_build(
    *, user, area: Area, period: Period, rank_by: str | None = None, with_trend: bool = True
) -> Dashboard:
    rank_by = clean_rank_by(rank_by)
    figures = area_figures(user=user, area=area, period=period)
    ranking_columns = [code for code in _available(RANKING_COLUMNS) if code != rank_by]
    department_columns = _available(DEPARTMENT_INDICATORS)
    trend = (
        monthly_trend(
            user=user, area=area, period=period, codes=_available(TREND_CODES), months=TREND_MONTHS
        )
        if with_trend
        else {"months": [], "series": {}}
    )
    table = indicator_rows(figures)
    by_code = {row["code"]: row for row in table}
    return Dashboard(
        area=area,
        period=period,
        trail=breadcrumb(user=user, area=area),
        figures=figures,
        rank_by=rank_by,
        table=table,
        headline=[by_code[code] for code in _available(HEADLINE)],
        ranking=ranking_rows(figures, rank_by) if figures.children else [],
        ranking_columns=ranking_columns,
        departments=department_ranking(
            user=user, area=area, period=period, codes=department_columns
        ),
        department_columns=department_columns,
        trend=trend,
        child_label=child_kind_label(area),
    )
