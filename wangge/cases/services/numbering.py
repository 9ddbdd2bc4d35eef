"""Case numbers: the local date and the day's sequence (2026112500001)."""

from datetime import date, datetime

from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext

from wangge.cases.models import Case, CaseNumberSeq
from wangge.core import clock
from wangge.core.errors import ApplicationError


def _number_sequence(day: date) -> str:
    return f"cases_number_{day:%Y%m%d}"


_case_id_sequence: str | None = None


def _pg_next_in_day(day: date) -> tuple[int, int]:
    """(the day's next number, a new case id) in one statement. The day's number comes
    from a per-day PostgreSQL sequence: no row lock, so concurrent intake never queues
    on the counter (a rolled-back report leaves a gap, as hotline numbers do). Taking
    the id up front lets the case, its first event and its audit row go in together."""
    global _case_id_sequence
    name = _number_sequence(day)
    with connection.cursor() as cursor:
        if _case_id_sequence is None:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Case._meta.db_table])
            _case_id_sequence = cursor.fetchone()[0]
        for _ in range(3):
            cursor.execute(
                "SELECT nextval(to_regclass(%s)), nextval(%s::regclass)", [name, _case_id_sequence]
            )
            value, case_id = cursor.fetchone()
            if value is not None:
                return value, case_id
            try:
                with transaction.atomic():
                    cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}"')
            except (IntegrityError, ProgrammingError):
                pass  # another request created it first
    raise ApplicationError(gettext("案件编号生成冲突，请重试"), code="conflict")


def _counter_next_in_day(day: date) -> tuple[int, None]:
    for _ in range(3):
        updated = CaseNumberSeq.objects.filter(day=day).update(last=F("last") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    CaseNumberSeq.objects.create(day=day, last=1)
            except IntegrityError:
                continue
        return CaseNumberSeq.objects.get(day=day).last, None
    raise ApplicationError(gettext("案件编号生成冲突，请重试"), code="conflict")


def case_number_next(now: datetime) -> tuple[str, int | None]:
    """A case number like 2026112500001 (the local date and the day's sequence) and,
    on PostgreSQL, the new case's id."""
    day = now.astimezone(clock.LOCAL_TZ).date()
    next_in_day = _pg_next_in_day if connection.vendor == "postgresql" else _counter_next_in_day
    value, case_id = next_in_day(day)
    return f"{day:%Y%m%d}{value:05d}", case_id


def case_numbers_sync(*, day: date) -> int:
    """After a bulk load, move the day's numbering past the numbers already used."""
    prefix = f"{day:%Y%m%d}"
    used = [
        int(number[len(prefix) :])
        for number in Case.objects.filter(number__startswith=prefix).values_list(
            "number", flat=True
        )
        if number[len(prefix) :].isdigit()
    ]
    last = max(used, default=0)
    if connection.vendor == "postgresql":
        name = _number_sequence(day)
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}"')
            if last:
                cursor.execute("SELECT setval(%s, %s)", [name, last])
    else:
        counter, _ = CaseNumberSeq.objects.get_or_create(day=day)
        if counter.last < last:
            CaseNumberSeq.objects.filter(pk=counter.pk).update(last=last)
    return last
