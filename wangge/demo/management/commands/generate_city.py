from django.core.management.base import BaseCommand, CommandError

from wangge.core.errors import ApplicationError
from wangge.demo.city import city_generate


class Command(BaseCommand):
    help = (
        "Generate the demo city (Baotou's 9 districts, 80 streets, 279 communities, "
        "2,814 grids) with a deterministic population into an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=0.002,
            help="population scale: 1.0 ≈ 1.0 M households / 2.7 M residents (default 0.002)",
        )
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        parser.add_argument(
            "--districts",
            default="",
            help="only these districts, comma-separated GB/T 2260 codes (e.g. 150206)",
        )

    def handle(self, *args, scale: float, seed: int, districts: str, verbosity: int, **options):
        codes = [code.strip() for code in districts.split(",") if code.strip()] or None
        say = self.stdout.write if verbosity >= 1 else None
        try:
            stats = city_generate(scale=scale, seed=seed, districts=codes, progress=say)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if verbosity >= 1:
            self.stdout.write(
                f"已生成演示城市（scale={scale}, seed={seed}）：{stats.districts} 个区/旗/县，"
                f"{stats.streets} 个街道/镇/苏木，{stats.communities} 个社区/村/嘎查，"
                f"{stats.grids} 个网格；{stats.estates} 个小区，{stats.buildings} 栋楼，"
                f"{stats.households} 户，{stats.residents} 名居民（{stats.tagged_residents} 名"
                f"有关爱标签），{stats.departments} 个部门，{stats.users} 个用户；"
                f"用时 {stats.seconds:.1f} 秒"
            )
