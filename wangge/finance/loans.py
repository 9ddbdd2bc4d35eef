"""Loan balances per area and period with the year-on-year change: the balance at the end
of a period and at the same period a year earlier, for a node and for each of its
children (banner → towns → villages), in two grouped queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max, Sum
from django.db.models.functions import Substr

from wangge.areas.models import Area

from .models import Loan, LoanBalance


@dataclass
class BalanceRow:
    area: Area
    balance: Decimal
    last_year: Decimal
    loans: int = 0

    @property
    def change(self) -> Decimal:
        return self.balance - self.last_year

    @property
    def change_pct(self) -> float | None:
        return round(float(100 * self.change / self.last_year), 1) if self.last_year else None


def latest_period(queryset=None) -> date | None:
    queryset = LoanBalance.objects.all() if queryset is None else queryset
    return queryset.aggregate(p=Max("period"))["p"]


def year_before(period: date) -> date:
    return period.replace(year=period.year - 1)


def _by_child(base, node: Area, period: date) -> dict[str, tuple[Decimal, int]]:
    child_len = len(node.path) + Area.steplen
    rows = (base.filter(area_path__under=node.path, period=period)
            .annotate(c=Substr("area_path", 1, child_len)).order_by().values_list("c")
            .annotate(s=Sum("balance"), n=Count("pk")))
    return {path: (total or Decimal(0), n) for path, total, n in rows}


def balances_by_child(*, base, node: Area, period: date) -> tuple[BalanceRow, list[BalanceRow]]:
    """``base``: the user's scoped balances. The node's own row and one per child."""
    now = _by_child(base, node, period)
    before = _by_child(base, node, year_before(period))
    children = list(Area.objects.filter(path__startswith=node.path, depth=node.depth + 1).order_by("path"))
    # Rows on the node itself (a village collective's loans) come first, as the node.
    nodes = ([node] if node.path in now or node.path in before else []) + children
    rows = [BalanceRow(area=c, balance=now.get(c.path, (Decimal(0), 0))[0],
                       last_year=before.get(c.path, (Decimal(0), 0))[0], loans=now.get(c.path, (0, 0))[1])
            for c in nodes]
    total = BalanceRow(area=node, balance=sum((v[0] for v in now.values()), Decimal(0)),
                       last_year=sum((v[0] for v in before.values()), Decimal(0)),
                       loans=sum(v[1] for v in now.values()))
    return total, rows


def granted_in_year(*, base_loans, node: Area, year: int) -> tuple[int, Decimal]:
    got = base_loans.filter(area_path__under=node.path, granted_on__year=year).aggregate(
        n=Count("pk"), s=Sum("amount"))
    return got["n"] or 0, got["s"] or Decimal(0)


__all__ = ["BalanceRow", "Loan", "balances_by_child", "granted_in_year", "latest_period", "year_before"]
