import pytest
from django.db import DatabaseError, connection, transaction

from wangge.accounts.models import Role
from wangge.areas.models import Area
from wangge.audit.models import AuditEvent
from wangge.audit.services import audit_record
from wangge.testing import make_user


def test_audit_rows_cannot_be_updated_or_deleted_in_the_database(db):
    # given an audit row
    event = audit_record(action="login", username="alice")
    if connection.vendor != "postgresql":
        # SQLite (the embedded demo) has no trigger; the guarantee is PostgreSQL's.
        assert AuditEvent.objects.filter(pk=event.pk).exists()
        return
    # when anyone, even with raw SQL, tries to change or remove it
    for statement in (
        "UPDATE audit_auditevent SET action = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    # then it is unchanged
    assert AuditEvent.objects.get(pk=event.pk).action == "login"


def test_only_audit_admins_read_the_audit_page(client, db):
    audit_record(action="login", username="someone")
    auditor = make_user(Role.AUDIT_ADMIN, username="auditor")
    sysadmin = make_user(Role.SECURITY_ADMIN, username="secadmin")
    client.force_login(sysadmin)
    assert client.get("/audit/").status_code == 404
    client.force_login(auditor)
    page = client.get("/audit/", {"username": "someone"})
    assert page.status_code == 200 and "someone" in page.content.decode()
    log_table = client.get("/audit/", {"username": "nobody"}).content.decode().split("<h2>")[0]
    assert log_table.count("<tr>") == 2  # the header and "no rows" (the seals follow)


def test_admin_audit_log_is_read_only(client, db):
    event = audit_record(action="login", username="someone")
    auditor = make_user(Role.AUDIT_ADMIN, username="auditor")
    client.force_login(auditor)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    response = client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"action": "x"})
    assert response.status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "login"


def test_audit_page_names_the_actors_roles(client, city):
    # given a grid worker's action on record
    grid = Area.objects.filter(kind="grid").first()
    worker = make_user(Role.GRID_WORKER, grid, username="worker1")
    audit_record(action="export", actor=worker, obj=worker)
    client.force_login(make_user(Role.AUDIT_ADMIN, username="auditor"))
    # when the auditor looks it up
    page = client.get("/audit/", {"username": "worker1"}).content.decode()
    # then the role reads as a name, not as its code
    assert str(Role.GRID_WORKER.label) in page
    assert ">grid_worker<" not in page
    assert f"用户 {worker.pk}" in page  # the object by its kind's name, not its table
