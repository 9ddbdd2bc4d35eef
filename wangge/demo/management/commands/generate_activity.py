from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from wangge.core.errors import ApplicationError
from wangge.demo.history import DEFAULT_DAYS, activity_generate


class Command(BaseCommand):
    help = (
        "Give the demo city a history: a year of cases, patrols and household visits up to "
        "now (every app's demo.py), written through the real services (deterministic for a "
        "seed). Does nothing if any such activity exists already."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"length of the history in days, ending now (default {DEFAULT_DAYS})",
        )

    def handle(self, *args, seed: int, days: int, verbosity: int, **options):
        say = self.stdout.write if verbosity >= 2 else None
        try:
            # The demo runs with DEBUG on, which would record and format every one of the
            # ~100,000 statements (a tenth of the time): not needed for a data load.
            with override_settings(DEBUG=False):
                stats = activity_generate(seed=seed, days=days, progress=say)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if stats.skipped:
            self.stdout.write("已有案件、巡查或走访记录，跳过生成演示活动（不会重复生成）。")
            return
        if verbosity >= 1:
            self.stdout.write(
                f"已生成演示活动（seed={seed}，最近 {days} 天）：{'；'.join(stats.summaries)}；"
                f"用时 {stats.seconds:.1f} 秒"
            )
        if stats.refused:
            self.stderr.write(f"有 {stats.refused} 个步骤被业务规则拒绝而跳过：")
            for line in stats.refusals:
                self.stderr.write(f"  {line}")
