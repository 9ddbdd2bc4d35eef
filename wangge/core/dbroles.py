"""The PostgreSQL roles production runs with (README, "Production").

- The *owner* role owns the schema and every table; migrations run as it
  (``DATABASE_MIGRATE_URL``). It is no superuser.
- The *app* role is what the web server and the workers connect as (``DATABASE_URL``):
  SELECT/INSERT/UPDATE/DELETE on the tables, only INSERT/SELECT on the append-only ones
  (the audit log), no TRUNCATE, REFERENCES or TRIGGER. Owning nothing it cannot
  ``ALTER TABLE … DISABLE TRIGGER``; being no superuser it cannot
  ``SET session_replication_role``; not being a member of the owner, it cannot become it.
  It may CREATE in the schema only for the per-day case-number sequences
  (``cases.services.numbering``), which it then owns; it can still alter no table.

``roles_setup`` is run once by a superuser (``manage.py db_roles``); ``grants_apply`` runs
again after every migration (``manage.py migrate`` with ``DATABASE_MIGRATE_URL``), so
tables added later are covered too.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from psycopg import sql

SCHEMA = "public"
# Tables the app may add to and read, never change: the database triggers refuse UPDATE,
# DELETE and TRUNCATE on them too; the grants make that two locks.
APPEND_ONLY_TABLES = ("audit_auditevent", "audit_auditchainlink", "audit_auditseal")
APP_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"


def _ident(name: str) -> sql.Identifier:
    return sql.Identifier(name)


def grants_apply(cursor, *, owner: str, app: str) -> None:
    """What the app role may do on the owner's objects; idempotent. Run as the owner
    (after each migration) or as a superuser."""
    schema, owner_id, app_id = _ident(SCHEMA), _ident(owner), _ident(app)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, app_id),
        sql.SQL("GRANT " + APP_TABLE_PRIVILEGES + " ON ALL TABLES IN SCHEMA {} TO {}").format(
            schema, app_id
        ),
        sql.SQL("REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {} FROM {}").format(
            schema, app_id
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, app_id),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT "
            + APP_TABLE_PRIVILEGES
            + " ON TABLES TO {}"
        ).format(owner_id, schema, app_id),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(owner_id, schema, app_id),
    ]
    for table in APPEND_ONLY_TABLES:
        cursor.execute("SELECT to_regclass(%s)", [f"{SCHEMA}.{table}"])
        if cursor.fetchone()[0] is not None:
            statements.append(
                sql.SQL("REVOKE UPDATE, DELETE ON {}.{} FROM {}").format(
                    schema, _ident(table), app_id
                )
            )
    for statement in statements:
        cursor.execute(statement)


def _owned_elsewhere(cursor, owner: str) -> Iterable[sql.Composable]:
    """ALTER … OWNER statements moving every object of the schema to the owner role (an
    install that was migrated as the superuser). Sequences that belong to a table's column
    move with their table."""
    cursor.execute(
        """
        SELECT c.relkind, c.relname FROM pg_class c
        WHERE c.relnamespace = %s::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND pg_get_userbyid(c.relowner) <> %s
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
        ORDER BY c.relkind, c.relname
        """,
        [SCHEMA, owner],
    )
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    for kind, name in cursor.fetchall():
        yield sql.SQL("ALTER " + kinds[kind] + " {}.{} OWNER TO {}").format(
            _ident(SCHEMA), _ident(name), _ident(owner)
        )
    cursor.execute(
        """
        SELECT p.oid::regprocedure::text FROM pg_proc p
        WHERE p.pronamespace = %s::regnamespace AND pg_get_userbyid(p.proowner) <> %s
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e')
        """,
        [SCHEMA, owner],
    )
    for (signature,) in cursor.fetchall():
        yield sql.SQL("ALTER ROUTINE " + signature + " OWNER TO {}").format(_ident(owner))


def _role_exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
    return cursor.fetchone() is not None


def roles_setup(
    cursor,
    *,
    database: str,
    owner: str,
    app: str,
    owner_password: str | None = None,
    app_password: str | None = None,
) -> None:
    """Create (or correct) both roles, give the schema and its objects to the owner and
    apply the app role's grants. Run as a superuser on the application's database."""
    if owner == app:
        raise ValueError("the owner and the app role must differ")
    for name, password in ((owner, owner_password), (app, app_password)):
        verb = "ALTER" if _role_exists(cursor, name) else "CREATE"
        cursor.execute(sql.SQL(verb + " ROLE {} " + ROLE_ATTRIBUTES).format(_ident(name)))
        if password:
            cursor.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(_ident(name), sql.Literal(password))
            )
    schema, owner_id, app_id = _ident(SCHEMA), _ident(owner), _ident(app)
    # The app never acts as the owner, whatever was granted before.
    cursor.execute(
        "SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = %s AND u.rolname = %s",
        [owner, app],
    )
    if cursor.fetchone():
        cursor.execute(sql.SQL("REVOKE {} FROM {}").format(owner_id, app_id))
    for statement in (
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}, {}").format(
            _ident(database), owner_id, app_id
        ),
        sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(schema, owner_id),
        sql.SQL("REVOKE CREATE ON SCHEMA {} FROM PUBLIC").format(schema),
        # The per-day case-number sequences are created on first use by the app.
        sql.SQL("GRANT USAGE, CREATE ON SCHEMA {} TO {}").format(schema, app_id),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT USAGE, SELECT, UPDATE "
            "ON SEQUENCES TO {}"
        ).format(app_id, schema, owner_id),
    ):
        cursor.execute(statement)
    for statement in list(_owned_elsewhere(cursor, owner)):
        cursor.execute(statement)
    grants_apply(cursor, owner=owner, app=app)


def refuse_superuser(sender, connection, **kwargs) -> None:
    """connection_created: production never works as a PostgreSQL superuser. The server
    reports ``is_superuser`` when the session starts, so this costs no query."""
    if connection.vendor != "postgresql" or settings.WANGGE_DB_ALLOW_SUPERUSER:
        return
    if connection.connection.info.parameter_status("is_superuser") == "on":
        connection.connection.close()
        raise ImproperlyConfigured(
            "DATABASE_URL connects as a PostgreSQL superuser; use the app role "
            "(manage.py db_roles) or set WANGGE_DB_ALLOW_SUPERUSER"
        )
