"""The people register's figures for the dashboards (discovered by wangge.indicators)."""

from django.db.models import Count, Q

from wangge.indicators.definitions import Source, average, count_of, register_source
from wangge.indicators.platform import GROUP_BASE, GROUP_WORKERS
from wangge.people.care_tags import DEFAULT_CARE_TAGS

GROUP_CARE = "关爱人群"

PANELS = {
    "headline": {"households": 40, "residents": 50, "care_people": 60},
    "ranking": {"residents": 110},
    "areas": {"households": 30, "residents": 40, "care_people": 50},
    "rank_by": {"residents": 90},
    "area_rank_by": {"residents": 10},
}


def _households():
    from wangge.people.models import Household

    return Household.objects.all()


def _residents():
    from wangge.people.models import Resident

    return Resident.objects.all()


def _resident_tags():
    from wangge.people.models import Resident

    return Resident.care_tags.through.objects.all()


register_source(
    Source(
        key="households",
        label="户",
        queryset=_households,
        measures=lambda: {"households": Count("id")},
    )
)
register_source(
    Source(
        key="residents",
        label="居民",
        queryset=_residents,
        measures=lambda: {"residents": Count("id")},
    )
)
register_source(
    Source(
        key="care",
        label="关爱对象",
        queryset=_resident_tags,
        path_field="resident__area_path",
        measures=lambda: {
            # A resident lives in one grid, so distinct people per group still add up.
            "people": Count("resident", distinct=True),
            **{code: Count("id", filter=Q(caretag__code=code)) for code, *_ in DEFAULT_CARE_TAGS},
        },
    )
)

count_of("households", "户数", "Households", "户", GROUP_BASE, "households.households")
count_of("residents", "居民数", "Residents", "人", GROUP_BASE, "residents.residents")
average(
    "households_per_grid",
    "网格平均户数",
    "Households per grid",
    "户",
    GROUP_BASE,
    "households.households",
    "areas.grids",
)
average(
    "households_per_worker",
    "网格员人均服务户数",
    "Households per grid worker",
    "户",
    GROUP_WORKERS,
    "households.households",
    "workers.grid_workers",
    higher_is_better=False,
)
count_of("care_people", "关爱对象人数", "People in care groups", "人", GROUP_CARE, "care.people")
for _code, _name, *_rest in DEFAULT_CARE_TAGS:
    count_of(f"care_{_code}", _name, f"Care tag: {_code}", "人", GROUP_CARE, f"care.{_code}")
