"""The monthly briefing (月度通报) an office sends: the letterhead (issuing unit, number,
period), a written summary generated from the figures (``briefing_text.py``), charts
(``charts.py``) and the tables of a node.

The print page (A4), the Word document (``briefing_docx.py``) and the Excel file read the
same ``Briefing``. Downloads are audited, rate-limited like every export, and Excel text
cells that a spreadsheet would take for a formula are escaped.
"""

import io
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from wangge.areas.models import Area
from wangge.audit.selectors import audit_recent_count
from wangge.audit.services import audit_record
from wangge.core import clock
from wangge.core.errors import ApplicationError
from wangge.indicators.briefing_sections import briefing_sections
from wangge.indicators.briefing_text import briefing_summary, sub_areas_of
from wangge.indicators.charts import Chart
from wangge.indicators.dashboard import Dashboard, dashboard_build, indicator_meta
from wangge.indicators.definitions import INDICATORS
from wangge.indicators.labels import indicator_name, indicator_unit
from wangge.indicators.periods import Period
from wangge.indicators.templatetags.indicator_tags import in_brackets

# Characters that make a spreadsheet read a text cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A department chart longer than this shows the best and the worst only (the table has all).
CHART_BEST, CHART_WORST = 10, 5


def cell_text(value):
    """Numbers stay numbers; text that could start a formula gets a leading apostrophe."""
    if value is None:
        return "—"
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass
class Briefing:
    board: Dashboard
    issuer: str
    number: str
    issued_on: date
    summary: list[str]
    charts: list[Chart] = field(default_factory=list)
    # The apps' own sections (``BRIEFING`` in their indicators.py; briefing_sections.py).
    sections: list[dict] = field(default_factory=list)

    # The tables read the board's attributes directly (briefing.ranking…).
    def __getattr__(self, name):
        if name == "board":
            raise AttributeError(name)
        return getattr(self.board, name)


def briefing_issuer(area: Area) -> str:
    return _("{area}{issuer}").format(area=area.name, issuer=_(settings.WANGGE_BRIEFING_ISSUER))


def briefing_number(period: Period) -> str:
    """〔year〕and the month as the issue number: one briefing a month."""
    return _("{prefix}〔{year}〕{month}号").format(
        prefix=_(settings.WANGGE_BRIEFING_NUMBER_PREFIX), year=period.year, month=period.month
    )


def _charts(board: Dashboard) -> list[Chart]:
    charts = []
    if board.ranking:
        ind = INDICATORS[board.rank_by]
        charts.append(
            Chart(
                _("{areas}{name}").format(areas=sub_areas_of(board), name=indicator_name(ind))
                + in_brackets(indicator_unit(ind)),
                indicator_unit(ind),
                ind.decimals,
                [(row["area"].name, row["values"].get(board.rank_by)) for row in board.ranking],
            )
        )
    if board.department_columns and board.departments:
        code = board.department_columns[0]
        ind = INDICATORS[code]
        title = _("职能部门{name}").format(name=indicator_name(ind))
        rows, title = board.departments, title + in_brackets(indicator_unit(ind))
        if len(rows) > CHART_BEST + CHART_WORST:
            rows = [*rows[:CHART_BEST], *rows[-CHART_WORST:]]
            title += _("：前 {best} 名与后 {worst} 名").format(best=CHART_BEST, worst=CHART_WORST)
        charts.append(
            Chart(
                title,
                indicator_unit(ind),
                ind.decimals,
                [(row["department"].name, row["values"].get(code)) for row in rows],
            )
        )
    return charts


def briefing_build(*, user, area: Area, period: Period) -> Briefing:
    board = dashboard_build(user=user, area=area, period=period)
    return Briefing(
        board=board,
        issuer=briefing_issuer(area),
        number=briefing_number(period),
        issued_on=clock.today(),
        summary=briefing_summary(board),
        charts=_charts(board),
        sections=briefing_sections(board),
    )


def briefing_title(briefing) -> str:
    return _("{area}{month}网格化基层治理工作通报").format(
        area=briefing.area.name, month=briefing.period.label
    )


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list]):
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append([cell_text(value) for value in row])
    for index, header in enumerate(headers, start=1):
        width = max(10, min(40, len(header) * 2 + 4))
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    return sheet


