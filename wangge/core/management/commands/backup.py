"""manage.py backup [FOLDER]: the database and the uploaded files (wangge.core.backup)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wangge.core import clock
from wangge.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (one consistent snapshot, while the app runs) and the uploads."

    def add_arguments(self, parser):
        parser.add_argument(
            "folder", nargs="?", help="a new folder (default: var/backups/<UTC time>)"
        )

    def handle(self, *args, folder=None, **options):
        target = Path(folder or Path(settings.BASE_DIR) / "var" / "backups"
                      / clock.now().strftime("%Y%m%dT%H%M%SZ"))
        try:
            manifest = backup_create(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        audit = manifest["tables_after"].get("audit_auditevent", {})
        self.stdout.write(
            f"backup written to {target} ({manifest['vendor']}; "
            f"audit log {audit.get('count', 0):,} rows)"
        )
