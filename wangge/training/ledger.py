"""The credit-hour ledger, derived by query from attendance, credit records and the rules.

Nothing here is stored: a cadre's hours per source and year are three grouped queries
(organised and self-selected classes from enrolments; credit records; lectures given),
each turning raw facts into hours with the rules in force (``CreditRules``):

- a class counts once the cadre has checked in and is not withdrawn: its hours as held
  (or days × hours per day), less the leave taken; enrolled by the unit → organised,
  self-selected → self-selected (capped per year);
- online learning: ≥ 30 minutes = 1 hour, 15–30 = 0.5, under 15 = 0.25 (configurable);
- teaching: the course's hours × the teaching multiplier, per class held (and any
  teaching record's hours × the multiplier); publications: fixed hours each; unit
  training and other records: their hours.

Requirements (``Requirement``) are per group: hours per year (or training days per year
instead), or hours over a cycle of years (county level: 550 over 5). A party member who
is not a secretary also owes the party members' yearly hours. Excess over a yearly
requirement carries into the next year up to ``carry_over_cap`` (0: none).
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connections, transaction
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear, Greatest

from .models import (
    Cadre,
    CreditMode,
    CreditRecord,
    CreditRules,
    CreditSource,
    Enrolment,
    EnrolmentStatus,
    LevelGroup,
    Requirement,
    TrainingClass,
)

DEC = DecimalField(max_digits=9, decimal_places=2)
ZERO = Decimal("0")
DEFAULT_REQUIREMENTS = {
    LevelGroup.TOWNSHIP: (Decimal("90"), 1, 12),
    LevelGroup.COUNTY: (Decimal("550"), 5, None),
    LevelGroup.SECRETARY: (Decimal("56"), 1, None),
    LevelGroup.MEMBER: (Decimal("32"), 1, None),
}


def rules() -> CreditRules:
    return CreditRules.objects.order_by("pk").first() or CreditRules()


def requirements() -> dict[str, tuple[Decimal, int, int | None]]:
    found = dict(DEFAULT_REQUIREMENTS)
    for row in Requirement.objects.all():
        found[row.group] = (row.hours, row.years, row.days)
    return found


def _d(value) -> Value:
    return Value(Decimal(str(value)), output_field=DEC)


def class_hours_expression(r: CreditRules, prefix: str = "training_class__"):
    """A class's credit hours as held, by its credit mode."""
    return Case(
        When(
            **{f"{prefix}credit_mode": CreditMode.DAYS},
            then=ExpressionWrapper(F(f"{prefix}days_held") * _d(r.hours_per_day), output_field=DEC),
        ),
        default=F(f"{prefix}hours"),
        output_field=DEC,
    )


def record_credit_expression(r: CreditRules):
    return Case(
        When(source=CreditSource.ONLINE, minutes__gte=r.online_full_minutes, then=_d(1)),
        When(source=CreditSource.ONLINE, minutes__gte=r.online_half_minutes, then=_d("0.5")),
        When(source=CreditSource.ONLINE, then=_d(r.online_min_credit)),
        When(source=CreditSource.PUBLICATION, then=_d(r.publication_hours)),
        When(
            source=CreditSource.TEACHING,
            then=ExpressionWrapper(F("hours") * _d(r.teaching_multiplier), output_field=DEC),
        ),
        default=F("hours"),
        output_field=DEC,
    )


def _dec(value) -> Decimal:
    """A SUM as Decimal: PostgreSQL gives Decimal, SQLite a float of quarter hours."""
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value
    return Decimal(str(round(value, 2)))


def credited_enrolments():
    return Enrolment.objects.filter(first_check_in__isnull=False, status=EnrolmentStatus.ENROLLED)


SOURCES = tuple(CreditSource.values)
Totals = tuple[dict[str, Decimal], Decimal]  # hours by source, training days


