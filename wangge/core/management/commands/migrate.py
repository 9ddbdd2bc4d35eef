"""``migrate`` as the owner role when ``DATABASE_MIGRATE_URL`` is set (production), then
the app role's grants again so that new tables are covered (``wangge.core.dbroles``)."""

import dj_database_url
from django.conf import settings
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

from wangge.core.dbroles import grants_apply

CREDENTIALS = ("NAME", "USER", "PASSWORD", "HOST", "PORT")


class Command(migrate.Command):
    help = migrate.Command.help + " Connects as DATABASE_MIGRATE_URL's owner role when set."

    def handle(self, *args, **options):
        url = settings.DATABASE_MIGRATE_URL
        if not url or options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(*args, **options)
        connection = connections[DEFAULT_DB_ALIAS]
        app_role = connection.settings_dict["USER"]
        owner = dj_database_url.parse(url)
        if owner["NAME"] != connection.settings_dict["NAME"]:
            raise SystemExit("DATABASE_MIGRATE_URL must name the same database as DATABASE_URL")
        connection.close()
        saved = {key: connection.settings_dict.get(key) for key in CREDENTIALS}
        connection.settings_dict.update({key: owner[key] for key in CREDENTIALS})
        try:
            super().handle(*args, **options)
            if app_role and app_role != owner["USER"]:
                with connection.cursor() as cursor:
                    grants_apply(cursor.cursor, owner=owner["USER"], app=app_role)
                if options["verbosity"]:
                    self.stdout.write(f"Granted the app role {app_role!r} its privileges.")
        finally:
            connection.close()
            connection.settings_dict.update(saved)
