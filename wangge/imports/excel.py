"""Excel files in and out: upload checks, streaming reads, escaped streaming writes.

An .xlsx is a zip archive, so an upload is checked in this order before openpyxl ever
sees it: size cap, magic bytes, the zip's table of contents (entry count, total and
per-entry unpacked size, compression ratio), and the two parts every workbook has.
Python's zipfile stops reading an entry at its declared size and fails the CRC check if
the data goes on, so a header that lies about the size cannot get past the limits.
The sheet is then read one row at a time. A sheet with no formula and no error cell (a
byte scan of its XML, which is fast) is read by calamine (Rust, several times faster than
XML parsing in Python); a sheet with formulas goes through openpyxl's streaming parser
(``read_only=True``), so that a formula cell without a saved result can be told from an
empty one and named in the row report.
"""

import os
import posixpath
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

import python_calamine
from defusedxml import ElementTree
from django.conf import settings
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from wangge.core.errors import ApplicationError

ZIP_MAGIC = b"PK\x03\x04"
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
# A real workbook has a few dozen parts; thousands means something is wrong.
MAX_ZIP_ENTRIES = 1000
# Sheet XML compresses well (often 10-30x); far beyond that is a bomb, not a workbook.
MAX_COMPRESSION_RATIO = 200
# Ratios of tiny entries say nothing (a 2 KB part of zeros is harmless).
RATIO_CHECK_MIN_BYTES = 1024 * 1024
# Columns read from a sheet; a real template has about fifteen.
MAX_COLUMNS = 60
# A formula (<f>, <f t="shared" …/>, with or without a namespace prefix) or an error cell
# (t="e") anywhere in the sheet's XML sends the sheet to openpyxl.
FORMULA_OR_ERROR = re.compile(rb'<(?:\w+:)?f[\s>/]|\bt="e"')
SCAN_CHUNK = 1024 * 1024
SCAN_OVERLAP = 32
# Characters that make a spreadsheet treat a text cell as a formula (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class UploadRejected(ApplicationError):
    """The file itself is refused (too big, not Excel, a zip bomb, unreadable)."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message, code=code, field="file")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def check_upload_size(size: int | None) -> None:
    limit = settings.WANGGE_IMPORT_MAX_BYTES
    if size is not None and size > limit:
        raise UploadRejected(
            gettext("文件超过 %(size)s 的上限") % {"size": _megabytes(limit)}, code="too_large"
        )
    if size == 0:
        raise UploadRejected(gettext("文件是空的"), code="empty")


def check_xlsx_container(path: str | os.PathLike) -> None:
    """Refuse anything that is not a plausible .xlsx, before any XML is parsed."""
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic != ZIP_MAGIC:
        raise UploadRejected(
            gettext("文件内容不是 Excel 工作簿（.xlsx），请用 Excel 或 WPS 另存为 .xlsx 后再上传"),
            code="not_excel",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRejected(gettext("文件已损坏，无法作为 Excel 工作簿打开"), code="not_excel") from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UploadRejected(gettext("文件包含的部件过多，已拒绝"), code="zip_bomb")
    names = {entry.filename for entry in entries}
    if not all(part in names for part in REQUIRED_PARTS):
        raise UploadRejected(
            gettext("文件内容不是 Excel 工作簿（.xlsx），请用 Excel 或 WPS 另存为 .xlsx 后再上传"),
            code="not_excel",
        )
    unpacked_limit = settings.WANGGE_IMPORT_MAX_UNPACKED_BYTES
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if total > unpacked_limit or (
            entry.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO
        ):
            raise UploadRejected(
                gettext("文件解压后过大（上限 %(size)s），已拒绝") % {"size": _megabytes(unpacked_limit)},
                code="zip_bomb",
            )


@contextmanager
def checked_upload(upload) -> Iterator[Path]:
    """Copy an uploaded file to a private temp file, check it, yield its path, remove it.

    ``upload`` is a Django ``UploadedFile`` (or anything with ``size`` and ``chunks()``).
    """
    check_upload_size(getattr(upload, "size", None))
    limit = settings.WANGGE_IMPORT_MAX_BYTES
    handle, name = tempfile.mkstemp(prefix="wangge-import-", suffix=".xlsx")
    path = Path(name)
    try:
        written = 0
        with os.fdopen(handle, "wb") as out:
            for chunk in upload.chunks():
                written += len(chunk)
                if written > limit:  # the declared size may lie
                    raise UploadRejected(
            gettext("文件超过 %(size)s 的上限") % {"size": _megabytes(limit)}, code="too_large"
        )
                out.write(chunk)
        check_upload_size(written)
        check_xlsx_container(path)
        yield path
    finally:
        path.unlink(missing_ok=True)


class FormulaWithoutValue:
    """A formula cell whose result was never computed and saved (by Excel or WPS), or a
    cell holding an error value (#N/A, #REF! …).

    openpyxl reads the first as empty and the second as its error text; this marker lets
    the import name them instead.
    """

    __slots__ = ("coordinate", "error")

    def __init__(self, coordinate: str, error: str = ""):
        self.coordinate = coordinate
        self.error = error

    def __str__(self) -> str:
        return self.error

    def __repr__(self) -> str:
        return f"FormulaWithoutValue({self.coordinate!r}, {self.error!r})"


class _Parser(WorkSheetParser):
    """openpyxl's streaming sheet parser, marking formula cells that have no saved value."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["data_type"] == "e" and cell["value"] is not None:
            cell["value"] = FormulaWithoutValue(self._coordinate(element, cell), str(cell["value"]))
        elif (
            cell["value"] is None
            and cell["data_type"] != "str"  # a saved empty text result, e.g. =IF(…,"",…)
            and element.find(FORMULA_TAG) is not None
        ):
            cell["value"] = FormulaWithoutValue(self._coordinate(element, cell))
        return cell

    @staticmethod
    def _coordinate(element, cell) -> str:
        return element.get("r") or f"{get_column_letter(cell['column'])}{cell['row']}"


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    """The zip entry of the workbook's first sheet (xl/workbook.xml → its relationships)."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    package = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    first = book.find(f"{main}sheets/{main}sheet")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(
        item.get("Target", "")
        for item in rels.iter(f"{package}Relationship")
        if item.get("Id") == first.get(f"{rel}id")
    )
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")


def sheet_has_formulas(path: str | os.PathLike) -> bool:
    """Whether the first sheet holds a formula or an error cell: a byte scan of its XML."""
    with zipfile.ZipFile(path) as archive, archive.open(_first_sheet_part(archive)) as source:
        tail = b""
        while chunk := source.read(SCAN_CHUNK):
            if FORMULA_OR_ERROR.search(tail + chunk):
                return True
            tail = chunk[-SCAN_OVERLAP:]
    return False


class SheetReader:
    """The first worksheet of a checked workbook, read as a stream of rows.

    ``header`` is the header row: the first row, or, given ``header_score``, the row
    among the first ``HEADER_SCAN_ROWS`` that scores best (registers often carry a title
    row or two, merged or not, above it); ``header_row`` is its Excel row number.
    ``rows()`` yields the rows below it as ``(excel_row_number, values)`` with values
    padded to the header's width. Only the scanned rows and the current row are held in
    memory.
    """

    HEADER_SCAN_ROWS = 10

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        header_score: Callable[[list[str]], int] | None = None,
    ):
        self._path = path
        self._book = None
        try:
            if sheet_has_formulas(path):
                self._book = load_workbook(path, read_only=True, data_only=True)
                self._sheet = self._book.worksheets[0]
                self._rows = self._read_rows_openpyxl()
            else:
                self._rows = self._read_rows_calamine()
            scanned = list(islice(self._rows, self.HEADER_SCAN_ROWS if header_score else 1))
        except UploadRejected:
            raise
        except Exception as exc:  # openpyxl raises many kinds on a broken workbook
            self.close()
            raise UploadRejected(
                gettext("无法读取该工作簿，请确认是有效的 .xlsx 文件"), code="unreadable"
            ) from exc
        best = 0
        if header_score is not None and scanned:
            scores = [header_score([_header_text(value) for value in row]) for _, row in scanned]
            best = max(range(len(scanned)), key=lambda index: (scores[index], -index))
        self.header_row, first = scanned[best] if scanned else (1, ())
        self._pending = scanned[best + 1 :]
        self.header = [_header_text(value) for value in first]
        while self.header and not self.header[-1]:
            self.header.pop()

    def _read_rows_calamine(self) -> Iterator[tuple[int, list]]:
        """calamine yields every row from the first (empty ones as ""), and columns from the
        sheet's first used column; empty cells are "" and numbers are floats. Both are
        brought to openpyxl's shape: None for empty, int for whole numbers."""
        book = python_calamine.CalamineWorkbook.from_path(str(self._path))
        try:
            sheet = book.get_sheet_by_index(0)
            first_column = sheet.start[1] if sheet.start else 0
            width = MAX_COLUMNS - first_column
            for index, cells in enumerate(sheet.iter_rows()):
                values = [_calamine_value(value) for value in cells[: max(width, 0)]]
                while values and values[-1] is None:
                    values.pop()
                if not values:
                    continue
                yield index + 1, [None] * first_column + values
        finally:
            book.close()

    def _read_rows_openpyxl(self) -> Iterator[tuple[int, list]]:
        sheet = self._sheet
        book = sheet.parent
        with sheet._get_source() as source:
            parser = _Parser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for number, cells in parser.parse():
                values: list = []
                for cell in cells:
                    column = cell["column"]
                    if column > MAX_COLUMNS:
                        continue
                    if column > len(values):
                        values.extend([None] * (column - len(values)))
                    values[column - 1] = cell["value"]
                yield number, values

    def rows(self) -> Iterator[tuple[int, tuple]]:
        width = len(self.header)
        try:
            for number, values in chain(self._pending, self._rows):
                values = tuple(values[:width])
                if len(values) < width:
                    values += (None,) * (width - len(values))
                yield number, values
        except Exception as exc:  # a broken part shows up only when it is reached
            raise UploadRejected(gettext("工作簿内容有误，读取中断"), code="unreadable") from exc

    def close(self) -> None:
        book = getattr(self, "_book", None)
        if book is not None:
            book.close()

    def __enter__(self) -> "SheetReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _calamine_value(value: Any) -> Any:
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _header_text(value: Any) -> str:
    if value is None or isinstance(value, FormulaWithoutValue):
        return ""
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def escape_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe.

    Control characters that XML cannot carry are dropped on the way.
    """
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class XlsxWriter:
    """A write-only workbook: rows go to disk as they are appended, every cell escaped."""

    def __init__(self):
        self._book = Workbook(write_only=True)
        self._sheets: dict[str, Any] = {}

    def sheet(self, title: str, header: list[str] | None = None):
        sheet = self._book.create_sheet(title=title)
        self._sheets[title] = sheet
        if header:
            sheet.append([escape_cell(value) for value in header])
        return sheet

    def append(self, title: str, row: list[Any]) -> None:
        self._sheets[title].append([escape_cell(value) for value in row])

    def save(self, target: str | os.PathLike | IO[bytes]) -> None:
        self._book.save(target)
