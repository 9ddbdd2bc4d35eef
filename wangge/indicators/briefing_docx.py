"""The monthly briefing as a Word document (python-docx): letterhead, summary, charts and
tables on A4, as an office files and forwards it."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from wangge.indicators.charts import chart_png
from wangge.indicators.dashboard import indicator_meta
from wangge.indicators.templatetags.indicator_tags import figure

RED = RGBColor(0xC0, 0x00, 0x00)
FONT = "SimSun"


def _paragraph(document, text: str, *, size=12, bold=False, color=None, center=False):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    if color is not None:
        run.font.color.rgb = color
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _table(document, headers: list[str], rows: list[list]):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = "—" if value is None else str(value)
    return table


def briefing_document(briefing) -> bytes:
    from wangge.indicators.briefing import briefing_title

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin = section.bottom_margin = Cm(2.5)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)

    _paragraph(document, briefing.issuer, size=22, bold=True, color=RED, center=True)
    _paragraph(document, briefing.number, size=14, center=True)
    _paragraph(document, briefing_title(briefing), size=16, bold=True, center=True)
    _paragraph(
        document,
        f"统计区域：{briefing.area.name}（{briefing.area.code}）  统计月份：{briefing.period.label}",
        size=11,
        center=True,
    )

    numerals = iter("一二三四五六七八九")

    def heading(text: str) -> None:
        document.add_heading(f"{next(numerals)}、{text}", level=2)

    heading("总体情况")
    for text in briefing.summary:
        paragraph = _paragraph(document, text)
        paragraph.paragraph_format.first_line_indent = Pt(24)

    if briefing.charts:
        heading("图表")
        for chart in briefing.charts:
            if not chart.drawn:
                continue
            _paragraph(document, chart.title, size=11, bold=True)
            document.add_picture(io.BytesIO(chart_png(chart)), width=Cm(15.5))

    heading("主要指标")
    _table(
        document,
        ["类别", "指标", "数值", "单位", "口径"],
        [
            [
                row["group"],
                row["name"],
                figure(row["value"], row["decimals"]),
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
        heading(f"下级{briefing.child_label or '区域'}排名")
        _table(
            document,
            ["名次", briefing.child_label or "区域", *(meta[c]["name"] for c in columns)],
            [
                [
                    row["rank"],
                    row["area"].name,
                    *(figure(row["values"].get(c), meta[c]["decimals"]) for c in columns),
                ]
                for row in briefing.ranking
            ],
        )
    if briefing.department_columns:
        columns = briefing.department_columns
        meta = indicator_meta(columns)
        heading("职能部门综合评分排名")
        if formula := briefing.explanations.get(columns[0]):
            _paragraph(document, formula, size=10)
        _table(
            document,
            ["名次", "部门", *(meta[c]["name"] for c in columns)],
            [
                [
                    row["rank"] if not row["apart"] else "不排名",
                    row["department"].name,
                    *(figure(row["values"].get(c), meta[c]["decimals"]) for c in columns),
                ]
                for row in [*briefing.departments, *briefing.departments_apart]
            ],
        )
    for section in briefing.sections:
        heading(section["title"])
        if section["note"]:
            _paragraph(document, section["note"], size=10)
        if section["rows"]:
            _table(document, ["", *section["columns"]], [[row["label"], *row["cells"]] for row in section["rows"]])
        if section["areas"]:
            _paragraph(document, "", size=6)
            _table(
                document,
                [briefing.child_label or "区域", *section["area_columns"]],
                [[row["area"].name, *row["cells"]] for row in section["areas"]],
            )
        for text in section["gaps"]:
            _paragraph(document, text).paragraph_format.first_line_indent = Pt(24)
    _paragraph(
        document,
        f"{briefing.issuer}    {briefing.issued_on:%Y年%-m月%-d日}",
        size=12,
    ).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
