"""INSERT one new row with a statement built once per model.

``Model.objects.create`` builds and compiles a fresh INSERT query on every call; on a
case report (a case, its first timeline event, an audit row and the idempotency record)
that compiling was a fifth of the request's CPU. ``insert_row`` writes the same columns
the ORM would (defaults and ``auto_now_add`` applied through the fields), but skips
``save()`` overrides and model signals: use it only for append-only rows that have
neither.
"""

from django.db import connections
from django.db.models import Field, Model

_STATEMENTS: dict[tuple[type[Model], str], tuple[str, list[Field], bool]] = {}


def _statement(model: type[Model], connection) -> tuple[str, list[Field], bool]:
    key = (model, connection.alias)
    statement = _STATEMENTS.get(key)
    if statement is None:
        opts = model._meta
        fields = [f for f in opts.concrete_fields if not f.primary_key and not f.generated]
        quote = connection.ops.quote_name
        returning = connection.features.can_return_columns_from_insert
        # Only quoted names from the model's metadata go into the text; values are bound.
        columns = ", ".join(quote(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
        if returning:
            sql += f" RETURNING {quote(opts.pk.column)}"
        statement = _STATEMENTS[key] = (sql, fields, returning)
    return statement


def insert_row(obj: Model, *, using: str = "default") -> Model:
    """INSERT ``obj`` (a new, unsaved instance with an auto primary key); sets its pk."""
    if obj.pk is not None:
        raise ValueError("insert_row writes new rows only")
    connection = connections[using]
    sql, fields, returning = _statement(type(obj), connection)
    params = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        obj.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    obj._state.adding = False
    obj._state.db = using
    return obj
