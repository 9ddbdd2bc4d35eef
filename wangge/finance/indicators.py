"""Rural-finance figures: the demand list collected, matched and granted; loans granted
and the month-end balance; credit households, villages and towns (discovered by
wangge.indicators; drill down to the finance overview of the area)."""

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from wangge.indicators.definitions import Source, count_of, rate, register_source

GROUP_FINANCE = "普惠金融"

# The units, for the catalogue (wangge.indicators.labels translates them with pgettext).
UNITS = (pgettext_lazy("unit", "条"), pgettext_lazy("unit", "万元"), pgettext_lazy("unit", "户"),
         pgettext_lazy("unit", "个"), pgettext_lazy("unit", "笔"))

PANELS = {"ranking": {"finance_balance": 310}}


def _allowed(user, *args) -> bool:
    from wangge.finance.permissions import can_read_finance

    return can_read_finance(user)


def _drill(name: str):
    def url(area, period, department=None) -> str:
        base = reverse(name)
        return f"{base}?area={area.pk}" if name == "finance:home" else base

    return url


def _demands():
    from wangge.finance.models import Demand

    return Demand.objects.all()


def _loans():
    from wangge.finance.models import Loan

    return Loan.objects.all()


def _balances():
    from wangge.finance.models import LoanBalance

    return LoanBalance.objects.all()


def _ratings():
    from wangge.core import clock
    from wangge.finance.models import Consent, Rating

    open_consent = Consent.objects.filter(withdrawn_on__isnull=True).values("household_id")
    return Rating.objects.filter(year=clock.today().year, household_id__in=open_consent)


def _designations():
    from wangge.core import clock
    from wangge.finance.models import CreditDesignation

    return CreditDesignation.objects.filter(year=clock.today().year)


def _demand_measures():
    from wangge.finance.models import DemandStatus

    return {"collected": Count("id"),
            "matched": Count("id", filter=Q(status__in=[DemandStatus.MATCHED, DemandStatus.GRANTED])),
            "granted": Count("id", filter=Q(status=DemandStatus.GRANTED))}


register_source(Source(key="finance_demands", label="金融需求", queryset=_demands, measures=_demand_measures,
                       period_field="created_at"))
register_source(Source(key="finance_loans", label="贷款发放", queryset=_loans,
                       measures=lambda: {"loans": Count("id"), "amount": Sum("amount")},
                       period_field="granted_on", period_is_date=True))
register_source(Source(key="finance_balances", label="贷款余额", queryset=_balances,
                       measures=lambda: {"balance": Sum("balance")}, period_field="period", period_is_date=True))
register_source(Source(key="finance_ratings", label="信用评级", queryset=_ratings,
                       measures=lambda: {"rated": Count("id"), "creditworthy": Count("id", filter=Q(creditworthy=True))}))
register_source(Source(key="finance_designations", label="信用村镇", queryset=_designations,
                       measures=lambda: {"villages": Count("id", filter=Q(level="village")),
                                         "towns": Count("id", filter=Q(level="town"))}))

_kw = {"drill": _drill("finance:home"), "drill_allowed": _allowed}
count_of("finance_demands_collected", "收集金融需求数", "Finance needs collected", "条", GROUP_FINANCE,
         "finance_demands.collected", drill=_drill("finance:demands"), drill_allowed=_allowed)
count_of("finance_demands_matched", "已对接产品需求数", "Finance needs matched to a product", "条", GROUP_FINANCE,
         "finance_demands.matched", drill=_drill("finance:demands"), drill_allowed=_allowed)
count_of("finance_demands_granted", "已放款需求数", "Finance needs granted", "条", GROUP_FINANCE,
         "finance_demands.granted", drill=_drill("finance:demands"), drill_allowed=_allowed)
rate("finance_demand_grant_rate", "需求获贷率", "Share of finance needs granted", GROUP_FINANCE,
     "finance_demands.granted", "finance_demands.collected", drill=_drill("finance:demands"), drill_allowed=_allowed)
count_of("finance_loans_granted", "发放贷款笔数", "Loans granted", "笔", GROUP_FINANCE, "finance_loans.loans", **_kw)
count_of("finance_loans_amount", "发放贷款金额", "Amount of loans granted", "万元", GROUP_FINANCE,
         "finance_loans.amount", decimals=2, **_kw)
count_of("finance_balance", "月末贷款余额", "Month-end loan balance", "万元", GROUP_FINANCE,
         "finance_balances.balance", decimals=2, **_kw)
count_of("finance_credit_households", "信用户数", "Credit households", "户", GROUP_FINANCE,
         "finance_ratings.creditworthy", drill=_drill("finance:villages"), drill_allowed=_allowed)
count_of("finance_credit_villages", "信用村数", "Credit villages", "个", GROUP_FINANCE,
         "finance_designations.villages", drill=_drill("finance:credit"), drill_allowed=_allowed)
count_of("finance_credit_towns", "信用乡镇数", "Credit towns", "个", GROUP_FINANCE,
         "finance_designations.towns", drill=_drill("finance:credit"), drill_allowed=_allowed)
