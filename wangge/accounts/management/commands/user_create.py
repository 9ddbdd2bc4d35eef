"""Create a staff account from the command line — the first administrator of a fresh
installation, or the production check's test user:

    echo "$PASSWORD" | python manage.py user_create wgadmin --role security_admin --password-stdin
    python manage.py user_create qu01 --role district_officer --area 150206 --password-stdin < pw

The password is read from standard input (never the command line), checked by the same
validators as everywhere else; the role assignment is audited like one made in the UI.
"""

import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wangge.accounts.models import Role, User
from wangge.accounts.services import role_assign
from wangge.areas.models import Area
from wangge.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Create a user with a role on an area (by its code), password from stdin."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--area", default="", help="the area's code (GB/T 2260 and below)")
        parser.add_argument("--display-name", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )

    def handle(self, *args, username, role, area, display_name, password_stdin, **options):
        if not password_stdin:
            raise CommandError("pass the password on standard input with --password-stdin")
        password = sys.stdin.readline().rstrip("\n")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户 {username} 已存在")
        node = None
        if area:
            node = Area.objects.filter(code=area).first()
            if node is None:
                raise CommandError(f"区域代码 {area} 不存在")
        user = User(username=username, display_name=display_name, is_staff=role != Role.RESIDENT)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        try:
            with transaction.atomic():
                user.set_password(password)
                user.password_temporary = True  # changed by its holder at the first sign-in
                user.save()
                role_assign(actor=None, user=user, role=role, area=node)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"已创建用户 {username}（{Role(role).label}{' @ ' + node.name if node else ''}）"
        )
