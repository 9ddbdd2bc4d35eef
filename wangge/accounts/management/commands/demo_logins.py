from django.core.management.base import BaseCommand, CommandError

from wangge.accounts.demo import DEMO_PASSWORD, demo_accounts_ensure
from wangge.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Create (if needed) and print the demo login for every role (demo settings only)."

    def handle(self, *args, **options):
        try:
            rows = demo_accounts_ensure()
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）:")
        for username, role, where in rows:
            self.stdout.write(f"  {username:<12} {role:<10} {where}")
