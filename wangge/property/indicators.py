"""Red property figures (discovered by wangge.indicators). Property management coverage
itself is the platform's (estates.managed ÷ estates), kept true by the estate profile."""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.urls import reverse

from wangge.indicators.definitions import Source, average, rate, register_source

GROUP = "红色物业"


def _drill(url_name: str, *, month: bool = True):
    def url(area, period, department=None):
        if department:
            return None
        params = {"area": area.code, **({"month": period.key} if month else {})}
        return f"{reverse(url_name)}?{urlencode(params)}"

    return url


def _can_read(user) -> bool:
    from wangge.property.permissions import can_read_area_property

    return can_read_area_property(user)

PANELS = {
    "headline": {"fee_amount_rate": 310, "owners_committee_rate": 320},
    "ranking": {"fee_amount_rate": 310, "opinion_reply_rate": 330},
    "trend": {"fee_amount_rate": 310},
}


def _profiles():
    from wangge.property.models import EstateProfile

    return EstateProfile.objects.all()


def _committee_measures():
    eligible = Q(delivered_percent__gte=settings.WANGGE_PROPERTY_COMMITTEE_MIN_DELIVERED)
    active = Q(estate__owners_committees__dissolved_on__isnull=True,
               estate__owners_committees__kind="owners")
    return {
        "eligible": Count("id", filter=eligible, distinct=True),
        "with_committee": Count("id", filter=eligible & active, distinct=True),
    }


def _fees():
    from wangge.property.models import FeeRecord

    return FeeRecord.objects.all()


def _opinions():
    from wangge.property.models import OpinionEntry

    return OpinionEntry.objects.all()


def _ratings():
    from wangge.property.models import SatisfactionRating

    return SatisfactionRating.objects.all()


register_source(Source(key="property_profiles", label="小区物业档案", queryset=_profiles,
                       measures=_committee_measures))
register_source(Source(
    key="property_fees", label="物业费收缴", queryset=_fees, period_field="period", period_is_date=True,
    measures=lambda: {"amount_due": Sum("amount_due"), "amount_paid": Sum("amount_paid"),
                      "households_due": Sum("households_due"), "households_paid": Sum("households_paid")},
))
register_source(Source(
    key="property_opinions", label="意见簿", queryset=_opinions, period_field="created_at",
    measures=lambda: {
        "entries": Count("id"),
        "replied_on_time": Count("id", filter=Q(replied_at__isnull=False, replied_at__lte=F("reply_due"))),
    },
))
register_source(Source(
    key="property_ratings", label="物业满意度", queryset=_ratings, period_field="at",
    measures=lambda: {"ratings": Count("id"), "score_total": Sum("score")},
))


rate("owners_committee_rate", "业委会组建率", "Owners' committee rate (eligible estates)", GROUP,
     "property_profiles.with_committee", "property_profiles.eligible",
     drill=_drill("property:committee_list", month=False), drill_allowed=_can_read)
rate("fee_amount_rate", "物业费收缴率（按金额）", "Fee collection rate (amount)", GROUP,
     "property_fees.amount_paid", "property_fees.amount_due",
     drill=_drill("property:fee_list"), drill_allowed=_can_read)
rate("fee_household_rate", "物业费收缴率（按户数）", "Fee collection rate (households)", GROUP,
     "property_fees.households_paid", "property_fees.households_due",
     drill=_drill("property:fee_list"), drill_allowed=_can_read)
rate("opinion_reply_rate", "意见簿按时答复率", "Opinion book replied on time", GROUP,
     "property_opinions.replied_on_time", "property_opinions.entries",
     drill=_drill("property:opinion_list", month=False), drill_allowed=_can_read)
average("property_satisfaction", "物业满意度（5分制）", "Property satisfaction (of 5)", "分", GROUP,
        "property_ratings.score_total", "property_ratings.ratings")
