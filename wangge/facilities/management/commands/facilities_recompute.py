from django.core.management.base import BaseCommand

from wangge.facilities.coverage import recompute


class Command(BaseCommand):
    help = "重新计算生活圈覆盖（每栋楼到各类阵地的步行距离）"

    def handle(self, *args, **options):
        run = recompute()
        self.stdout.write(f"{run.homes} buildings, {run.unsnapped} off the network, {run.seconds} s")
