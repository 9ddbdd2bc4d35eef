"""The configurable party rules and what is derived from them by query: the organisation
health list (every organisation that breaks a rule, every grid without one) and 三会一课
compliance per organisation, street and city. The system warns; a person decides."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext_lazy as _

from wangge.areas.models import Area, AreaKind
from wangge.core import clock

RULE_DEFAULTS = {
    "branch_min": 3,
    "branch_max": 50,
    "committee_from": 7,
    "committee_min": 3,
    "committee_max": 7,
    "general_branch_above": 50,
    "party_committee_above": 100,
    "grid_group_from": 3,
    "term_years_community": 5,
    "term_years_other": 3,
    "term_warn_months": 3,
    "mobile_contact_months": 12,
    "org_life_months": 6,
    "probation_warn_days": 30,
}
# 三会一课 and organisational life required, by meeting kind: (how many, per "quarter" or
# "year"). WANGGE_PARTY_MEETINGS overrides single kinds (a bare number means per quarter).
MEETING_DEFAULTS = {
    "assembly": (1, "quarter"), "committee": (3, "quarter"), "group": (3, "quarter"),
    "lecture": (1, "quarter"), "theme_day": (3, "quarter"),
    "life": (1, "year"), "appraisal": (1, "year"),
}
PERIODS = ("quarter", "year")
STREET_PATH_LENGTH = 12  # depth 3 × steplen 4 of the area tree


def rule(name: str) -> int:
    return {**RULE_DEFAULTS, **settings.WANGGE_PARTY_RULES}[name]


def meeting_frequencies() -> dict[str, tuple[int, str]]:
    """Kind → (count, period). Checked here so a typo in settings fails loudly, not silently."""
    out = {}
    for kind, value in {**MEETING_DEFAULTS, **settings.WANGGE_PARTY_MEETINGS}.items():
        count, period = (value, "quarter") if isinstance(value, int) else tuple(value)
        if kind not in MEETING_DEFAULTS or period not in PERIODS or count < 0:
            raise ValueError(f"WANGGE_PARTY_MEETINGS: bad entry {kind!r}: {value!r}")
        out[kind] = (count, period)
    return out


def term_years(kind: str) -> int:
    return rule("term_years_community") if kind in ("community", "village") else rule("term_years_other")


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, 28))


BREACH_LABELS = {
    "too_small": _("正式党员不足，应组建联合党支部"),
    "too_large": _("党员人数超过上限，应考虑分设或升格"),
    "should_be_general": _("党员超过规定人数，可设党总支"),
    "should_be_committee": _("党员超过规定人数，可设党委"),
    "committee_size": _("委员会人数不合规定"),
    "term_expired": _("换届已逾期"),
    "term_expiring": _("即将到期换届"),
    "no_secretary": _("未配备书记"),
    "grid_without_org": _("网格未建党组织"),
    "grid_needs_group": _("网格党员 3 名以上，应建立党小组"),
}


@dataclass
class OrgHealth:
    org_id: int
    name: str
    level: str
    full: int
    total: int
    breaches: list[str] = field(default_factory=list)

    @property
    def labels(self):
        return [BREACH_LABELS[code] for code in self.breaches]


def org_breaches(org: dict, full: int, total: int, today: date) -> list[str]:
    from wangge.party.models import BRANCH_LEVELS, OrgLevel

    found = []
    level = org["level"]
    if level in BRANCH_LEVELS:
        if full < rule("branch_min"):
            found.append("too_small")
        if total > rule("branch_max"):
            found.append("too_large")
    if level == OrgLevel.GENERAL_BRANCH and total > rule("party_committee_above"):
        found.append("should_be_committee")
    if level in BRANCH_LEVELS and total > rule("general_branch_above") and "too_large" not in found:
        found.append("should_be_general")
    if level != OrgLevel.GROUP and full >= rule("committee_from"):
        size = org["committee_size"]
        if not rule("committee_min") <= size <= rule("committee_max"):
            found.append("committee_size")
    if org["term_started"] and level != OrgLevel.GROUP:
        ends = add_months(org["term_started"], 12 * term_years(org["kind"]))
        if ends < today:
            found.append("term_expired")
        elif ends <= add_months(today, rule("term_warn_months")):
            found.append("term_expiring")
    if not org["secretary_name"] and level != OrgLevel.GROUP:
        found.append("no_secretary")
    return found


def health(orgs, grids) -> tuple[list[OrgHealth], list[Area]]:
    """Organisations (a queryset) that break a rule, and grids (a queryset) with no
    organisation of their own; counts are of counted members whose relationship is held
    by the organisation (one member, one count)."""
    from wangge.party.models import COUNTED_STATUSES, Member, PartyOrg

    orgs = orgs.filter(dissolved_on__isnull=True)
    counts = (
        Member.objects.filter(org__in=orgs.values("id"), status__in=COUNTED_STATUSES)
        .values("org_id")
        .annotate(total=Count("id"), full=Count("id", filter=Q(stage="full")))
    )
    by_org = {row["org_id"]: (row["full"], row["total"]) for row in counts}
    today = clock.today()
    found = []
    fields = ("id", "name", "level", "kind", "committee_size", "term_started", "secretary_name")
    for org in orgs.order_by("path").values(*fields):
        full, total = by_org.get(org["id"], (0, 0))
        breaches = org_breaches(org, full, total, today)
        if breaches:
            found.append(OrgHealth(org["id"], org["name"], org["level"], full, total, breaches))
    covered = PartyOrg.objects.filter(dissolved_on__isnull=True, area__kind=AreaKind.GRID).values("area_id")
    bare = grids.filter(kind=AreaKind.GRID).exclude(id__in=covered).order_by("path")
    return found, bare


GRID_PATH_LENGTH = 20  # depth 5 × steplen 4 of the area tree


def grid_member_counts(grids) -> dict[int, int]:
    """Counted members per grid (a list of grid areas): where they live (their resident
    row's grid), or for a member with no resident row the grid their organisation serves.
    One member counts once, in one grid."""
    from django.db.models.functions import Substr

    from wangge.party.models import COUNTED_STATUSES, Member

    by_path = {grid.path: grid.id for grid in grids}
    if not by_path:
        return {}
    counts: dict[int, int] = defaultdict(int)
    members = Member.objects.filter(status__in=COUNTED_STATUSES)
    for path_field, rows in (
        ("resident__area_path", members.filter(resident__isnull=False)),
        ("area_path", members.filter(resident__isnull=True)),
    ):
        under = Q()
        for path in by_path:
            under |= Q(**{f"{path_field}__startswith": path})
        grouped = (
            rows.filter(under)
            .annotate(grid_path=Substr(path_field, 1, GRID_PATH_LENGTH))
            .values("grid_path")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in grouped:
            if row["grid_path"] in by_path:
                counts[by_path[row["grid_path"]]] += row["n"]
    return dict(counts)


def bare_grids_with_counts(bare, limit: int = 100) -> list:
    """The first ``limit`` grids without an organisation, each with ``members`` (counted
    members in the grid) and ``needs_group`` (the 党小组 rule: ``grid_group_from`` or
    more members), those that need a group first. A warning only."""
    grids = list(bare[:limit])
    counts = grid_member_counts(grids)
    for grid in grids:
        grid.members = counts.get(grid.id, 0)
        grid.needs_group = grid.members >= rule("grid_group_from")
    return sorted(grids, key=lambda g: (not g.needs_group, g.path))


# ---------------------------------------------------------------- 三会一课 compliance


def required_kinds(level: str, committee_size: int, period: str = "quarter",
                   frequencies: dict[str, tuple[int, str]] | None = None) -> list[str]:
    """The kinds an organisation must hold in a compliance period: the quarterly ones in a
    quarter; in a year also the yearly ones (组织生活会, 民主评议党员). A kind configured to
    0 is not required."""
    from wangge.party.models import BRANCH_LEVELS, OrgLevel

    if level == OrgLevel.GROUP:
        kinds = ["group"]
    elif level in BRANCH_LEVELS:
        kinds = ["assembly", "lecture", "theme_day"]
        if committee_size >= rule("committee_min"):
            kinds.insert(1, "committee")
        kinds += ["life", "appraisal"]
    else:
        return []
    frequencies = frequencies or meeting_frequencies()
    return [k for k in kinds if frequencies[k][0] and (period == "year" or frequencies[k][1] == "quarter")]


@dataclass
class Compliance:
    orgs: int = 0
    compliant: int = 0
    missing: dict = field(default_factory=lambda: defaultdict(int))

    @property
    def rate(self) -> float | None:
        return round(100 * self.compliant / self.orgs, 1) if self.orgs else None


def compliance(orgs, meetings, start: date, end: date, period: str = "quarter"):
    """Per organisation (id → (met, {kind: (done, needed)})), per street path and for all:
    one grouped query over the period's valid meetings, one over the organisations.

    ``period`` is "quarter" (start..end one quarter) or "year" (a calendar year). In a year a
    quarterly kind counts quarter by quarter — four members' meetings in spring make one
    quarter, not four — and only the quarters begun by today are required; a yearly kind
    needs its count once in the year."""
    frequencies = meeting_frequencies()
    today = clock.today()
    quarters = [q for q in _quarters(start, end) if q <= today] if period == "year" else [start]
    done = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))  # org → kind → quarter → n
    rows = (
        meetings.filter(date__gte=start, date__lt=end, valid=True)
        .annotate(month=ExtractMonth("date"))
        .values("org_id", "kind", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        done[row["org_id"]][row["kind"]][(row["month"] - 1) // 3] += row["n"]
    per_org, per_street, total = {}, defaultdict(Compliance), Compliance()
    fields = ("id", "level", "committee_size", "area_path")
    for org in orgs.filter(dissolved_on__isnull=True).values_list(*fields).iterator():
        kinds = required_kinds(org[1], org[2], period, frequencies)
        if not kinds:
            continue
        detail = {}
        for kind in kinds:
            count, every = frequencies[kind]
            held = done[org[0]][kind]
            if every == "year":
                detail[kind] = (sum(held.values()), count if quarters else 0)
            else:  # capped per quarter: a surplus in one quarter does not cover another
                detail[kind] = (sum(min(held[(q.month - 1) // 3], count) for q in quarters), count * len(quarters))
        met = all(d >= n for d, n in detail.values())
        per_org[org[0]] = (met, detail)
        for bucket in (per_street[org[3][:STREET_PATH_LENGTH]], total):
            bucket.orgs += 1
            bucket.compliant += met
            for kind, (d, n) in detail.items():
                if d < n:
                    bucket.missing[kind] += 1
    return per_org, dict(per_street), total


def _quarters(start: date, end: date) -> list[date]:
    out, day = [], start
    while day < end:
        out.append(day)
        day = add_months(day, 3)
    return out


def quarter_bounds(day: date) -> tuple[date, date]:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return first, add_months(first, 3)


def period_bounds(day: date, period: str) -> tuple[date, date]:
    """The quarter or the calendar year holding ``day``."""
    if period == "year":
        return date(day.year, 1, 1), date(day.year + 1, 1, 1)
    return quarter_bounds(day)