def briefing_workbook(briefing: Briefing) -> bytes:
    workbook = Workbook()
    cover = workbook.active
    cover.title = "通报"
    cover.append([cell_text(briefing_title(briefing))])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append(["发文单位", cell_text(briefing.issuer)])
    cover.append(["文号", cell_text(briefing.number)])
    cover.append(["统计区域", cell_text(briefing.area.name)])
    cover.append(["区划代码", cell_text(briefing.area.code)])
    cover.append(["统计月份", briefing.period.label])
    cover.append(["生成时间", clock.now().astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%d %H:%M")])
    cover.append(["说明", "全部数据由系统根据业务记录自动计算；标注“当前”的为时点数"])
    for index, paragraph in enumerate(briefing.summary):
        cover.append(["摘要" if index == 0 else "", cell_text(paragraph)])
        cover.cell(row=cover.max_row, column=2).alignment = Alignment(wrap_text=True)
    cover.column_dimensions["A"].width = 14
    cover.column_dimensions["B"].width = 60

    _sheet(
        workbook,
        "主要指标",
        ["类别", "指标", "数值", "单位", "口径"],
        [
            [
                row["group"],
                row["name"],
                row["value"],
                row["unit"],
                "当月" if row["flow"] else "当前",
            ]
            for row in briefing.table
            if row["available"]
        ],
    )
    if briefing.ranking:
        columns = [briefing.rank_by, *briefing.ranking_columns]
        meta = indicator_meta(columns)
        _sheet(
            workbook,
            "下级区域排名",
            [
                "名次",
                briefing.child_label or "区域",
                "区划代码",
                *(f"{meta[c]['name']}（{meta[c]['unit']}）" for c in columns),
            ],
            [
                [
                    row["rank"],
                    row["area"].name,
                    row["area"].code,
                    *(row["values"].get(c) for c in columns),
                ]
                for row in briefing.ranking
            ],
        )
    if briefing.department_columns:
        meta = indicator_meta(briefing.department_columns)
        _sheet(
            workbook,
            "职能部门排名",
            [
                "名次",
                "部门",
                *(f"{meta[c]['name']}（{meta[c]['unit']}）" for c in briefing.department_columns),
            ],
            [
                [
                    row["rank"],
                    row["department"].name,
                    *(row["values"].get(c) for c in briefing.department_columns),
                ]
                for row in briefing.departments
            ],
        )
    for section in briefing.sections:
        sheet = _sheet(
            workbook,
            section["title"][:31],
            ["", *section["columns"]],
            [[row["label"], *row["values"]] for row in section["rows"]],
        )
        if section["areas"]:
            sheet.append([])
            sheet.append([briefing.child_label or "区域", "区划代码", *section["area_columns"]])
            for row in section["areas"]:
                sheet.append([cell_text(row["area"].name), row["area"].code, *row["values"]])
        for text in [section["note"], *section["gaps"]]:
            if text:
                sheet.append([cell_text(text)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _limit_reached(actor) -> bool:
    per_hour = settings.WANGGE_EXPORT_PER_HOUR
    return audit_recent_count(action="export", actor=actor) >= per_hour


def _document(briefing: Briefing) -> bytes:
    from wangge.indicators.briefing_docx import briefing_document

    return briefing_document(briefing)


EXPORTS = {
    "docx": (
        _document,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        briefing_workbook,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


def briefing_export(
    *, actor, area: Area, period: Period, request=None, kind: str = "xlsx"
) -> bytes:
    """The briefing as ``kind`` (xlsx, docx) for ``actor`` (scope checked by the build);
    audited, rate-limited."""
    if _limit_reached(actor):
        raise ApplicationError("导出过于频繁，请稍后再试", code="rate_limited")
    briefing = briefing_build(user=actor, area=area, period=period)
    content = EXPORTS[kind][0](briefing)
    detail = {"kind": "monthly_briefing", "period": period.key}
    if kind != "xlsx":
        detail["format"] = kind
    audit_record(action="export", actor=actor, request=request, obj=area, detail=detail)
    return content
