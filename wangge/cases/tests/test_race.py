"""Two people dispatch one case at the same moment: exactly one wins, the other gets a
conflict. On PostgreSQL the threads really overlap (the row lock decides); SQLite runs
one writer at a time, so there the two attempts are made one after the other."""

import threading

import pytest
from django.db import connection, connections

from wangge.cases.models import Case, CaseEvent, Status
from wangge.cases.services import case_transition
from wangge.core.errors import ApplicationError
from wangge.testing import build_city
from wangge.testing.cases import CaseFactory
from wangge.testing.worlds import build_world


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("with_version", [False, True])
def test_two_dispatchers_one_case(with_version):
    # given one accepted case and two dispatchers who both loaded version N
    world = build_world(build_city())
    case = CaseFactory.accepted(world)
    version = case.version if with_version else None
    actors = [world.community_staff, world.street_staff]
    targets = [world.department, world.other_department]
    outcomes: list = [None, None]
    barrier = threading.Barrier(2, timeout=10)
    concurrent = connection.vendor == "postgresql"

    def attempt(index: int) -> None:
        try:
            if concurrent:
                barrier.wait()
            case_transition(
                actor=actors[index],
                case_id=case.pk,
                action="dispatch",
                expected_version=version,
                handler_department=targets[index].pk,
            )
            outcomes[index] = "ok"
        except ApplicationError as exc:
            outcomes[index] = exc.code
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(2)]
    if concurrent:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for thread in threads:
            thread.start()
            thread.join()

    # then
    assert sorted(outcomes) == ["conflict", "ok"]
    winner = outcomes.index("ok")
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == Status.DISPATCHED
    assert stored.version == case.version + 1
    assert stored.handler_department == targets[winner]
    assert CaseEvent.objects.filter(case=stored, action="dispatch").count() == 1