def _grouped(cadre_ids, years: tuple[int, int] | None, r: CreditRules) -> dict[tuple[int, int], Totals]:
    """(cadre id, year) → (hours by source, days), for the cadres ``cadre_ids`` (a list or
    a subquery of ids). One statement: the three sources' grouped queries (classes,
    credit records, lectures given) as one ``UNION ALL``, pivoted to one row per cadre
    and year in the database, read without Django's per-value converters (a city's
    ledger is ~60,000 such rows)."""
    enrolments = credited_enrolments().filter(cadre_id__in=cadre_ids)
    records = CreditRecord.objects.filter(cadre_id__in=cadre_ids)
    lectures = TrainingClass.objects.filter(course__lecturer_cadre_id__in=cadre_ids)
    if years:
        enrolments = enrolments.filter(training_class__end__year__gte=years[0], training_class__end__year__lte=years[1])
        records = records.filter(date__year__gte=years[0], date__year__lte=years[1])
        lectures = lectures.filter(end__year__gte=years[0], end__year__lte=years[1])
    text = CharField()
    no_days = Value(0, output_field=IntegerField())
    parts = [
        enrolments.annotate(
            year=ExtractYear("training_class__end"),
            src=Case(When(by=Enrolment.By.SELF, then=Value(CreditSource.SELF_SELECTED)),
                     default=Value(CreditSource.ORGANISED), output_field=text),
        )
        .values("cadre_id", "year", "src")
        .annotate(
            hours=Sum(Greatest(class_hours_expression(r) - F("leave_hours"), _d(0), output_field=DEC)),
            days=Sum("training_class__days_held"),
        ),
        records.annotate(year=ExtractYear("date"), src=F("source"))
        .values("cadre_id", "year", "src")
        .annotate(hours=Sum(record_credit_expression(r)), days=no_days),
        lectures.annotate(year=ExtractYear("end"), cadre_id=F("course__lecturer_cadre_id"),
                          src=Value(CreditSource.TEACHING, output_field=text))
        .values("cadre_id", "year", "src")
        .annotate(hours=ExpressionWrapper(Sum("course__hours") * _d(r.teaching_multiplier), output_field=DEC),
                  days=no_days),
    ]
    sqls, params = [], []
    for part in parts:
        sql, part_params = part.values_list("cadre_id", "year", "src", "hours", "days").order_by().query.sql_with_params()
        sqls.append(sql)
        params.extend(part_params)
    pivot = ", ".join("SUM(CASE WHEN src = %s THEN hours END)" for _ in SOURCES)
    # Only the ORM's compiled SQL and fixed text are joined here; every value is bound.
    union = " UNION ALL ".join(sqls)
    sql = f"WITH facts(cadre_id, yr, src, hours, days) AS ({union}) SELECT cadre_id, yr, SUM(days), {pivot} FROM facts GROUP BY cadre_id, yr"  # noqa: S608, E501
    connection = connections[enrolments.db]
    many = not isinstance(cadre_ids, list | tuple)  # a subquery: a unit's or the city's cadres
    tuned = many and connection.vendor == "postgresql"
    with transaction.atomic(using=enrolments.db) if tuned else nullcontext(), connection.cursor() as cursor:
        if tuned:
            # ~140,000 grouped facts for a city: aggregate them in memory, not in sort files.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, [*params, *SOURCES])
        rows = cursor.fetchall()
    totals: dict[tuple[int, int], Totals] = {}
    for cadre_id, year, days, *hours in rows:
        by_source = {source: _dec(value) for source, value in zip(SOURCES, hours, strict=True) if value is not None}
        totals[(cadre_id, int(year))] = (by_source, _dec(days))
    return totals


@dataclass
class Year:
    year: int
    by_source: dict[str, Decimal] = field(default_factory=dict)
    days: Decimal = ZERO
    total: Decimal = ZERO
    carried_in: Decimal = ZERO
    required: Decimal = ZERO
    missing: Decimal = ZERO
    met: bool = False
    note: str = ""


def _cap_self_selected(by_source: dict[str, Decimal], r: CreditRules) -> None:
    value = by_source.get(CreditSource.SELF_SELECTED)
    if value is not None and r.self_selected_cap and value > r.self_selected_cap:
        by_source[CreditSource.SELF_SELECTED] = r.self_selected_cap


