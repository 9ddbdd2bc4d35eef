"""People: valid ID numbers, households and residents (factory_boy factories)."""

import factory
from factory.django import DjangoModelFactory

from wangge.areas.models import Area
from wangge.core.identity import id_check_char
from wangge.people.models import Household, Resident
from wangge.testing.sequence import seq as counter


def valid_id_number(region: str = "150203", birth: str = "19800101", seq: int | None = None) -> str:
    seq = next(counter) % 1000 if seq is None else seq
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + id_check_char(first17)


class HouseholdFactory(DjangoModelFactory):
    """``HouseholdFactory(grid=grid)``: a household of the grid with a fresh code."""

    class Meta:
        model = Household

    grid = None
    area_path = factory.LazyAttribute(lambda household: household.grid.path)
    code = factory.LazyFunction(lambda: f"H{next(counter):08d}")
    address = factory.LazyAttribute(lambda household: f"{household.grid.name}1号楼")


class ResidentFactory(DjangoModelFactory):
    """``ResidentFactory(household=home)``: a resident with an encrypted ID number and phone
    (``id_number=…`` and ``phone=…`` are set through the model's setters)."""

    class Meta:
        model = Resident

    household = None
    area_path = factory.LazyAttribute(lambda resident: resident.household.area_path)
    name = "张三"
    gender = "male"

    @classmethod
    def _create(cls, model_class, *args, id_number=None, phone="13812345678", **kwargs):
        resident = model_class(*args, **kwargs)
        resident.set_id_number(id_number or valid_id_number())
        resident.set_phone(phone)
        resident.save()
        return resident


def make_household(grid: Area, *, code: str | None = None) -> Household:
    return HouseholdFactory(grid=grid, **({"code": code} if code else {}))


def make_resident(
    household: Household,
    *,
    name: str = "张三",
    id_number: str | None = None,
    phone: str = "13812345678",
) -> Resident:
    return ResidentFactory(household=household, name=name, id_number=id_number, phone=phone)
