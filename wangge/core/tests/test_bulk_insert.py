"""bulk_insert: COPY on PostgreSQL, bulk_create elsewhere; the same rows and keys either way."""

from datetime import UTC, datetime

import pytest

from wangge.audit.models import AuditEvent
from wangge.core.inserts import bulk_insert
from wangge.people.models import Resident
from wangge.testing.areas import build_city, grids
from wangge.testing.people import make_household, valid_id_number

pytestmark = pytest.mark.django_db


def test_rows_go_in_with_their_keys_and_every_kind_of_value(django_user_model):
    # given new audit rows with a foreign key, an IP address, JSON and a timestamp
    actor = django_user_model.objects.create(username="importer")
    at = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    rows = [
        AuditEvent(
            at=at,
            actor=actor,
            action="import",
            outcome="success",
            ip="10.0.0.1" if n % 2 else None,
            detail={"row": n, "text": "第一行\t'quoted'\n"},
        )
        for n in range(5)
    ]
    # when they are written in bulk
    bulk_insert(rows)
    # then each has its key, ascending in the order given, and reads back as written
    keys = [row.pk for row in rows]
    assert all(keys) and keys == sorted(keys)
    stored = {event.pk: event for event in AuditEvent.objects.filter(pk__in=keys)}
    for n, row in enumerate(rows):
        event = stored[row.pk]
        assert (event.actor_id, event.at, event.action) == (actor.pk, at, "import")
        assert event.ip == ("10.0.0.1" if n % 2 else None)
        assert event.detail == {"row": n, "text": "第一行\t'quoted'\n"}
        assert not row._state.adding


def test_encrypted_people_rows_and_a_later_ordinary_insert_share_the_sequence():
    # given residents with encrypted numbers, written in bulk
    build_city(districts=1, streets=1, communities=1, grids=1)
    household = make_household(grids()[0])
    residents = [Resident(household=household, area_path=household.area_path, name=f"居民{n}")
                 for n in range(3)]
    for n, resident in enumerate(residents):
        resident.set_id_number(valid_id_number(seq=n + 1))
    bulk_insert(residents)
    # when an ordinary save follows
    later = Resident(household=household, area_path=household.area_path, name="后来")
    later.save()
    # then its key comes after theirs (the sequence moved), and the numbers decrypt
    assert later.pk > max(resident.pk for resident in residents)
    assert Resident.objects.get(pk=residents[1].pk).id_number_enc == residents[1].id_number_enc


@pytest.mark.postgres_only
def test_rows_that_were_saved_already_are_refused_on_postgresql():
    build_city(districts=1, streets=1, communities=1, grids=1)
    household = make_household(grids()[0])
    with pytest.raises(ValueError):
        bulk_insert([household])
