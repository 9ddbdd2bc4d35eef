"""Database helpers for transactional tests."""


def allow_audit_truncate_once() -> None:
    """A transactional test ends with a TRUNCATE of every table, which PostgreSQL's
    append-only trigger on the audit table refuses. Wrap the next flush (once) so that,
    inside its own transaction, the statement trigger is off for the TRUNCATE and back on
    right after; the row-level trigger refusing UPDATE and DELETE is never touched."""
    from django.db import connection

    from wangge.core.dbroles import APPEND_ONLY_TABLES

    if connection.vendor != "postgresql":
        return
    ops = connection.ops

    def sql_flush(style, tables, **kwargs):
        del ops.sql_flush
        statements = type(ops).sql_flush(ops, style, tables, **kwargs)
        if not statements:
            return statements
        triggers = [
            (table, "audit_event_no_truncate" if table == "audit_auditevent" else f"{table}_no_truncate")
            for table in APPEND_ONLY_TABLES
            if table in tables
        ]
        toggle = "ALTER TABLE {} {} TRIGGER {};"
        return [
            *(toggle.format(table, "DISABLE", trigger) for table, trigger in triggers),
            *statements,
            *(toggle.format(table, "ENABLE", trigger) for table, trigger in triggers),
        ]

    ops.sql_flush = sql_flush
