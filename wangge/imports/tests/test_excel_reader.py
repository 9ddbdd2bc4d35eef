"""The sheet reader gives the same rows whichever parser reads the sheet.

Sheets without formulas are read by calamine (fast); sheets with formulas or error cells by
openpyxl's streaming parser, which can tell a formula without a saved result from an empty
cell. Both must hand the import the same values and the same Excel row numbers.
"""

import datetime

from openpyxl import Workbook

from wangge.imports import excel
from wangge.imports.excel import FormulaWithoutValue, SheetReader, sheet_has_formulas


def _save(tmp_path, fill) -> str:
    book = Workbook()
    fill(book.active)
    path = tmp_path / "sheet.xlsx"
    book.save(path)
    return str(path)


def _register(sheet) -> None:
    sheet["B1"] = "居民登记表"
    sheet["B3"] = "姓名"
    sheet["C3"] = "出生日期"
    sheet["D3"] = "人数"
    sheet["E3"] = "身份证号"
    sheet["F3"] = "面积"
    sheet["G3"] = "党员"
    sheet.append([None, "张三", datetime.date(1980, 1, 2), 3, "0123", 85.5, True])
    sheet.append([])
    sheet.append([None, "李四", datetime.datetime(1990, 5, 6, 7, 8), 13812345678, None, 60])


def _rows(reader: SheetReader) -> list:
    return list(reader.rows())


def test_calamine_and_openpyxl_read_the_same_rows(tmp_path, monkeypatch):
    path = _save(tmp_path, _register)

    def score(header):
        return sum(1 for text in header if text in {"姓名", "身份证号"})

    assert not sheet_has_formulas(path)
    with SheetReader(path, header_score=score) as fast:
        fast_header, fast_row, fast_rows = fast.header, fast.header_row, _rows(fast)
    monkeypatch.setattr(excel, "sheet_has_formulas", lambda path: True)
    with SheetReader(path, header_score=score) as slow:
        slow_header, slow_row, slow_rows = slow.header, slow.header_row, _rows(slow)

    assert fast_header == slow_header == ["", "姓名", "出生日期", "人数", "身份证号", "面积", "党员"]
    assert fast_row == slow_row == 3
    assert [number for number, _ in fast_rows] == [number for number, _ in slow_rows] == [4, 6]
    fast_values = [values for _, values in fast_rows]
    slow_values = [values for _, values in slow_rows]
    # openpyxl gives every date cell as a datetime; calamine a date for a date-only cell.
    # The import's cell parsers take both (wangge/imports/cells.py).
    assert fast_values[0][2] == datetime.date(1980, 1, 2)
    assert slow_values[0][2] == datetime.datetime(1980, 1, 2)
    for fast_row_values, slow_row_values in zip(fast_values, slow_values, strict=True):
        for fast_value, slow_value in zip(fast_row_values, slow_row_values, strict=True):
            if isinstance(slow_value, datetime.datetime) and not isinstance(
                fast_value, datetime.datetime
            ):
                slow_value = slow_value.date()
            assert fast_value == slow_value
            assert type(fast_value) is type(slow_value)
    assert fast_values[0][3] == 3 and isinstance(fast_values[0][3], int)
    assert fast_values[0][4] == "0123"  # text stays text: the leading zero is kept
    assert fast_values[1][3] == 13812345678


def test_a_sheet_with_a_formula_is_read_by_openpyxl_and_names_the_formula(tmp_path):
    def fill(sheet):
        sheet.append(["姓名", "人数"])
        sheet.append(["张三", "=1+1"])  # saved by openpyxl: a formula with no cached result

    path = _save(tmp_path, fill)
    assert sheet_has_formulas(path)
    with SheetReader(path) as reader:
        ((number, values),) = _rows(reader)
    assert number == 2
    assert values[0] == "张三"
    assert isinstance(values[1], FormulaWithoutValue)
    assert values[1].coordinate == "B2"


def test_a_wide_sheet_is_cut_at_the_column_limit(tmp_path):
    def fill(sheet):
        sheet.append([f"列{index}" for index in range(80)])
        sheet.append(list(range(80)))

    with SheetReader(_save(tmp_path, fill)) as reader:
        ((_, values),) = _rows(reader)
    assert len(reader.header) == 60
    assert values == tuple(range(60))
