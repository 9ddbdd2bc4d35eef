"""The audit log is tamper-evident: a row changed or removed behind the app's back, even
with the triggers switched off by the table owner, is found and named."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from wangge.audit.chain import chain_extend, chain_verify, link_hash, seal_day
from wangge.audit.models import AuditChainLink, AuditEvent, AuditSeal
from wangge.audit.services import audit_record
from wangge.core import clock

pytestmark = pytest.mark.django_db
NOW = timedelta(0)  # link every row at once (the task waits a minute for open transactions)


def _rows(n: int = 5) -> list[AuditEvent]:
    return [audit_record(action="case_report", object_type="cases.case", object_id=k,
                         detail={"n": k}) for k in range(n)]


def _as_owner(sql: str, params=()) -> None:
    """Change a table the way only its owner could: triggers off, the change, triggers on."""
    table = sql.split()[1] if sql.startswith("UPDATE") else sql.split()[2]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def test_rows_are_linked_in_order_sealed_and_verified():
    # given five audit rows linked into the chain
    rows = _rows()
    assert chain_extend(horizon=NOW) == 5
    links = list(AuditChainLink.objects.order_by("seq"))
    # then each link follows its row in id order, chained from the one before
    assert [link.event_id for link in links] == [row.pk for row in rows]
    assert links[1].chain_hash == link_hash(links[0].chain_hash, links[1].row_hash)
    # and the day's seal records the final hash; sealing twice keeps the first seal
    seal = seal_day(clock.today())
    assert seal.final_hash == links[-1].chain_hash and seal.rows == 5
    _rows(2)
    chain_extend(horizon=NOW)
    assert seal_day(clock.today()).pk == seal.pk
    assert chain_verify(horizon=NOW) is None


def test_rows_younger_than_the_horizon_wait_for_the_next_run():
    _rows(2)
    assert chain_extend() == 0  # written this second: their transactions may still be open
    assert chain_extend(horizon=NOW) == 2
    assert chain_extend(horizon=NOW) == 0


def test_a_row_changed_by_the_table_owner_is_named():
    # given a linked log
    rows = _rows()
    chain_extend(horizon=NOW)
    # when its owner rewrites the third row with the triggers switched off
    _as_owner("UPDATE audit_auditevent SET actor_username = %s WHERE id = %s",
              ["someone-else", rows[2].pk])
    # then the check names that row, and the command fails with the same words
    finding = chain_verify(horizon=NOW)
    assert finding.event_id == rows[2].pk and "内容已被改动" in finding.message
    with pytest.raises(CommandError, match=f"#{rows[2].pk}"):
        call_command("audit_verify", "--no-extend")


def test_a_removed_row_is_named():
    rows = _rows()
    chain_extend(horizon=NOW)
    _as_owner("DELETE FROM audit_auditevent WHERE id = %s", [rows[1].pk])
    finding = chain_verify(horizon=NOW)
    assert finding.event_id == rows[1].pk and "已被删除" in finding.message


def test_a_chain_rewritten_to_match_is_caught_by_the_days_seal():
    # given a sealed day
    rows = _rows(3)
    chain_extend(horizon=NOW)
    seal_day(clock.today())
    # when the owner changes a row and recomputes every link after it to hide the change
    _as_owner("UPDATE audit_auditevent SET detail = %s WHERE id = %s", ['{"n": 99}', rows[0].pk])
    from wangge.audit.chain import GENESIS, row_hash

    previous = GENESIS
    for link in AuditChainLink.objects.order_by("seq"):
        content = row_hash(AuditEvent.objects.get(pk=link.event_id))
        previous = link_hash(previous, content)
        _as_owner("UPDATE audit_auditchainlink SET row_hash = %s, chain_hash = %s WHERE seq = %s",
                  [content, previous, link.seq])
    # then the links agree with the rows again, but not with the seal
    finding = chain_verify(horizon=NOW)
    assert finding is not None and "日终哈希" in finding.message
    assert AuditSeal.objects.count() == 1


def test_the_intact_log_passes_the_command(capsys):
    _rows(3)
    call_command("audit_verify")
    assert "audit log intact" in capsys.readouterr().out
