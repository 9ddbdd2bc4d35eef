from django.core.management.base import BaseCommand

from wangge.patrols.services import grid_assignments_from_roles


class Command(BaseCommand):
    help = (
        "为已授予网格员角色但尚无网格分工的账号建立分工（起始日期为今天）。"
        "Open a grid assignment for every grid-worker role on a grid that has none yet."
    )

    def handle(self, *args, **options):
        created = grid_assignments_from_roles()
        self.stdout.write(f"新建网格分工 {created} 条")
