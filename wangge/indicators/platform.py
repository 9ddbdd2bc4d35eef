"""The platform's own figures: the area tree, the grid workers, the departments and the
estates (apps every domain builds on). The domain apps add theirs in ``<app>/indicators.py``."""

from django.db.models import Count, Q

from wangge.indicators.definitions import Source, count_of, rate, register_source

GROUP_BASE = "基础信息"
GROUP_WORKERS = "网格队伍"
GROUP_PROPERTY = "小区物业"

PANELS = {
    "headline": {"communities": 10, "grids": 20, "grid_workers": 30},
    "ranking": {"grids": 90, "grid_workers": 100},
    "areas": {"grids": 10, "grid_workers": 20},
}


def _areas():
    from wangge.areas.models import Area

    return Area.objects.all()


def _grid_worker_roles():
    from wangge.accounts.models import Role, RoleAssignment

    return RoleAssignment.objects.filter(role=Role.GRID_WORKER, area__isnull=False).current()


def _estates():
    from wangge.areas.models import Estate

    return Estate.objects.all()


def _buildings():
    from wangge.areas.models import Building

    return Building.objects.all()


def _departments():
    from wangge.accounts.models import Department

    return Department.objects.all()


register_source(
    Source(
        key="areas",
        label="区域",
        queryset=_areas,
        path_field="path",
        measures=lambda: {
            "streets": Count("id", filter=Q(kind="street")),
            "communities": Count("id", filter=Q(kind="community")),
            "grids": Count("id", filter=Q(kind="grid")),
            "grids_mapped": Count("id", filter=Q(kind="grid", polygon__isnull=False)),
        },
    )
)
register_source(
    Source(
        key="workers",
        label="网格员",
        queryset=_grid_worker_roles,
        path_field="area__path",
        measures=lambda: {"grid_workers": Count("user", distinct=True)},
        additive=False,
    )
)
register_source(
    Source(
        key="estates",
        label="小区",
        queryset=_estates,
        measures=lambda: {
            "estates": Count("id"),
            "managed": Count("id", filter=Q(has_property_management=True)),
        },
    )
)
register_source(
    Source(
        key="buildings",
        label="楼栋",
        queryset=_buildings,
        measures=lambda: {"buildings": Count("id")},
    )
)
register_source(
    Source(
        key="departments",
        label="职能部门",
        queryset=_departments,
        path_field="area__path",
        measures=lambda: {"departments": Count("id")},
    )
)

count_of("streets", "街道（镇、苏木）数", "Streets", "个", GROUP_BASE, "areas.streets")
count_of("communities", "社区（村、嘎查）数", "Communities", "个", GROUP_BASE, "areas.communities")
count_of("grids", "网格数", "Grids", "个", GROUP_BASE, "areas.grids")
rate(
    "grid_map_coverage",
    "网格边界落图率",
    "Grids with a mapped boundary",
    GROUP_BASE,
    "areas.grids_mapped",
    "areas.grids",
)
count_of("departments", "职能部门数", "Departments", "个", GROUP_BASE, "departments.departments")
count_of("grid_workers", "网格员数", "Grid workers", "人", GROUP_WORKERS, "workers.grid_workers")
count_of("estates", "小区数", "Estates", "个", GROUP_PROPERTY, "estates.estates")
rate(
    "property_coverage",
    "物业管理覆盖率",
    "Estates under property management",
    GROUP_PROPERTY,
    "estates.managed",
    "estates.estates",
)
count_of("buildings", "楼栋数", "Buildings", "栋", GROUP_PROPERTY, "buildings.buildings")
