from django.core.management.base import BaseCommand, CommandError

from wangge.indicators.periods import Period
from wangge.indicators.rollups import rollup_refresh, rollup_refresh_recent


class Command(BaseCommand):
    help = "重新计算驾驶舱指标的预计算值（默认：当月及此前 12 个月）"

    def add_arguments(self, parser):
        parser.add_argument("--period", help="只计算该月（YYYY-MM）")
        parser.add_argument("--months", type=int, help="计算最近若干个月（含当月）")

    def handle(self, *args, **options):
        if options["period"]:
            period = Period.parse(options["period"])
            if period.key != options["period"].strip():
                raise CommandError("月份应为 YYYY-MM，且不能晚于当月")
            runs = [rollup_refresh(period=period)]
        else:
            runs = rollup_refresh_recent(months=options["months"])
        for run in runs:
            self.stdout.write(f"{run.period:%Y-%m}: {run.rows} 行，用时 {run.seconds:.1f} 秒")
