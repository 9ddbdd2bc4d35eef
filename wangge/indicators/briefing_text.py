"""The written part of the monthly briefing, generated from the figures: the month in
brief (the headline panel), what rose and what fell against the month before (the trend
panel), who is best and worst (the sub-area and department rankings) and what is overdue
(panel ``overdue``). Every sentence names its figures; nothing is typed in."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wangge.indicators.dashboard import Dashboard
from wangge.indicators.definitions import INDICATORS, panel
from wangge.indicators.labels import english, indicator_name, indicator_unit
from wangge.indicators.templatetags.indicator_tags import figure

# At most this many indicators are named among those that rose (or fell), in panel order.
MAX_CHANGES = 6


def _value(code: str, value) -> str:
    ind = INDICATORS[code]
    unit = indicator_unit(ind)
    if english() and unit and unit != "%":
        unit = f" {unit}"
    return f"{figure(value, ind.decimals)}{unit}"


def _overview(board: Dashboard) -> str:
    parts = [
        _("{name}{value}").format(name=row["name"], value=_value(row["code"], row["value"]))
        for row in board.headline
        if row["value"] is not None
    ]
    return _("{month}，{area}：{parts}。").format(
        month=board.period.label, area=board.area.name, parts=_("，").join(parts)
    )


def _change(code: str, before, now) -> tuple[float, str]:
    ind = INDICATORS[code]
    delta = now - before
    if ind.unit == "%":
        amount = _("{n} 个百分点").format(n=figure(abs(delta), 1))
    else:
        amount = _value(code, abs(delta))
    good = (delta > 0) == ind.higher_is_better
    verdict = _("向好") if good else _("需关注")
    return abs(delta), _("{name}由{before}变为{now}（{amount}，{verdict}）").format(
        name=indicator_name(ind),
        before=_value(code, before),
        now=_value(code, now),
        amount=amount,
        verdict=verdict,
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
        return _("与上月相比，主要指标基本持平。")
    text = []
    for label, items in ((_("上升的有"), rose), (_("下降的有"), fell)):
        if items:
            sentences = _("；").join(sentence for __, sentence in items[:MAX_CHANGES])
            text.append(_("{label}：{sentences}").format(label=label, sentences=sentences))
    return _("与上月相比，{changes}。").format(changes=pgettext("sentence joiner", "。").join(text))


def _best_and_worst(rows: list[dict], name_of, code: str, kind: str) -> str:
    ranked = [row for row in rows if row.get("rank") is not None]
    if len(ranked) < 2:
        return ""
    ind = INDICATORS[code]
    best, worst = ranked[0], ranked[-1]
    return _(
        "{kind}中{name}最好的是{best}（{best_value}），最差的是{worst}（{worst_value}）。"
    ).format(
        kind=kind,
        name=indicator_name(ind),
        best=name_of(best),
        best_value=_value(code, best["values"][code]),
        worst=name_of(worst),
        worst_value=_value(code, worst["values"][code]),
    )


def _departments(board: Dashboard) -> str:
    if not board.department_columns:
        return ""
    code = board.department_columns[0]
    text = _best_and_worst(
        board.departments, lambda row: row["department"].name, code, _("职能部门")
    )
    if board.departments_apart:
        names = _("、").join(row["department"].name for row in board.departments_apart)
        text += _("{names}本月件数不足，单列不排名。").format(names=names)
    return text


def _overdue(board: Dashboard) -> str:
    sentences = []
    for code in panel("overdue"):
        total = board.figures.total.get(code)
        if code not in INDICATORS or total is None:
            continue
        name = indicator_name(INDICATORS[code])
        if not total:
            sentences.append(_("{name}为 0。").format(name=name))
            continue
        text = _("{name}{value}").format(name=name, value=_value(code, total))
        worst = max(board.figures.children, key=lambda child: child[1].get(code) or 0, default=None)
        if worst is not None and worst[1].get(code):
            text += _("，其中{area}最多（{value}）").format(
                area=worst[0].name, value=_value(code, worst[1][code])
            )
        sentences.append(text + _("，请相关单位抓紧办理。"))
    return "".join(sentences)


def sub_areas_of(board: Dashboard) -> str:
    """下级街道 / sub-areas (街道)."""
    return _("下级{kind}").format(kind=board.child_label or _("区域"))


def briefing_summary(board: Dashboard) -> list[str]:
    """The summary's paragraphs, in the order an office writes them."""
    areas = _best_and_worst(
        board.ranking,
        lambda row: row["area"].name,
        board.rank_by,
        sub_areas_of(board),
    )
    paragraphs = [
        _overview(board),
        _changes(board),
        areas + _departments(board),
        _overdue(board),
    ]
    return [text for text in paragraphs if text]
