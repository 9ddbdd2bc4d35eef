"""manage.py audit_verify: recompute the audit log's hash chain and seals (wangge.audit.chain)."""

from django.core.management.base import BaseCommand, CommandError

from wangge.audit.chain import chain_extend, chain_verify
from wangge.audit.models import AuditChainLink, AuditSeal


class Command(BaseCommand):
    help = "Check the audit log against its hash chain and daily seals; name the first break."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-extend", action="store_true", help="check only, link no new rows first"
        )

    def handle(self, *args, no_extend=False, **options):
        if not no_extend:
            chain_extend()
        finding = chain_verify()
        if finding is not None:
            raise CommandError(finding.message)
        self.stdout.write(
            f"audit log intact: {AuditChainLink.objects.count():,} rows on the chain, "
            f"{AuditSeal.objects.count()} daily seals match"
        )
