"""Service positions and the 15-minute circle on the dashboards (discovered by
wangge.indicators): positions by type, and per type the share of residents whose home
is within the type's circle (residents within threshold ÷ residents, from the last
recomputation's per-building rows), rolled up per grid, community, street, district and
city, with drill-down to the gap map."""

from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse

from wangge.indicators.definitions import Source, count_of, rate, register_source

from .catalogue import DEFAULT_TYPES
from .permissions import can_read_facilities

GROUP = "服务阵地"
COVERAGE_TYPES = {"party_center": "Party service centres", "estate_station": "estate service stations",
                  "rest_station": "rest stations"}

# Not on the headline panel: its figures make the monthly briefing's summary sentence.
PANELS = {
    "ranking": {"coverage_party_center": 300, "coverage_estate_station": 310},
    "areas": {"facilities": 300, "coverage_party_center": 310, "coverage_rest_station": 320},
    "rank_by": {"coverage_party_center": 300},
}


def _facilities():
    from .models import Facility

    return Facility.objects.filter(active=True)


def _access():
    from .models import HomeAccess

    return HomeAccess.objects.all()


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
    measures=lambda: {
        **{f"res_{code}": Sum("residents", filter=Q(facility_type__code=code)) for code in COVERAGE_TYPES},
        **{f"cov_{code}": Sum("residents", filter=Q(facility_type__code=code, covered=True))
           for code in COVERAGE_TYPES},
    },
))
count_of("facilities", "服务阵地数", "Service positions", "个", GROUP, "facilities.all")
for _code, _name, *_rest in DEFAULT_TYPES:
    count_of(f"facilities_{_code}", f"{_name}数", f"Positions: {_code.replace('_', ' ')}", "个", GROUP,
             f"facilities.{_code}")
for _code, _en in COVERAGE_TYPES.items():
    _zh = dict((c, n) for c, n, *_ in DEFAULT_TYPES)[_code]
    rate(f"coverage_{_code}", f"{_zh}生活圈覆盖率", f"Residents within the circle of {_en}", GROUP,
         f"circle.cov_{_code}", f"circle.res_{_code}", decimals=1, drill=_drill(_code),
         drill_allowed=can_read_facilities)
