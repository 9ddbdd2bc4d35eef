"""Running one source: the grouped query both the live figures (``selectors.py``) and the
rebuild of the precomputed ones (``rollups.py``) are made of."""

from datetime import timedelta

from wangge.indicators.definitions import Source
from wangge.indicators.periods import Period


def period_filter(source: Source, first: Period, last: Period) -> dict:
    if source.period_is_date:
        start, end = first.first_day, last.next.first_day
    else:
        start, end = first.start, last.end
    return {f"{source.period_field}__gte": start, f"{source.period_field}__lt": end}


def number(value):
    if value is None:
        return 0
    if isinstance(value, timedelta):
        return value.total_seconds()
    return value if isinstance(value, int) else float(value)


def source_rows(
    source: Source, *, prefix: str, periods: tuple[Period, Period] | None, group=None
) -> dict:
    """Run one source: {group key: {measure: value}} (key None when not grouped)."""
    queryset = source.queryset()
    if prefix:
        queryset = queryset.filter(**{f"{source.path_field}__under": prefix})
    if source.period_field and periods is not None:
        queryset = queryset.filter(**period_filter(source, *periods))
    aggregates = {f"m_{name}": expr for name, expr in source.measures().items()}
    queryset = queryset.order_by()
    if group is None:
        row = queryset.aggregate(**aggregates)
        return {None: {name[2:]: number(value) for name, value in row.items()}}
    rows = queryset.annotate(grp=group).values("grp").annotate(**aggregates)
    result = {}
    for row in rows:
        key = row.pop("grp")
        result[key] = {name[2:]: number(value) for name, value in row.items()}
    return result
