"""Service positions and the 15-minute circle on the dashboards (discovered by
wangge.indicators): positions by type, and per type the share of residents whose home
is within the type's circle (residents within threshold ÷ residents, from the last
recomputation's per-building rows), rolled up per grid, community, street, district and
city, with drill-down to the gap map; the share within 5, 10 and 15 minutes' walk and the
residents left outside each type's circle; and the monthly briefing's section on the
15-minute circle (``BRIEFING``)."""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_noop

from wangge.core import clock
from wangge.indicators.definitions import (
    BriefingSection,
    Indicator,
    Source,
    count_of,
    rate,
    register,
    register_source,
    value_of,
)

from .catalogue import DEFAULT_TYPES
from .permissions import can_read_facilities

GROUP = "服务阵地"
CIRCLE_GROUP = "生活圈覆盖"
# English words for the seeded types (the Chinese names come from catalogue.DEFAULT_TYPES).
TYPE_EN = {"party_center": "Party service centres", "new_groups": "new-group activity positions",
           "estate_station": "estate service stations", "rest_station": "rest stations",
           "truck_station": "truck drivers' homes", "village_finance": "village finance stations"}
COVERAGE_TYPES = TYPE_EN
TYPE_ZH = {code: name for code, name, *_ in DEFAULT_TYPES}
CIRCLES = ("5", "10", "15")

# Not on the headline panel: its figures make the monthly briefing's summary sentence.
PANELS = {
    "ranking": {"coverage_party_center": 300, "coverage_estate_station": 310},
    "areas": {"facilities": 300, "coverage_party_center": 310, "coverage_rest_station": 320},
    "rank_by": {"coverage_party_center": 300},
}


def _circle_note() -> str:
    """The thresholds and when the figures were computed (under the briefing's section)."""
    from django.utils.translation import gettext

    from .coverage import circle_metres, last_run

    run = last_run()
    text = gettext("按 GB 50180-2018 生活圈：5、10、15 分钟步行分别按 {a}、{b}、{c} 米计（步行速度 {speed} 米/分钟）；"
                   "覆盖率 = 距最近阵地在范围内的居民 ÷ 居民。").format(
        a=round(circle_metres("5")), b=round(circle_metres("10")), c=round(circle_metres("15")),
        speed=settings.WANGGE_FACILITY_WALK_SPEED)
    if run is None:
        return text + gettext("覆盖率尚未计算")
    at = run.finished_at.astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    text += gettext("覆盖率计算于 %(at)s") % {"at": at}
    if run.straight_line:
        text += " · " + gettext("直线距离（未载入路网）")
    return text


# The monthly briefing's section on the 15-minute circle: per type the share of residents
# within 5, 10 and 15 minutes and within the type's own circle, the residents left out,
# the same per sub-area, and the sub-area worst served by each type.
BRIEFING = [BriefingSection(
    key="circle",
    title=gettext_noop("15分钟生活圈覆盖情况"),
    columns=(gettext_noop("5分钟生活圈"), gettext_noop("10分钟生活圈"), gettext_noop("15分钟生活圈"),
             gettext_noop("本类阵地服务圈内"), gettext_noop("服务圈外居民")),
    rows=tuple((TYPE_ZH[code], (f"circle5_{code}", f"circle10_{code}", f"circle15_{code}",
                                f"coverage_{code}", f"uncovered_{code}")) for code in TYPE_EN),
    by_area=tuple(f"coverage_{code}" for code in TYPE_EN),
    gaps=tuple((f"coverage_{code}", f"uncovered_{code}") for code in TYPE_EN),
    note=_circle_note,
    order=300,
)]


def _facilities():
    from .models import Facility

    return Facility.objects.filter(active=True)


def _access():
    from .models import HomeAccess

    return HomeAccess.objects.all()


def _circle_measures() -> dict:
    """Residents per type; within the type's circle; within 5, 10 and 15 minutes (the
    thresholds as configured now: distances are searched at least that far)."""
    from .coverage import circle_metres

    measures = {}
    for code in TYPE_EN:
        of_type = Q(facility_type__code=code)
        measures[f"res_{code}"] = Sum("residents", filter=of_type)
        measures[f"cov_{code}"] = Sum("residents", filter=of_type & Q(covered=True))
        for circle in CIRCLES:
            measures[f"in{circle}_{code}"] = Sum(
                "residents", filter=of_type & Q(distance__isnull=False, distance__lte=circle_metres(circle)))
    return measures


def _outside(measures, code: str) -> float | None:
    """Residents outside the type's circle; empty while no home was computed."""
    residents = value_of(measures, f"circle.res_{code}")
    if not residents:
        return None
    return max(0, residents - value_of(measures, f"circle.cov_{code}"))


def _drill(code: str):
    def url(area, period=None, department=None) -> str:
        from wangge.areas.models import Area, AreaKind

        from .models import FacilityType

        target = area
        while target.kind in (AreaKind.GRID, AreaKind.MICROGRID):
            target = Area.objects.get(path=target.path[: -Area.steplen])
        ftype = FacilityType.objects.filter(code=code).first()
        params = {"area": target.code if target.kind != AreaKind.CITY else ""}
        if ftype:
            params["facility_type"] = ftype.pk
        return f"{reverse('facilities:gaps')}?{urlencode(params)}"

    return url


register_source(Source(
    key="facilities", label="服务阵地", queryset=_facilities,
    measures=lambda: {"all": Count("id"), **{code: Count("id", filter=Q(facility_type__code=code))
                                             for code, *_ in DEFAULT_TYPES}},
))
register_source(Source(
    key="circle", label="生活圈覆盖", queryset=_access,
    measures=lambda: _circle_measures(),
))
count_of("facilities", "服务阵地数", "Service positions", "个", GROUP, "facilities.all")
for _code, _name, *_rest in DEFAULT_TYPES:
    count_of(f"facilities_{_code}", f"{_name}数", f"Positions: {_code.replace('_', ' ')}", "个", GROUP,
             f"facilities.{_code}")
for _code, _en in TYPE_EN.items():
    _zh = TYPE_ZH[_code]
    rate(f"coverage_{_code}", f"{_zh}生活圈覆盖率", f"Residents within the circle of {_en}", GROUP,
         f"circle.cov_{_code}", f"circle.res_{_code}", decimals=1, drill=_drill(_code),
         drill_allowed=can_read_facilities)
    register(Indicator(
        f"uncovered_{_code}", f"{_zh}服务圈外居民", f"Residents outside the circle of {_en}", "人",
        CIRCLE_GROUP, (f"circle.res_{_code}", f"circle.cov_{_code}"),
        lambda m, c=_code: _outside(m, c),
        higher_is_better=False, drill=_drill(_code), drill_allowed=can_read_facilities,
    ))
    for _circle in CIRCLES:
        rate(f"circle{_circle}_{_code}", f"{_zh}{_circle}分钟步行可达率",
             f"Residents within {_circle} minutes' walk of {_en}", CIRCLE_GROUP,
             f"circle.in{_circle}_{_code}", f"circle.res_{_code}", decimals=1, drill=_drill(_code),
             drill_allowed=can_read_facilities)
