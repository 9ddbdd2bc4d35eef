"""The import engine: a checked upload read as a stream of rows, checked and written in
batches inside one transaction.

Field checks come first (pure, or cached look-ups), then one query per batch for
duplicates, then bulk inserts. "All or nothing" stops inserting at the first rejected
row, keeps validating to report every rejected row, and rolls the transaction back. A
preview runs every check and writes nothing. Every import writes one audit row with
counts and never with personal data.

Registers as offices keep them are read too: the header is the best-matching row among
the first ten (title rows above it are skipped), columns go by their everyday names
(each column's aliases), and text cells are NFKC-normalised (full-width digits and
letters).
"""

import time
import unicodedata
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from wangge.audit.models import Outcome
from wangge.audit.services import audit_record
from wangge.core.errors import ApplicationError, PermissionRefused
from wangge.imports.cells import CellInvalid, cell_text
from wangge.imports.excel import SheetReader, UploadRejected, checked_upload
from wangge.imports.kinds import BATCH_SIZE, Column, ImportMode, ImportResult, Row, RowError
from wangge.imports.registry import Kind, can_import_any, import_kind_get

# Errors kept for the page and the downloadable report; the count goes on beyond it.
MAX_REPORT_ERRORS = 50_000


def normalize_header(value: str) -> str:
    text = "".join(unicodedata.normalize("NFKC", str(value or "")).split())
    text = text.replace("(必填)", "").replace("(选填)", "").strip("*:")
    return text


def _header_names(columns: tuple[Column, ...]) -> dict[str, str]:
    names = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            names[normalize_header(name)] = column.key
    return names


def header_score(header: list[str], columns: tuple[Column, ...]) -> int:
    """How many of the kind's columns a row names: the header is the best-scoring row."""
    names = _header_names(columns)
    return len({names[text] for cell in header if (text := normalize_header(cell)) in names})


def map_header(header: list[str], columns: tuple[Column, ...]) -> dict[str, int]:
    """Column key → index in the sheet; tolerant of spaces, order and '*' marks."""
    names = _header_names(columns)
    mapping: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = names.get(normalize_header(cell))
        if key is None:
            continue
        if key in mapping:
            raise UploadRejected(gettext("表头「%(cell)s」重复出现") % {"cell": cell}, code="bad_header")
        mapping[key] = index
    missing = [column.header for column in columns if column.required and column.key not in mapping]
    if missing:
        raise UploadRejected(
            gettext("缺少必需的列：%(columns)s（请使用导入模板；表头须在前 10 行内）")
            % {"columns": "、".join(missing)},
            code="missing_header",
        )
    return mapping


def _clean(value: Any) -> Any:
    """Full-width digits, letters and punctuation (１５０, ＡＢ, －) as their usual forms."""
    if isinstance(value, str) and not value.isascii():
        return unicodedata.normalize("NFKC", value)
    return value


def _echo(column: Column, value: Any) -> str:
    """The offending cell for the report; masked when the column says so."""
    text = cell_text(value)
    if column.mask is not None:
        text = column.mask(text)
    return text if len(text) <= 60 else text[:60] + "…"


class _Engine:
    def __init__(self, *, actor, kind: Kind, mode: str, preview: bool = False):
        self.handler = kind.handler(user=actor)
        self.mode = mode
        self.preview = preview
        self.result = self.handler.result_class(kind=kind.key, mode=mode, preview=preview)

    def header_score(self, header: list[str]) -> int:
        return header_score(header, self.handler.columns)

    def run(self, reader: SheetReader) -> ImportResult:
        mapping = map_header(reader.header, self.handler.columns)
        self.result.header_row = reader.header_row
        max_rows = settings.WANGGE_IMPORT_MAX_ROWS
        batch: list[Row] = []
        for number, values in reader.rows():
            if all(
                value is None or (isinstance(value, str) and not value.strip()) for value in values
            ):
                continue
            self.result.total_rows += 1
            if self.result.total_rows > max_rows:
                raise UploadRejected(
                    gettext("数据超过 %(n)s 行的上限，请拆分后分批导入") % {"n": max_rows},
                    code="too_many_rows",
                )
            batch.append(
                Row(number, {key: _clean(values[index]) for key, index in mapping.items()})
            )
            if len(batch) >= BATCH_SIZE:
                self._process(batch)
                batch = []
        if batch:
            self._process(batch)
        if self.result.total_rows == 0:
            raise UploadRejected(gettext("表格中没有数据行"), code="empty")
        self.result.applied = not self.preview and (
            self.mode == ImportMode.VALID_ROWS or self.result.rejected_rows == 0
        )
        self.result.created = dict(self.handler.created) if self.result.applied else {}
        self.handler.finish(self.result)
        return self.result

    def _process(self, batch: list[Row]) -> None:
        for row in batch:
            self.handler.check_fields(row)
        self.handler.check_batch(batch)
        valid = []
        for row in batch:
            if row.errors:
                self.result.rejected_rows += 1
                self._report(row)
            else:
                valid.append(row)
        self.result.valid_rows += len(valid)
        inserting = not self.preview and (
            self.mode == ImportMode.VALID_ROWS or self.result.rejected_rows == 0
        )
        if valid and inserting:
            self.handler.insert(valid)

    def _report(self, row: Row) -> None:
        for key, reason in row.errors:
            self.result.error_count += 1
            if len(self.result.errors) < MAX_REPORT_ERRORS:
                column = self.handler.column(key)
                self.result.errors.append(
                    RowError(row.number, column.header, reason, _echo(column, row.cells.get(key)))
                )


