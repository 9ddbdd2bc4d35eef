"""Files around an import: the downloadable template, the rejected-rows report and the
previewed upload kept for the confirmation step."""

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from openpyxl import Workbook

from wangge.imports.excel import UploadRejected, XlsxWriter, escape_cell
from wangge.imports.kinds import ImportResult
from wangge.imports.registry import import_kind_get

REPORT_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# A previewed upload waits here for the user's confirmation; it holds personal data, so
# it is removed when applied and any left behind is removed after this many seconds.
PENDING_UPLOAD_SECONDS = 2 * 3600


def import_template_write(*, kind: str, target, grid_code: str = "") -> None:
    """The downloadable template: headers, one example row, and a notes sheet."""
    handler_class = import_kind_get(kind).handler
    book = Workbook()
    sheet = book.active
    sheet.title = f"{handler_class.title}导入"
    example = handler_class.template_examples | {"grid": grid_code or "150202001001001"}
    for index, column in enumerate(handler_class.columns, start=1):
        sheet.cell(row=1, column=index, value=escape_cell(column.header))
        value = escape_cell(example.get(column.key, column.example))
        cell = sheet.cell(row=2, column=index, value=value if value != "" else None)
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        if column.text:
            sheet.column_dimensions[letter].number_format = "@"
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明"])
    for column in handler_class.columns:
        notes.append(
            [
                escape_cell(column.header),
                "必填" if column.required else "",
                escape_cell(column.note),
            ]
        )
    notes.append([])
    for line in (*handler_class.notes, "第 2 行是示例，导入前请删除。", "只读取第一个工作表。"):
        notes.append([escape_cell(line)])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["C"].width = 70
    book.save(target)


def _report_dir() -> Path:
    return Path(settings.WANGGE_IMPORT_REPORT_DIR)


def _remove_older_than(directory: Path, seconds: float) -> None:
    cutoff = time.time() - seconds
    for old in directory.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


def import_report_store(*, actor, result: ImportResult) -> str | None:
    """Write the rejected-rows report to a private file; return its token (None if clean).

    Every cell is escaped: a rejected cell that starts with "=" stays text in Excel."""
    if not result.errors:
        return None
    directory = _report_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _remove_older_than(directory, 24 * 3600)
    token = secrets.token_urlsafe(24)
    writer = XlsxWriter()
    writer.sheet("导入错误", ["行号", "列", "原因", "单元格内容"])
    for error in result.errors:
        writer.append("导入错误", [error.row, error.column, error.reason, error.value])
    if result.errors_truncated:
        writer.append("导入错误", ["", "", f"错误过多，仅列出前 {len(result.errors)} 条", ""])
    writer.save(directory / f"{actor.pk}-{token}.xlsx")
    return token


def _pending_dir() -> Path:
    return _report_dir() / "pending"


def import_upload_keep(*, actor, upload) -> str:
    """Keep a previewed upload for the confirmation step; return its token."""
    directory = _pending_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    _remove_older_than(directory, PENDING_UPLOAD_SECONDS)
    token = secrets.token_urlsafe(24)
    limit = settings.WANGGE_IMPORT_MAX_BYTES
    written = 0
    with open(directory / f"{actor.pk}-{token}.xlsx", "wb") as out:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > limit:
                raise UploadRejected("文件超过上限", code="too_large")
            out.write(chunk)
    return token


def import_upload_path(*, actor, token: str) -> Path | None:
    """This user's previewed upload, or None (expired, applied, or someone else's)."""
    if not REPORT_TOKEN.match(token or ""):
        return None
    path = _pending_dir() / f"{actor.pk}-{token}.xlsx"
    if not path.is_file() or path.stat().st_mtime < time.time() - PENDING_UPLOAD_SECONDS:
        return None
    return path


def import_report_path(*, actor, token: str) -> Path | None:
    """The stored report of this user, or None (another user's token finds nothing)."""
    if not REPORT_TOKEN.match(token or ""):
        return None
    path = _report_dir() / f"{actor.pk}-{token}.xlsx"
    return path if path.is_file() else None
