"""What a kind of import is made of: columns, rows, the handler base class, grid look-ups.

A kind's handler checks each row's cells (``check_fields``, pure or cached look-ups),
then a batch of rows at once (``check_batch``, one query per batch for duplicates),
then inserts the valid rows of a batch (``insert``, bulk inserts). The engine
(wangge.imports.engine) reads the file, batches the rows and reports the rejected ones.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _lazy

from wangge.accounts.scope import path_in_scope
from wangge.areas.models import Area, AreaKind
from wangge.core.errors import ApplicationError
from wangge.imports.cells import CellInvalid, cell_text
from wangge.imports.excel import FormulaWithoutValue

BATCH_SIZE = 1000


class ImportMode(models.TextChoices):
    VALID_ROWS = "valid_rows", _lazy("导入有效行，跳过有误的行")
    ALL_OR_NOTHING = "all_or_nothing", _lazy("全部无误才导入（有任何错误则不导入）")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False  # the header must be present and the cell filled
    aliases: tuple[str, ...] = ()
    note: str = ""
    example: Any = ""
    text: bool = False  # format the template column as text (long digit strings)
    # How the offending cell is echoed in the report (e.g. masked ID numbers).
    mask: Callable[[str], str] | None = None


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str
    value: str


@dataclass
class ImportResult:
    kind: str
    mode: str
    total_rows: int = 0
    valid_rows: int = 0
    rejected_rows: int = 0
    created: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    applied: bool = False
    preview: bool = False
    seconds: float = 0.0
    header_row: int = 1

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)

    @property
    def preview_note(self) -> str:
        """Appended to the preview's "将导入… N 条" sentence (a kind may say more)."""
        return ""

    def audit_extra(self) -> dict:
        """Counts a kind adds to the audit row of a preview (never personal data)."""
        return {}


class Row:
    __slots__ = ("number", "cells", "data", "errors")

    def __init__(self, number: int, cells: dict[str, Any]):
        self.number = number
        self.cells = cells
        self.data: dict[str, Any] = {}
        self.errors: list[tuple[str, str]] = []

    def fail(self, key: str, reason: str) -> None:
        self.errors.append((key, reason))

    def text(self, key: str) -> str:
        return cell_text(self.cells.get(key))


@dataclass(frozen=True)
class GridRef:
    id: int
    code: str
    name: str
    path: str


class GridLookup:
    """Grid by code (or unique name) that exists AND is in the user's write scope."""

    NOT_FOUND = gettext_noop("网格编码不存在或不在您的管辖范围内")

    def __init__(self, user, roles):
        self.user = user
        self.roles = roles
        self._cache: dict[str, GridRef | str] = {}

    def resolve(self, value: Any) -> GridRef:
        text = "".join(cell_text(value).split())
        if text not in self._cache:
            self._cache[text] = self._find(text)
        found = self._cache[text]
        if isinstance(found, str):
            raise CellInvalid(found)
        return found

    def _find(self, text: str) -> GridRef | str:
        kinds = [AreaKind.GRID, AreaKind.MICROGRID]
        fields = ("id", "code", "name", "path")
        rows = list(Area.objects.filter(kind__in=kinds, code=text).values_list(*fields))
        if not rows:
            rows = list(Area.objects.filter(kind__in=kinds, name=text).values_list(*fields)[:50])
        mine = [GridRef(*row) for row in rows if path_in_scope(self.user, row[3], self.roles)]
        if not mine:
            return gettext(self.NOT_FOUND)
        if len(mine) > 1:
            return gettext("网格名称不唯一，请改填网格编码")
        return mine[0]


class KindHandler:
    """One import kind: its columns, its checks and its inserts."""

    columns: tuple[Column, ...] = ()
    notes: tuple[str, ...] = ()
    title = ""
    # What ``created`` counts are called on the page ("households" → "户").
    created_labels: dict[str, str] = {}
    result_class: type[ImportResult] = ImportResult
    # Rows without a grid go to the grid chosen on the import page (``default_grid``).
    uses_default_grid = False
    # Example grid code in the downloadable template's example row.
    template_examples: dict[str, Any] = {}
    # The roles whose write scope every row's grid must lie in: each kind names its
    # domain's roles (the engine has none of its own, so a kind that forgets fails loudly).
    write_roles: frozenset[str] | None = None

    def __init__(self, *, user):
        self.user = user
        if self.write_roles is None:
            raise TypeError(f"{type(self).__name__} must name its write_roles")
        self.grids = GridLookup(user, self.write_roles)
        self.created: dict[str, int] = {}
        self.default_grid: GridRef | None = None
        # Rows refused because their key is registered outside the user's scope: the
        # engine audits the attempt as a denial.
        self.registered_elsewhere = 0

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def check_fields(self, row: Row) -> None:
        raise NotImplementedError

    def check_batch(self, rows: list[Row]) -> None:
        raise NotImplementedError

    def insert(self, rows: list[Row]) -> None:
        raise NotImplementedError

    def finish(self, result: ImportResult) -> None:
        """Add what the kind knows to the result once every row is read."""

    def field(self, row: Row, key: str, parse: Callable[[Any], Any], default: Any = None) -> Any:
        """Run ``parse`` on a filled cell, record its reason on failure; empty → default."""
        raw = row.cells.get(key)
        if isinstance(raw, FormulaWithoutValue):
            if raw.error:
                row.fail(
                    key,
                    gettext("单元格 %(cell)s 的公式计算出错（%(error)s），请改正后再导入")
                    % {"cell": raw.coordinate, "error": raw.error},
                )
            else:
                row.fail(
                    key,
                    gettext("公式单元格没有计算结果（单元格 %(cell)s），"
                      "请在 Excel 或 WPS 中打开并保存后再导入，或改填数值") % {"cell": raw.coordinate},
                )
            return default
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.column(key).required:
                row.fail(key, gettext("%(column)s不能为空") % {"column": self.column(key).header})
            return default
        try:
            return parse(raw)
        except CellInvalid as exc:
            row.fail(key, exc.reason)
        except ApplicationError as exc:
            row.fail(key, exc.message)
        return default

    def _count(self, what: str, number: int) -> None:
        self.created[what] = self.created.get(what, 0) + number

    count = _count
