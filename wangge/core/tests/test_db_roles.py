"""Production's database account (README, "Production"): the app role can read and write
the tables and add audit rows, and cannot switch the audit triggers off by any route."""

from uuid import uuid4

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, connections, transaction
from django.test import override_settings

from wangge.audit.models import AuditEvent
from wangge.audit.services import audit_record
from wangge.core.dbroles import roles_setup

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def roles(db):
    """An owner and an app role set up as `manage.py db_roles` does, on the test database;
    the test's transaction rolls all of it back (roles included)."""
    suffix = uuid4().hex[:10]
    owner, app = f"wangge_t_owner_{suffix}", f"wangge_t_app_{suffix}"
    event = audit_record(action="login", username="alice")
    with connection.cursor() as cursor:
        roles_setup(cursor.cursor, database=connection.settings_dict["NAME"], owner=owner, app=app)
        cursor.execute(f'SET ROLE "{app}"')
    try:
        yield owner, app, event
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def _refused(statement: str, params=None) -> str:
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as c:
        c.execute(statement, params)
    return str(refused.value)


def test_the_app_role_cannot_switch_the_audit_triggers_off(roles):
    owner, app, event = roles
    # when the app's role tries every way around the append-only triggers
    for statement in (
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_event_append_only ON audit_auditevent",
        "ALTER TABLE audit_auditevent OWNER TO CURRENT_USER",
    ):
        # then each is refused for want of ownership
        assert "must be owner" in _refused(statement), statement
    for statement in (
        "SET session_replication_role = replica",
        "SET LOCAL session_replication_role = replica",
    ):
        assert "permission denied" in _refused(statement), statement
    # and it holds no membership that would let a session of its own become the owner
    # (SET ROLE is judged by the session's login role, here the test's superuser)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, pg_has_role(current_user, %s, 'MEMBER'), "
            "pg_has_role(current_user, 'pg_write_server_files', 'MEMBER') "
            "FROM pg_roles WHERE rolname = current_user",
            [owner],
        )
        assert cursor.fetchone() == (False, False, False)


def test_the_app_role_may_add_and_read_audit_rows_but_never_change_them(roles):
    owner, app, event = roles
    # when the app's role writes the log as the app does
    added = audit_record(action="export", username="bob")
    # then it is there, readable
    assert set(
        AuditEvent.objects.filter(pk__in=[event.pk, added.pk]).values_list("action", flat=True)
    ) == {"login", "export"}
    # and no UPDATE, DELETE or TRUNCATE gets as far as the trigger: the grant refuses first
    for statement in (
        "UPDATE audit_auditevent SET action = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        message = _refused(statement, [event.pk])
        assert "permission denied" in message and "append-only" not in message
    assert "permission denied" in _refused("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.get(pk=event.pk).action == "login"


def test_the_app_role_does_the_apps_work(roles):
    owner, app, _ = roles
    from wangge.testing import make_user

    # when it creates and changes ordinary rows and a day's case-number sequence
    user = make_user(username="clerk")
    user.display_name = "办事员"
    user.save(update_fields=["display_name"])
    with connection.cursor() as cursor:
        cursor.execute('CREATE SEQUENCE IF NOT EXISTS "cases_number_29991231"')
        cursor.execute("SELECT nextval('cases_number_29991231'), current_user")
        # then all of it works, as the app role
        assert cursor.fetchone() == (1, app)


def test_production_refuses_a_superuser_connection(db):
    # given the test database's account, a superuser, and production's rule
    with override_settings(WANGGE_DB_ALLOW_SUPERUSER=False):
        fresh = connections.create_connection("default")
        try:
            # when a connection opens
            # then it is refused
            with pytest.raises(ImproperlyConfigured, match="superuser"):
                fresh.ensure_connection()
        finally:
            fresh.close()
