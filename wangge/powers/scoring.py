"""The figures the system already knows about a stationed office in a street's year, as
scores 0–100 for the assessment's criteria (docs/domain.md, "Devolved powers"):

- 吹哨报到按时率: check-ins by the deadline / calls, in percent;
- 吹哨报到评价: the street's average rating (1–5 stars) × 20;
- 事件办理综合评分: the closed loop's composite score of the department for the cases
  the user may see (for a street's staff: the cases in their street), from
  ``wangge.cases.kpi.kpi_table``;
- 街道评分: typed in by the street (no system figure).

A figure with nothing behind it (no calls, no cases) is None; the total leaves such a
criterion out and renormalises the weights, as the closed loop's composite does.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from wangge.core import clock

from .models import Criterion, CriterionSource

DEFAULT_CRITERIA = [
    ("吹哨报到按时率", CriterionSource.SUMMONS_CHECK_IN, 25),
    ("吹哨报到评价", CriterionSource.SUMMONS_RATING, 25),
    ("事件办理综合评分", CriterionSource.CLOSED_LOOP, 30),
    ("街道综合评价", CriterionSource.STREET, 20),
]


def criteria_in_force() -> list[Criterion]:
    """The city's criteria; the defaults (docs/domain.md) when none are configured."""
    rows = list(Criterion.objects.all())
    if not rows:
        for order, (name, source, weight) in enumerate(DEFAULT_CRITERIA):
            Criterion.objects.get_or_create(source=source, defaults={"name": name, "weight": weight, "order": order})
        rows = list(Criterion.objects.all())
    return rows


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return (
        datetime.combine(date(year, 1, 1), time(0), tzinfo=clock.LOCAL_TZ),
        datetime.combine(date(year + 1, 1, 1), time(0), tzinfo=clock.LOCAL_TZ),
    )


def system_figures(*, user, street, year: int) -> dict[int, dict]:
    """{department id: {source: score or None, plus the raw figures}} for a street's year."""
    from wangge.cases.kpi import kpi_table
    from wangge.cases.selectors import summons_department_figures

    start, end = _year_bounds(year)
    summons = summons_department_figures(street_id=street.pk, start=start, end=end)
    kpis = {
        row["key"]: row
        for row in kpi_table(user=user, period_start=date(year, 1, 1), period_end=date(year, 12, 31),
                             group_by="department")
    }
    figures: dict[int, dict] = {}
    for department_id in set(summons) | set(kpis):
        calls = summons.get(department_id, {})
        kpi = kpis.get(department_id, {})
        on_time = round(100.0 * calls["on_time"] / calls["calls"], 1) if calls.get("calls") else None
        stars = calls.get("stars")
        figures[department_id] = {
            CriterionSource.SUMMONS_CHECK_IN: on_time,
            CriterionSource.SUMMONS_RATING: round(stars * 20, 1) if stars is not None else None,
            CriterionSource.CLOSED_LOOP: kpi.get("composite"),
            "calls": calls.get("calls", 0),
            "rated": calls.get("rated", 0),
            "stars": round(stars, 2) if stars is not None else None,
            "dispatched": kpi.get("dispatched", 0),
        }
    return figures


def weighted_total(scores: dict[str, float | None], criteria: list[Criterion]) -> Decimal:
    parts = [(c.weight, scores.get(str(c.pk))) for c in criteria]
    parts = [(w, v) for w, v in parts if v is not None and w]
    total = sum(w for w, _ in parts)
    if not total:
        return Decimal("0")
    return Decimal(str(round(sum(w * float(v) for w, v in parts) / total, 1)))
