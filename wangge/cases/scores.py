"""The closed loop's rates and the composite score leaders rank departments by.

Rates round as ``wangge.cases.kpi`` rounds, so the dashboards and the KPI table show the
same figure. The composite score is the weighted mean of response, resolution and
satisfaction (``KpiWeights``), less deductions in proportion to the share of late cases,
of returns and of failed checks (the ``WANGGE_SCORE_…_DEDUCTION`` settings), never below 0.
"""

from django.conf import settings

from wangge.indicators.definitions import cached, value_of


def kpi_rate_of(numerator: str, denominator: str):
    """Rounded exactly as the KPI table rounds, so both pages show the same figure."""

    def compute(measures) -> float | None:
        from wangge.cases.kpi import percent_of

        return percent_of(value_of(measures, numerator), value_of(measures, denominator))

    return compute


def on_time(measures) -> float | None:
    from wangge.cases.kpi import percent_of

    due = value_of(measures, "kpi.resolved") + value_of(measures, "kpi.open_late")
    return percent_of(value_of(measures, "kpi.resolved_on_time"), due)


def kpi_weights_cached() -> tuple[int, int, int]:
    """The composite weights, read once per evaluation."""
    from wangge.cases.kpi import kpi_weights

    return cached("kpi_weights", kpi_weights)


def _share(measures, numerator: str, denominator: str) -> float:
    base = value_of(measures, denominator)
    return value_of(measures, numerator) / base if base else 0.0


def composite(measures) -> float | None:
    """The weighted mean of response, resolution and satisfaction, less deductions in
    proportion to the share of late cases, of returns and of failed checks; never below 0."""
    from wangge.cases.kpi import composite_score, percent_of

    dispatched = value_of(measures, "kpi.dispatched")
    base = composite_score(
        response=percent_of(value_of(measures, "kpi.signed_on_time"), dispatched),
        resolution=percent_of(value_of(measures, "kpi.resolved"), dispatched),
        satisfaction=percent_of(
            value_of(measures, "ratings.content"), value_of(measures, "ratings.rated")
        ),
        weights=kpi_weights_cached(),
    )
    if base is None:
        return None
    on_time_rate = on_time(measures)
    late_share = (100 - on_time_rate) / 100 if on_time_rate is not None else 0.0
    deduction = (
        settings.WANGGE_SCORE_LATE_DEDUCTION * late_share
        + settings.WANGGE_SCORE_RETURN_DEDUCTION
        * _share(measures, "handling.returned", "handling.assigned")
        + settings.WANGGE_SCORE_REWORK_DEDUCTION
        * _share(measures, "handling.failed", "handling.checked")
    )
    return max(0.0, base - deduction)


def score_formula() -> str:
    """The composite score in one sentence, with the weights and settings in force."""
    response, resolution, satisfaction = kpi_weights_cached()
    total = response + resolution + satisfaction or 1
    return (
        f"综合评分 = 响应率×{response * 100 // total}% + 办结率×{resolution * 100 // total}%"
        f" + 满意率×{satisfaction * 100 // total}%，"
        f"再按超期办结比例最多扣 {settings.WANGGE_SCORE_LATE_DEDUCTION} 分、"
        f"退回比例最多扣 {settings.WANGGE_SCORE_RETURN_DEDUCTION} 分、"
        f"核查不通过比例最多扣 {settings.WANGGE_SCORE_REWORK_DEDUCTION} 分（最低 0 分）；"
        f"当月派遣不足 {settings.WANGGE_SCORE_MIN_CASES} 件的部门单列，不参与排名。"
    )
