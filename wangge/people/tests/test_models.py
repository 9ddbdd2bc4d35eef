"""What the database itself holds to, whatever the code above it does."""

import pytest
from django.db import IntegrityError, transaction

from wangge.people.models import Resident
from wangge.testing.areas import build_city, grids
from wangge.testing.people import make_household, valid_id_number

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_resident_with_the_same_id_number():
    # given a resident with an ID number, and residents with none
    build_city(districts=1, streets=1, communities=1, grids=1)
    household = make_household(grids()[0])

    def resident(number: str) -> Resident:
        row = Resident(household=household, area_path=household.area_path, name="居民")
        if number:
            row.set_id_number(number)
        row.save()
        return row

    resident(valid_id_number(seq=1))
    resident("")
    resident("")  # many residents without a number are fine
    # when another row with the same number reaches the table behind the services' checks
    # then the partial unique constraint (kept through the index migrations) refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        resident(valid_id_number(seq=1))
