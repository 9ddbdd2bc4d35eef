"""Credit ratings and credit villages and towns: the scoring model in force, a rating's
total and grade, and the figures that PROPOSE credit villages and towns by the rules in
force (derived in queries every time; a person confirms — the system never decides)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Substr

from wangge.areas.models import Area, AreaKind
from wangge.people.models import Household

from .models import (
    BAD_CLASSES,
    Consent,
    CreditDesignation,
    CreditRules,
    GradeBand,
    LoanBalance,
    Rating,
    ScoringModel,
)

VILLAGE_LEN = Area.steplen * 4


def defaults_ensure() -> None:
    """The default model and rules (migration 0002), again when a test's flush removed them."""
    from django.apps import apps

    from .catalogue import seed_scoring

    seed_scoring(apps)


def model_in_force() -> ScoringModel | None:
    if not ScoringModel.objects.exists():
        defaults_ensure()
    return ScoringModel.objects.filter(active=True).order_by("-created_at", "-pk").first()


def rules_in_force() -> CreditRules:
    return CreditRules.objects.order_by("-created_at", "-pk").first() or CreditRules()


def weighted_total(scores: dict, criteria) -> Decimal:
    """Σ weight × score / Σ weights, on the 100-point scale (one decimal)."""
    weights = sum(c.weight for c in criteria) or 1
    total = sum(Decimal(str(scores.get(str(c.pk)) or 0)) * c.weight for c in criteria) / weights
    return Decimal(total).quantize(Decimal("0.1"))


def band_for(total: Decimal, bands) -> GradeBand | None:
    """The highest band whose lowest score the total reaches (bands: AAA ≥ 80, AA 70–79…)."""
    for band in sorted(bands, key=lambda b: b.min_score, reverse=True):
        if total >= band.min_score:
            return band
    return None


@dataclass
class VillageFigures:
    village: Area
    households: int = 0
    creditworthy: int = 0
    borrowers: int = 0
    in_arrears: int = 0
    balance: Decimal = Decimal(0)
    bad: Decimal = Decimal(0)
    rules: CreditRules | None = None
    confirmed: bool = False

    @property
    def rated_share(self) -> float:
        return round(100.0 * self.creditworthy / self.households, 1) if self.households else 0.0

    @property
    def clean_share(self) -> float:
        """Borrowers without arrears; a village with no borrower has none in arrears."""
        if not self.borrowers:
            return 100.0
        return round(100.0 * (self.borrowers - self.in_arrears) / self.borrowers, 1)

    @property
    def bad_ratio(self) -> float:
        return round(float(100 * self.bad / self.balance), 2) if self.balance else 0.0

    @property
    def meets(self) -> bool:
        rules = self.rules
        return bool(self.households) and self.rated_share >= rules.rated_share \
            and self.clean_share >= rules.no_arrears_share and self.bad_ratio < float(rules.bad_loan_ratio)

    def as_dict(self) -> dict:
        return {"households": self.households, "creditworthy": self.creditworthy,
                "rated_share": self.rated_share, "borrowers": self.borrowers, "clean_share": self.clean_share,
                "bad_ratio": self.bad_ratio}


def year_end_period(year: int) -> date | None:
    """The last period of ``year`` with balances (the year's closing figures)."""
    return LoanBalance.objects.filter(period__year=year).aggregate(p=Max("period"))["p"]


def village_figures(villages, year: int) -> list[VillageFigures]:
    """The rule figures of each village for ``year`` (five grouped queries in all)."""
    villages = list(villages)
    if not villages:
        return []
    rules = rules_in_force()
    by_path = {v.path: VillageFigures(village=v, rules=rules) for v in villages}
    by_id = {v.pk: by_path[v.path] for v in villages}
    common = _common_prefix([v.path for v in villages])
    village_key = Substr("area_path", 1, VILLAGE_LEN)
    for path, n in (Household.objects.filter(area_path__startswith=common).annotate(v=village_key)
                    .order_by().values_list("v").annotate(n=Count("pk"))):
        if path in by_path:
            by_path[path].households = n
    open_consent = Consent.objects.filter(withdrawn_on__isnull=True).values("household_id")
    for village_id, n in (Rating.objects.filter(village_id__in=by_id, year=year, creditworthy=True,
                                                household_id__in=open_consent)
                          .order_by().values_list("village_id").annotate(n=Count("pk"))):
        by_id[village_id].creditworthy = n
    in_year = LoanBalance.objects.filter(area_path__under=common, period__year=year,
                                         loan__household__isnull=False)
    for village_id, borrowers, late in (in_year.order_by().values_list("loan__village_id").annotate(
            b=Count("loan__household_id", distinct=True),
            late=Count("loan__household_id", distinct=True, filter=Q(overdue_days__gt=0)))):
        if village_id in by_id:
            by_id[village_id].borrowers, by_id[village_id].in_arrears = borrowers, late
    period = year_end_period(year)
    if period is not None:
        for village_id, balance, bad in (LoanBalance.objects.filter(area_path__under=common, period=period)
                                         .order_by().values_list("loan__village_id").annotate(
                                             s=Sum("balance"), bad=Sum("balance", filter=Q(five_class__in=BAD_CLASSES)))):
            if village_id in by_id:
                by_id[village_id].balance, by_id[village_id].bad = balance or 0, bad or 0
    confirmed = set(CreditDesignation.objects.filter(area_id__in=by_id, year=year).values_list("area_id", flat=True))
    for village_id in confirmed:
        by_id[village_id].confirmed = True
    return [by_path[v.path] for v in villages]


@dataclass
class TownFigures:
    town: Area
    villages: int
    credit_villages: int
    rules: CreditRules
    confirmed: bool = False

    @property
    def share(self) -> float:
        return round(100.0 * self.credit_villages / self.villages, 1) if self.villages else 0.0

    @property
    def meets(self) -> bool:
        return bool(self.villages) and self.share >= self.rules.town_village_share

    def as_dict(self) -> dict:
        return {"villages": self.villages, "credit_villages": self.credit_villages, "share": self.share}


def town_figures(towns, year: int) -> list[TownFigures]:
    """A town's share of CONFIRMED credit villages for ``year``."""
    towns = list(towns)
    if not towns:
        return []
    rules = rules_in_force()
    common = _common_prefix([t.path for t in towns])
    town_len = Area.steplen * 3
    villages: dict[str, int] = dict(
        Area.objects.filter(kind=AreaKind.COMMUNITY, path__startswith=common)
        .annotate(t=Substr("path", 1, town_len)).order_by().values_list("t").annotate(n=Count("pk")))
    credit: dict[str, int] = dict(
        CreditDesignation.objects.filter(level=CreditDesignation.Level.VILLAGE, year=year,
                                         area_path__startswith=common)
        .annotate(t=Substr("area_path", 1, town_len)).order_by().values_list("t").annotate(n=Count("pk")))
    confirmed = set(CreditDesignation.objects.filter(area__in=towns, year=year).values_list("area_id", flat=True))
    return [TownFigures(town=t, villages=villages.get(t.path, 0), credit_villages=credit.get(t.path, 0),
                        rules=rules, confirmed=t.pk in confirmed) for t in towns]


def _common_prefix(paths: list[str]) -> str:
    first, last = min(paths), max(paths)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[: n - n % Area.steplen]
