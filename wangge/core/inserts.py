"""INSERT new rows with statements built once per model.

``Model.objects.create`` builds and compiles a fresh INSERT query on every call, and
every statement is a round trip; on a case report (the case, its first timeline event,
its audit row and the idempotency record) that was most of the request's database work.
``insert_row`` writes the same columns the ORM would (defaults and ``auto_now_add``
applied through the fields); ``insert_rows`` writes several rows that do not refer to
each other in one statement on PostgreSQL. Both skip ``save()`` overrides and model
signals: use them only for append-only rows that have neither.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from operator import attrgetter

from django.db import connections, models
from django.db.models import Field, Model

# Rows collected by ``deferred_rows`` instead of being written (None: write at once).
_DEFERRED: ContextVar[list[Model] | None] = ContextVar("wangge_deferred_rows", default=None)

_COLUMNS: dict[tuple[type[Model], bool], list[Field]] = {}
_STATEMENTS: dict[tuple, str] = {}


def _fields(obj: Model) -> list[Field]:
    """The columns to write: the primary key only when the caller chose its value."""
    key = (type(obj), obj.pk is not None)
    fields = _COLUMNS.get(key)
    if fields is None:
        fields = _COLUMNS[key] = [
            f
            for f in obj._meta.concrete_fields
            if not f.generated and (not f.primary_key or obj.pk is not None)
        ]
    return fields


def _values_sql(obj: Model, connection) -> str:
    quote = connection.ops.quote_name
    fields = _fields(obj)
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Only quoted names from the model's metadata go into the text; values are bound.
    return f"INSERT INTO {quote(obj._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608


def _params(obj: Model, connection) -> list:
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in _fields(obj)]


def _saved(obj: Model, pk, using: str) -> Model:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = using
    return obj


def insert_row(obj: Model, *, using: str = "default") -> Model:
    """INSERT ``obj`` (a new, unsaved instance); sets its primary key."""
    if not obj._state.adding:
        raise ValueError("insert_row writes new rows only")
    connection = connections[using]
    returning = connection.features.can_return_columns_from_insert
    key = ("one", connection.alias, type(obj), obj.pk is not None)
    sql = _STATEMENTS.get(key)
    if sql is None:
        sql = _values_sql(obj, connection)
        if returning:
            sql += f" RETURNING {connection.ops.quote_name(obj._meta.pk.column)}"
        _STATEMENTS[key] = sql
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(obj, connection))
        pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    return _saved(obj, pk, using)


@contextmanager
def deferred_rows() -> Iterator[list[Model]]:
    """Collect the rows ``insert_rows`` is given inside the block instead of writing
    them; the caller writes them afterwards, with its own, in one ``insert_rows`` — a
    single statement, atomic without BEGIN and COMMIT. Only for work whose writes all
    go through ``insert_rows`` and whose rows have their keys already (PostgreSQL)."""
    rows: list[Model] = []
    token = _DEFERRED.set(rows)
    try:
        yield rows
    finally:
        _DEFERRED.reset(token)


def rows_deferred() -> bool:
    return _DEFERRED.get() is not None


def insert_rows(*objs: Model, using: str = "default") -> None:
    """INSERT several new rows that do not refer to each other's generated keys, in one
    statement on PostgreSQL (data-modifying CTEs), one by one elsewhere."""
    pending = _DEFERRED.get()
    if pending is not None:
        pending.extend(objs)
        return
    connection = connections[using]
    if connection.vendor != "postgresql":
        for obj in objs:
            insert_row(obj, using=using)
        return
    if any(not obj._state.adding for obj in objs):
        raise ValueError("insert_rows writes new rows only")
    key = ("many", connection.alias, tuple((type(o), o.pk is not None) for o in objs))
    sql = _STATEMENTS.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        parts = [
            f"r{i} AS ({_values_sql(obj, connection)} RETURNING {quote(obj._meta.pk.column)})"
            for i, obj in enumerate(objs)
        ]
        picks = ", ".join(
            f"(SELECT {quote(obj._meta.pk.column)} FROM r{i})"  # noqa: S608
            for i, obj in enumerate(objs)
        )
        sql = _STATEMENTS[key] = f"WITH {', '.join(parts)} SELECT {picks}"
    params = [value for obj in objs for value in _params(obj, connection)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pks = cursor.fetchone()
    for obj, pk in zip(objs, pks, strict=True):
        _saved(obj, pk, using)


# Fields whose Python value psycopg writes as it is (no conversion by the field): read
# straight from the instance, which saves most of the per-cell cost of a large COPY.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.AutoField,
    models.BigAutoField,
)


def _copy_getters(fields: list[Field], connection) -> list:
    getters = []
    for f in fields:
        plain = type(f) in _PLAIN_FIELDS or (
            isinstance(f, models.ForeignKey) and type(f.target_field) in _PLAIN_FIELDS
        )
        if plain and not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False):
            getters.append(attrgetter(f.attname))
        else:
            getters.append(
                lambda obj, f=f: f.get_db_prep_save(f.pre_save(obj, True), connection)
            )
    return getters


def bulk_insert(objs: list[Model], *, using: str = "default", batch_size: int = 2000) -> None:
    """Write many new rows of one model and set their primary keys, as ``bulk_create``
    does, but with COPY on PostgreSQL: the keys are drawn from the table's sequence
    first, then every row goes in one COPY stream (several times faster than INSERT for
    an import of thousands of rows). Elsewhere it is ``bulk_create``. Like
    ``bulk_create`` it skips ``save()`` overrides and model signals."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[using]
    if connection.vendor != "postgresql":
        model._default_manager.using(using).bulk_create(objs, batch_size=batch_size)
        return
    if any(not obj._state.adding or obj.pk is not None for obj in objs):
        raise ValueError("bulk_insert writes new rows without keys only")
    quote = connection.ops.quote_name
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.generated]
    columns = ", ".join(quote(f.column) for f in fields)
    values = _copy_getters(fields, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        # Only quoted names from the model's metadata go into the text; values are streamed.
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([value(obj) for value in values])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
