"""Writing many rows fast: the bulk loader of the demo city and of the benchmarks.

``RowWriter`` appends rows to one table with COPY on PostgreSQL and batched INSERTs
elsewhere; ``PostgresBulkLoad`` drops a table's secondary indexes and foreign keys for
the load and rebuilds them after it (the "Populating a Database" recipe of the
PostgreSQL manual). ``next_id`` and ``reset_sequences`` let rows carry their ids.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model


def apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    counts = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("total is below the minimum")
    weight_sum = sum(weights)
    if not weights or rest == 0 or weight_sum <= 0:
        return counts
    shares = [rest * w / weight_sum for w in weights]
    floors = [math.floor(s) for s in shares]
    left = rest - sum(floors)
    by_remainder = sorted(range(len(weights)), key=lambda i: (floors[i] - shares[i], i))
    for i in by_remainder[:left]:
        floors[i] += 1
    return [c + f for c, f in zip(counts, floors, strict=True)]


def table_columns(model: type[Model], given: Sequence[str]) -> tuple[list[str], tuple]:
    """All concrete columns: ``given`` first, then any others with their default values.

    Fields added to a model later are filled with their defaults instead of breaking the
    generator's raw INSERT/COPY.
    """
    columns = list(given)
    extra_values = []
    for f in model._meta.concrete_fields:
        if f.column not in columns:
            columns.append(f.column)
            extra_values.append(f.get_db_prep_save(f.get_default(), connection))
    return columns, tuple(extra_values)


class RowWriter:
    """Append rows to one table: COPY on PostgreSQL, batched INSERTs elsewhere."""

    def __init__(self, model: type[Model], given: Sequence[str]):
        self.table = model._meta.db_table
        self.columns, self.extra = table_columns(model, given)
        self.rows: list[tuple] = []

    def add(self, row: tuple) -> None:
        self.rows.append(row + self.extra if self.extra else row)

    def flush(self) -> None:
        if not self.rows:
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {quote(self.table)} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                # Table and column names come from model metadata, never from input.
                sql = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})"  # noqa: S608
                for start in range(0, len(self.rows), 2000):
                    cursor.executemany(sql, self.rows[start : start + 2000])
        self.rows = []


class PostgresBulkLoad:
    """Drop the secondary indexes and foreign keys of the bulk tables; rebuild them later."""

    def __init__(self, models: Iterable[type[Model]]):
        self.tables = [m._meta.db_table for m in models]
        self.indexes: list[str] = []
        self.foreign_keys: list[tuple[str, str, str]] = []

    def begin(self) -> None:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending events block ALTER
            for table in self.tables:
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    self.foreign_keys.append((table, name, definition))
                cursor.execute(
                    "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid "
                    "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT EXISTS "
                    "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
                    "ORDER BY i.relname",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    self.indexes.append(definition)
                    cursor.execute(f"DROP INDEX {quote(name)}")
            for table, name, _ in self.foreign_keys:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def finish(self) -> None:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.foreign_keys:
                cursor.execute(
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in self.tables:
                cursor.execute(f"ANALYZE {quote(table)}")


def next_id(model: type[Model]) -> int:
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(models: list[type[Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