def _audit_detail(
    kind: str, mode: str, result: ImportResult | None, reason: str = "", preview: bool = False
) -> dict:
    detail: dict[str, Any] = {"kind": kind, "mode": mode}
    if preview:
        detail["preview"] = True
    if result is not None:
        detail |= {
            "rows": result.total_rows,
            "valid_rows": result.valid_rows,
            "rejected_rows": result.rejected_rows,
            "created": result.created,
            "applied": result.applied,
        }
        if preview:
            detail |= result.audit_extra()
    if reason:
        detail["refused"] = reason
    return detail


def import_run(
    *,
    actor,
    kind: str,
    mode: str,
    upload,
    request=None,
    preview: bool = False,
    default_grid: str = "",
) -> ImportResult:
    """Import an uploaded .xlsx of ``kind`` in ``mode``; refused files raise UploadRejected.

    ``upload`` is a Django UploadedFile (or anything with ``size`` and ``chunks()``).
    Nothing is written unless the result says ``applied``; a ``preview`` checks every
    row and writes nothing. ``default_grid`` (a grid code) is where rows that name no
    grid go, for kinds that use it.
    """
    spec = import_kind_get(kind)
    if spec is None or not spec.permission(actor):
        if spec is None and can_import_any(actor):
            raise ApplicationError(gettext("未知的导入类型"), field="kind")
        raise PermissionRefused(gettext("您没有导入数据的权限"))
    if mode not in ImportMode.values:
        raise ApplicationError(gettext("请选择导入方式"), field="mode")
    started = time.perf_counter()
    engine = _Engine(actor=actor, kind=spec, mode=mode, preview=preview)
    handler = engine.handler
    if default_grid and handler.uses_default_grid:
        try:
            handler.default_grid = handler.grids.resolve(default_grid)
        except CellInvalid as exc:
            raise ApplicationError(exc.reason, field="default_grid") from exc

    def audit(outcome, detail, action="import"):
        audit_record(
            action=action,
            outcome=outcome,
            actor=actor,
            request=request,
            object_type=spec.audit_type,
            object_id=kind,
            detail=detail,
        )

    try:
        with (
            checked_upload(upload) as path,
            SheetReader(path, header_score=engine.header_score) as reader,
            transaction.atomic(),
        ):
            result = engine.run(reader)
            result.seconds = time.perf_counter() - started
            if not preview and result.applied:
                audit(Outcome.SUCCESS, _audit_detail(kind, mode, result))
            else:
                transaction.set_rollback(True)
    except IntegrityError as exc:
        audit(Outcome.FAILURE, _audit_detail(kind, mode, None, "conflict", preview))
        raise ApplicationError(
            gettext("导入时与他人同时登记的数据冲突，本次导入未生效，请重试"), code="conflict", field="file"
        ) from exc
    except ApplicationError as exc:
        audit(Outcome.FAILURE, _audit_detail(kind, mode, None, exc.code, preview))
        raise
    if handler.registered_elsewhere:
        audit(
            Outcome.DENIED,
            {"reason": "registered_elsewhere", "rows": handler.registered_elsewhere},
            action="access_denied",
        )
    if preview or not result.applied:
        outcome = Outcome.SUCCESS if preview else Outcome.FAILURE
        audit(outcome, _audit_detail(kind, mode, result, preview=preview))
    return result