def _requirement_of(cadre_group: str, party_member: bool, reqs) -> list[tuple[str, Decimal, int, int | None]]:
    found = [(cadre_group, *reqs[cadre_group])] if cadre_group in reqs else []
    if party_member and cadre_group not in (LevelGroup.SECRETARY, LevelGroup.MEMBER):
        found.append((LevelGroup.MEMBER, *reqs[LevelGroup.MEMBER]))
    return found


def cycle_years(year: int, span: int, start: int | None = None) -> range:
    start = settings.WANGGE_TRAINING_CYCLE_START if start is None else start
    first = start + ((year - start) // span) * span
    return range(first, year + 1)


def assess_years(
    *, group: str, party_member: bool, per_year: dict[int, Totals], years: list[int], r, reqs
) -> list[Year]:
    """Totals, requirement, what is missing and carry-over for each of ``years``. Only the
    years a requirement looks at are totalled (the year, the one before, the cycle)."""
    known = set(years) | set(per_year)
    totals: dict[int, Year] = {}

    def total_of(y: int) -> Year | None:
        if y not in known:
            return None
        item = totals.get(y)
        if item is None:
            hours, days = per_year.get(y, ({}, ZERO))
            by_source = dict(hours)
            _cap_self_selected(by_source, r)
            item = Year(year=y, by_source=by_source, days=days)
            item.total = sum(by_source.values(), ZERO)
            totals[y] = item
        return item

    result = []
    for y in years:
        item = total_of(y)
        previous = total_of(y - 1)
        missing_parts = []
        required_main = ZERO
        for req_group, hours, span, days in _requirement_of(group, party_member, reqs):
            if span > 1:
                done = sum((t.total for k in cycle_years(y, span) if (t := total_of(k))), ZERO)
                missing_parts.append(max(ZERO, hours - done))
            else:
                have = item.total
                if previous is not None and r.carry_over_cap and req_group == group:
                    surplus = max(ZERO, previous.total - hours)
                    item.carried_in = min(surplus, r.carry_over_cap)
                    have += item.carried_in
                if days and item.days >= days:
                    missing_parts.append(ZERO)
                else:
                    missing_parts.append(max(ZERO, hours - have))
            if req_group == group:
                required_main = hours
        item.required = required_main
        item.missing = max(missing_parts, default=ZERO)
        item.met = item.missing == ZERO
        result.append(item)
    return result


def _first_year(year: int, reqs) -> int:
    """The earliest year whose hours count for ``year``: the one before (carry-over) or
    the start of the longest cycle."""
    first = year - 1
    for _hours, span, _days in reqs.values():
        if span > 1:
            first = min(first, cycle_years(year, span).start)
    return first


def cadre_ledger(*, cadre: Cadre, years: list[int]) -> list[Year]:
    r = rules()
    reqs = requirements()
    first = min(_first_year(y, reqs) for y in years)
    per_year = {y: values for (_cadre, y), values in _grouped([cadre.pk], (first, max(years)), r).items()}
    return assess_years(
        group=cadre.group, party_member=cadre.is_party_member, per_year=per_year,
        years=years, r=r, reqs=reqs,
    )


@dataclass
class LedgerRow:
    cadre_id: int
    name: str
    unit: str
    group: str
    year: Year


def annual_ledger(*, cadres, year: int) -> list[LedgerRow]:
    """Every cadre of ``cadres`` (a scoped queryset) for ``year``: two statements whatever
    the number of cadres (the cadres, and the pivoted hours of ``_grouped``)."""
    r = rules()
    reqs = requirements()
    people = list(cadres.values_list("pk", "name", "unit__name", "group", "is_party_member").order_by("unit__name", "name", "pk"))
    ids = cadres.values("pk")
    totals = _grouped(ids, (_first_year(year, reqs), year), r)
    per_cadre: dict[int, dict[int, Totals]] = defaultdict(dict)
    for (cadre_id, y), values in totals.items():
        per_cadre[cadre_id][y] = values
    rows = []
    for pk, name, unit, group, member in people:
        (item,) = assess_years(
            group=group, party_member=member, per_year=per_cadre.get(pk, {}),
            years=[year], r=r, reqs=reqs,
        )
        rows.append(LedgerRow(pk, name, unit, group, item))
    return rows
