"""Backing up and restoring the database and the uploaded files (scripts/backup, scripts/restore).

A backup is a folder: ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``, one
consistent snapshot taken while the app keeps writing) or ``database.sqlite3`` (SQLite's
online backup API), ``media.tar.gz`` (the uploaded photos) and ``manifest.json`` (when,
from which database, the files' SHA-256, and every table's row count and newest id, read after the
dump, which a restore must not exceed). A restore goes into an empty database only and checks every
file against the manifest before it touches anything.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections, models

from wangge.core import clock
from wangge.core.errors import ApplicationError

DUMP_POSTGRES = "database.dump"
DUMP_SQLITE = "database.sqlite3"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"


class BackupError(ApplicationError):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_snapshot(cursor) -> dict[str, dict[str, int]]:
    """Row count and newest id of every table of the installed models (any DB-API cursor
    of PostgreSQL or SQLite: a restore reads a database Django has no alias for)."""
    quote = _quote
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table in tables:
            continue
        numbered = isinstance(meta.pk, models.AutoField | models.BigAutoField)
        newest = f"coalesce(max({quote(meta.pk.column)}), 0)" if numbered else "0"
        # Names come from the models' metadata, never from input.
        cursor.execute(f"SELECT count(*), {newest} FROM {quote(meta.db_table)}")  # noqa: S608
        count, newest_id = cursor.fetchone()
        tables[meta.db_table] = {"count": count, "newest_id": newest_id}
    return tables


def _pg_url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgresql://{user}@{host}:{port}/{settings_dict['NAME']}"


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return path


def _pg_env(settings_dict: dict) -> dict:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def backup_create(target: Path, *, using: str = "default") -> dict:
    """Write a backup folder at ``target`` (created; must not exist) and return its manifest."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already: a backup goes into a new folder")
    target.mkdir(parents=True)
    db = connections[using]
    settings_dict = db.settings_dict
    started = clock.now()
    if db.vendor == "postgresql":
        dump = target / DUMP_POSTGRES
        # pg_dump reads one snapshot: rows committed after it starts are not in the dump.
        # The counts below are taken after it, so they are an upper bound for a check.
        # The arguments come from the settings and the operator's command line.
        completed = subprocess.run(  # noqa: S603
            [_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
             f"--file={dump}", f"--dbname={_pg_url(settings_dict)}"],
            env=_pg_env(settings_dict), capture_output=True, text=True, check=False,
        )
        if completed.returncode != 0:
            raise BackupError(f"pg_dump failed: {completed.stderr.strip()}")
    else:
        dump = target / DUMP_SQLITE
        db.ensure_connection()
        with sqlite3.connect(dump) as out:
            db.connection.backup(out)
        out.close()
    media_root = Path(settings.MEDIA_ROOT)
    media = target / MEDIA
    with tarfile.open(media, "w:gz") as archive:
        if media_root.is_dir():
            archive.add(media_root, arcname="media")
    with db.cursor() as cursor:
        after = table_snapshot(cursor)
    manifest = {
        "format": 1,
        "started_at": started.isoformat(),
        "finished_at": clock.now().isoformat(),
        "vendor": db.vendor,
        "database": str(settings_dict["NAME"]),
        "files": {path.name: _sha256(path) for path in (dump, media)},
        "tables_after": after,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def _read_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} holds no readable {MANIFEST}") from exc
    for name, digest in manifest["files"].items():
        path = source / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"{path} is missing or differs from the manifest (SHA-256)")
    return manifest


def _has_tables(cursor, vendor: str) -> bool:
    if vendor == "postgresql":
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    else:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
    return cursor.fetchone()[0] > 0


def _raw_connection(database: dict):
    if "postgresql" in database["ENGINE"]:
        import psycopg

        return psycopg.connect(_pg_url(database), password=database.get("PASSWORD") or None)
    return sqlite3.connect(database["NAME"])


def backup_restore(
    source: Path, *, database: dict | None = None, media_root: Path | None = None
) -> dict:
    """Restore the backup folder ``source`` into an empty database (``database``: a
    settings.DATABASES entry, by default the app's own) and an empty media folder; return
    the restored database's table snapshot."""
    source = Path(source)
    manifest = _read_manifest(source)
    database = database or connections["default"].settings_dict
    vendor = "postgresql" if "postgresql" in database["ENGINE"] else "sqlite"
    if vendor != manifest["vendor"]:
        raise BackupError(f"the backup is of {manifest['vendor']}, the target is {vendor}")
    media_root = Path(media_root or settings.MEDIA_ROOT)
    target = _raw_connection(database)
    try:
        cursor = target.cursor()
        if _has_tables(cursor, vendor):
            raise BackupError("the target database is not empty: restore into a new database")
        if media_root.is_dir() and any(media_root.iterdir()):
            raise BackupError(f"{media_root} is not empty: restore the files into a new folder")
        if vendor == "postgresql":
            # The arguments come from the settings and the operator's command line.
            completed = subprocess.run(  # noqa: S603
                [_program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                 f"--dbname={_pg_url(database)}", str(source / DUMP_POSTGRES)],
                env=_pg_env(database), capture_output=True, text=True, check=False,
            )
            if completed.returncode != 0:
                raise BackupError(f"pg_restore failed: {completed.stderr.strip()}")
        else:
            with sqlite3.connect(source / DUMP_SQLITE) as backup:
                backup.backup(target)
            backup.close()
        _media_restore(source / MEDIA, media_root)
        cursor = target.cursor()
        restored = table_snapshot(cursor)
    finally:
        target.close()
    for table, figures in restored.items():
        limit = manifest["tables_after"].get(table, {"count": 0, "newest_id": 0})
        if figures["count"] > limit["count"] or figures["newest_id"] > limit["newest_id"]:
            raise BackupError(f"{table}: the restore holds more than the database had")
    return restored


def _media_restore(archive_path: Path, media_root: Path) -> None:
    staging = media_root.parent / f".{media_root.name}-restoring"
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(staging, filter="data")  # the "data" filter: no links out, no devices
    media_root.mkdir(parents=True, exist_ok=True)
    extracted = staging / "media"
    if extracted.is_dir():
        for item in extracted.iterdir():
            shutil.move(str(item), media_root / item.name)
    shutil.rmtree(staging, ignore_errors=True)
