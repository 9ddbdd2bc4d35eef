"""The backup drill: back up while reports keep arriving, restore into a fresh database and
check what came back (README, "Production"; scripts/backup, scripts/restore)."""

import threading
import time

import psycopg
import pytest
from django.db import connection

from wangge.audit.models import AuditEvent
from wangge.cases.models import Case
from wangge.core.backup import BackupError, backup_create, backup_restore
from wangge.testing import build_city
from wangge.testing.cases import CaseFactory, categories_ensure
from wangge.testing.worlds import build_world


def _reporting(world, stop: threading.Event, acknowledged: list) -> None:
    """A phone that keeps reporting: each case it gets an answer for is acknowledged."""
    try:
        while not stop.is_set():
            case = CaseFactory.reported(world, description=f"备份演练 {len(acknowledged)}")
            acknowledged.append((time.monotonic(), case.pk))
    finally:
        connection.close()


@pytest.fixture
def restore_database(transactional_db):
    """An empty database next to the test database (its DATABASES entry)."""
    name = f"{connection.settings_dict['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield {**connection.settings_dict, "NAME": name}
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rows(database: dict, sql: str) -> list[tuple]:
    """Read the restored database directly (the test case allows no second alias)."""
    with psycopg.connect(
        host=database["HOST"] or "127.0.0.1", port=database["PORT"] or 5432,
        user=database["USER"], dbname=database["NAME"],
    ) as raw:
        return raw.execute(sql).fetchall()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_during_writes_restores_every_acknowledged_write(
    tmp_path, settings, restore_database
):
    # given a city where reports arrive all the time, and an uploaded file
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "photos").mkdir(parents=True)
    (tmp_path / "media" / "photos" / "p.jpg").write_bytes(b"photo")
    categories_ensure()  # an earlier transactional test's flush may have removed them
    world = build_world(build_city())
    stop, acknowledged = threading.Event(), []
    writer = threading.Thread(target=_reporting, args=(world, stop, acknowledged))
    writer.start()
    try:
        while len(acknowledged) < 5:
            time.sleep(0.05)
        # when a backup is taken while the reports go on
        started = time.monotonic()
        manifest = backup_create(tmp_path / "backup")
        time.sleep(0.2)
    finally:
        stop.set()
        writer.join()
    before = {pk for at, pk in acknowledged if at < started}
    assert manifest["files"] and len(acknowledged) > len(before) >= 5

    # and it is restored into a fresh database and a fresh media folder
    restored = backup_restore(
        tmp_path / "backup", database=restore_database, media_root=tmp_path / "restored-media"
    )

    # then every report acknowledged before the backup began is there, with its timeline
    # and its audit row, and nothing is there that was never written
    cases = {pk for (pk,) in _rows(restore_database, "SELECT id FROM cases_case")}
    assert before <= cases
    assert cases <= set(Case.objects.values_list("pk", flat=True))
    reported = _rows(restore_database, "SELECT case_id FROM cases_caseevent WHERE action = 'report'")
    assert {pk for (pk,) in reported} == cases
    audited = _rows(
        restore_database,
        "SELECT object_id FROM audit_auditevent WHERE action = 'case_report'",
    )
    assert {int(pk) for (pk,) in audited} == cases
    # the audit log is the original's up to the snapshot, row for row
    newest = restored["audit_auditevent"]["newest_id"]
    original = list(AuditEvent.objects.filter(pk__lte=newest).order_by("pk").values_list(
        "pk", "action", "object_id"))
    copy = _rows(restore_database, "SELECT id, action, object_id FROM audit_auditevent ORDER BY id")
    assert copy == original
    assert (tmp_path / "restored-media" / "photos" / "p.jpg").read_bytes() == b"photo"

    # and a second restore into the now full database is refused, touching nothing
    with pytest.raises(BackupError, match="not empty"):
        backup_restore(tmp_path / "backup", database=restore_database,
                       media_root=tmp_path / "other-media")


@pytest.mark.django_db(transaction=True)
def test_a_backup_whose_files_changed_is_refused(tmp_path, settings):
    # given a backup (of SQLite or PostgreSQL, whichever the suite runs on)
    settings.MEDIA_ROOT = tmp_path / "media"
    backup_create(tmp_path / "backup")
    # when its media archive is altered
    (tmp_path / "backup" / "media.tar.gz").write_bytes(b"not the archive")
    # then a restore refuses it before touching anything
    with pytest.raises(BackupError, match="SHA-256"):
        backup_restore(tmp_path / "backup", media_root=tmp_path / "restored")
    assert not (tmp_path / "restored").exists()
