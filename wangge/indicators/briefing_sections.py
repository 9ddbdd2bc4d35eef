"""The apps' own sections of the monthly briefing (``BRIEFING`` in their indicators.py,
see ``definitions.BriefingSection``): a table of the node's figures, the same figures per
sub-area, and one sentence per gap naming the sub-area that is worst served. Every
figure is an indicator already computed for the board: nothing here queries records."""

from django.utils.translation import gettext as _

from wangge.indicators.dashboard import Dashboard
from wangge.indicators.definitions import BRIEFING_SECTIONS, INDICATORS, is_available
from wangge.indicators.labels import indicator_name, indicator_unit
from wangge.indicators.templatetags.indicator_tags import figure, in_brackets


def _shown(code: str | None) -> bool:
    return bool(code) and code in INDICATORS and is_available(INDICATORS[code])


def _text(code: str | None, value) -> str:
    if not _shown(code):
        return "—"
    ind = INDICATORS[code]
    unit = indicator_unit(ind)
    return f"{figure(value, ind.decimals)}{unit}" if value is not None else "—"


def _gap(board: Dashboard, share_code: str, count_code: str) -> str:
    if not (_shown(share_code) and _shown(count_code)):
        return ""
    total = board.figures.total.get(count_code)
    if total is None:
        return ""
    text = _("{name}{value}").format(name=indicator_name(INDICATORS[count_code]), value=_text(count_code, total))
    ranked = [(child, values) for child, values in board.figures.children if values.get(share_code) is not None]
    if total and len(ranked) > 1:  # naming the lowest of one sub-area says nothing
        worst, values = min(ranked, key=lambda item: (item[1][share_code], getattr(item[0], "path", "")))
        text += _("，{area}{name}最低（{share}，{count}）").format(
            area=worst.name, name=indicator_name(INDICATORS[share_code]),
            share=_text(share_code, values[share_code]), count=_text(count_code, values.get(count_code)),
        )
    return text + _("。")


def briefing_sections(board: Dashboard) -> list[dict]:
    """Each app section with figures: {key, title, note, columns, rows, area_columns,
    areas, gaps}; a section whose indicators are all empty for the node is left out."""
    sections = []
    for section in BRIEFING_SECTIONS:
        codes = [c for _label, cells in section.rows for c in cells if c] + list(section.by_area)
        codes += [c for pair in section.gaps for c in pair]
        if not any(_shown(c) and board.figures.total.get(c) is not None for c in codes):
            continue
        rows = [
            {"label": _(label), "cells": [_text(c, board.figures.total.get(c)) if c else "—" for c in cells],
             "values": [board.figures.total.get(c) if _shown(c) else None for c in cells]}
            for label, cells in section.rows
        ]
        by_area = [c for c in section.by_area if _shown(c)]
        areas = [
            {"area": child, "cells": [_text(c, values.get(c)) for c in by_area],
             "values": [values.get(c) for c in by_area]}
            for child, values in board.figures.children
        ] if by_area else []
        sections.append({
            "key": section.key,
            "title": _(section.title),
            "note": section.note() if section.note else "",
            "columns": [_(column) for column in section.columns],
            "rows": rows,
            "area_columns": [indicator_name(INDICATORS[c]) + in_brackets(indicator_unit(INDICATORS[c]))
                             for c in by_area],
            "areas": areas,
            "gaps": [text for pair in section.gaps if (text := _gap(board, *pair))],
        })
    return sections
