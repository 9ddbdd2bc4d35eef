"""The written part of the monthly briefing, generated from the figures: the month in
brief (the headline panel), what rose and what fell against the month before (the trend
panel), who is best and worst (the sub-area and department rankings) and what is overdue
(panel ``overdue``). Every sentence names its figures; nothing is typed in."""

from wangge.indicators.dashboard import Dashboard
from wangge.indicators.definitions import INDICATORS, panel
from wangge.indicators.templatetags.indicator_tags import figure

# At most this many indicators are named among those that rose (or fell), in panel order.
MAX_CHANGES = 6


def _value(code: str, value) -> str:
    ind = INDICATORS[code]
    unit = ind.unit if ind.unit != "%" else "%"
    return f"{figure(value, ind.decimals)}{unit}"


def _overview(board: Dashboard) -> str:
    parts = [
        f"{row['name']}{_value(row['code'], row['value'])}"
        for row in board.headline
        if row["value"] is not None
    ]
    return f"{board.period.label}，{board.area.name}：" + "，".join(parts) + "。"


def _change(code: str, before, now) -> tuple[float, str]:
    ind = INDICATORS[code]
    delta = now - before
    if ind.unit == "%":
        amount = f"{figure(abs(delta), 1)} 个百分点"
    else:
        amount = f"{figure(abs(delta), ind.decimals)}{ind.unit}"
    good = (delta > 0) == ind.higher_is_better
    verdict = "向好" if good else "需关注"
    return abs(delta), (
        f"{ind.name_zh}由{_value(code, before)}变为{_value(code, now)}（{amount}，{verdict}）"
    )


def _changes(board: Dashboard) -> str:
    months, series = board.trend.get("months") or [], board.trend.get("series") or {}
    if len(months) < 2:
        return ""
    rose, fell = [], []
    for code, values in series.items():
        before, now = values[-2], values[-1]
        if before is None or now is None or before == now:
            continue
        (rose if now > before else fell).append(_change(code, before, now))
    if not rose and not fell:
        return "与上月相比，主要指标基本持平。"
    text = []
    for label, items in (("上升的有", rose), ("下降的有", fell)):
        if items:
            text.append(f"{label}：" + "；".join(sentence for _, sentence in items[:MAX_CHANGES]))
    return "与上月相比，" + "。".join(text) + "。"


def _best_and_worst(rows: list[dict], name_of, code: str, kind: str) -> str:
    ranked = [row for row in rows if row.get("rank") is not None]
    if len(ranked) < 2:
        return ""
    ind = INDICATORS[code]
    best, worst = ranked[0], ranked[-1]
    return (
        f"{kind}中{ind.name_zh}最好的是{name_of(best)}（{_value(code, best['values'][code])}），"
        f"最差的是{name_of(worst)}（{_value(code, worst['values'][code])}）。"
    )


def _departments(board: Dashboard) -> str:
    if not board.department_columns:
        return ""
    code = board.department_columns[0]
    text = _best_and_worst(board.departments, lambda row: row["department"].name, code, "职能部门")
    if board.departments_apart:
        names = "、".join(row["department"].name for row in board.departments_apart)
        text += f"{names}本月件数不足，单列不排名。"
    return text


def _overdue(board: Dashboard) -> str:
    sentences = []
    for code in panel("overdue"):
        total = board.figures.total.get(code)
        if code not in INDICATORS or total is None:
            continue
        name = INDICATORS[code].name_zh
        if not total:
            sentences.append(f"{name}为 0。")
            continue
        text = f"{name}{_value(code, total)}"
        worst = max(board.figures.children, key=lambda child: child[1].get(code) or 0, default=None)
        if worst is not None and worst[1].get(code):
            text += f"，其中{worst[0].name}最多（{_value(code, worst[1][code])}）"
        sentences.append(text + "，请相关单位抓紧办理。")
    return "".join(sentences)


def briefing_summary(board: Dashboard) -> list[str]:
    """The summary's paragraphs, in the order an office writes them."""
    areas = _best_and_worst(
        board.ranking,
        lambda row: row["area"].name,
        board.rank_by,
        f"下级{board.child_label or '区域'}",
    )
    paragraphs = [
        _overview(board),
        _changes(board),
        areas + _departments(board),
        _overdue(board),
    ]
    return [text for text in paragraphs if text]
