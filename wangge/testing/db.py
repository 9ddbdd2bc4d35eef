"""Database helpers for transactional tests."""


def allow_audit_truncate_once() -> None:
    """A transactional test ends with a TRUNCATE of every table, which PostgreSQL's
    append-only trigger on the audit table refuses. Wrap the next flush (once) so that,
    inside its own transaction, the statement trigger is off for the TRUNCATE and back on
    right after; the row-level trigger refusing UPDATE and DELETE is never touched."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    ops = connection.ops

    def sql_flush(style, tables, **kwargs):
        del ops.sql_flush
        statements = type(ops).sql_flush(ops, style, tables, **kwargs)
        if "audit_auditevent" not in tables or not statements:
            return statements
        toggle = "ALTER TABLE audit_auditevent {} TRIGGER audit_event_no_truncate;"
        return [toggle.format("DISABLE"), *statements, toggle.format("ENABLE")]

    ops.sql_flush = sql_flush
