"""Create the PostgreSQL roles production runs with, once, as a superuser:

    python manage.py db_roles --admin-url postgres://postgres@db-host:5432/wangge

The owner role is DATABASE_MIGRATE_URL's user and the app role DATABASE_URL's (passwords
from those URLs when given). The superuser's password, if any, comes from libpq's usual
places (PGPASSWORD, ~/.pgpass), not the command line. Safe to run again.
"""

import dj_database_url
import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wangge.core.dbroles import roles_setup


class Command(BaseCommand):
    help = "Create or correct the owner and app roles of the PostgreSQL database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin-url", required=True, help="a superuser's postgres:// URL to the database"
        )

    def handle(self, *args, admin_url: str, **options):
        if not settings.DATABASE_MIGRATE_URL:
            raise CommandError(
                "set DATABASE_MIGRATE_URL (the owner role) and DATABASE_URL (the app role)"
            )
        app = settings.DATABASES["default"]
        owner = dj_database_url.parse(settings.DATABASE_MIGRATE_URL)
        if app["ENGINE"] != "django.db.backends.postgresql" or not app["USER"]:
            raise CommandError("DATABASE_URL must be a postgres:// URL with the app role's user")
        if owner["NAME"] != app["NAME"]:
            raise CommandError("DATABASE_MIGRATE_URL and DATABASE_URL must name the same database")
        with psycopg.connect(admin_url, autocommit=False) as admin, admin.cursor() as cursor:
            cursor.execute(
                "SELECT current_database(), rolsuper FROM pg_roles WHERE rolname = current_user"
            )
            database, superuser = cursor.fetchone()
            if not superuser:
                raise CommandError("--admin-url must connect as a superuser")
            if database != app["NAME"]:
                raise CommandError(f"--admin-url must connect to the database {app['NAME']!r}")
            roles_setup(
                cursor,
                database=database,
                owner=owner["USER"],
                app=app["USER"],
                owner_password=owner["PASSWORD"] or None,
                app_password=app["PASSWORD"] or None,
            )
        self.stdout.write(
            f"owner role {owner['USER']!r} owns the schema; app role {app['USER']!r} has its grants"
        )
