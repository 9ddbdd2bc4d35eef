"""manage.py restore FOLDER: into an empty database and an empty media folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wangge.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup folder into an empty database (DATABASE_URL) and media folder."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--media-root", help="where the files go (default: MEDIA_ROOT)")

    def handle(self, *args, folder, media_root=None, **options):
        try:
            restored = backup_restore(Path(folder), media_root=media_root and Path(media_root))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        audit = restored.get("audit_auditevent", {})
        self.stdout.write(
            f"restored {len(restored)} tables from {folder}; "
            f"audit log {audit.get('count', 0):,} rows, newest id {audit.get('newest_id', 0)}"
        )
