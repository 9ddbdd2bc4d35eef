"""The training world: a city with two member units, their officers, cadres and a class."""

from dataclasses import dataclass
from datetime import date

import pytest

from wangge.accounts.models import Department, Role, User
from wangge.areas.models import Area, AreaKind
from wangge.testing.clock import at
from wangge.testing.users import make_user
from wangge.training import services
from wangge.training.models import Cadre, LevelGroup, TrainingClass, TrainingUnit

DAY = date(2026, 6, 10)


@dataclass
class TrainingWorld:
    city: Area
    street: Area
    organiser: User
    unit_a: TrainingUnit
    unit_b: TrainingUnit
    officer_a: User
    officer_b: User
    cadre_user: User
    cadre: Cadre
    second_user: User
    second: Cadre
    other: Cadre
    full_time: TrainingClass


@pytest.fixture
def frozen_at():
    return at(DAY)


@pytest.fixture
def tw(city, frozen) -> TrainingWorld:
    street = Area.objects.filter(kind=AreaKind.STREET).order_by("path").first()
    district = Area.objects.filter(kind=AreaKind.DISTRICT).order_by("path").first()
    department = Department.objects.create(name="区发改委", code="FGW", area=district)
    organiser = make_user(Role.ORG_DEPT, city, username="orgdept")
    unit_a = services.unit_create(actor=organiser, name="区发改委", area=district, department=department)
    unit_b = services.unit_create(actor=organiser, name="街道办事处", area=street)
    officer_a = make_user(Role.TRAINING_OFFICER, department=department, username="officer_a")
    officer_b = make_user(Role.TRAINING_OFFICER, street, username="officer_b")
    cadre_user = make_user(Role.CADRE, district, username="cadre1")
    second_user = make_user(Role.CADRE, district, username="cadre2")
    cadre = services.cadre_create(actor=organiser, unit_id=unit_a.pk, name="张明", group=LevelGroup.TOWNSHIP, user=cadre_user)
    second = services.cadre_create(actor=organiser, unit_id=unit_a.pk, name="李华", group=LevelGroup.TOWNSHIP, user=second_user)
    other = services.cadre_create(actor=organiser, unit_id=unit_b.pk, name="王强", group=LevelGroup.COUNTY)
    full_time = services.class_create(
        actor=organiser, title="中青年干部培训班", start=DAY, end=date(2026, 6, 14), hours=35,
        kind="classroom", area=city, full_time=True,
    )
    services.enrol_cadres(actor=officer_a, class_id=full_time.pk, cadre_ids=[cadre.pk, second.pk])
    services.enrol_cadres(actor=officer_b, class_id=full_time.pk, cadre_ids=[other.pk])
    return TrainingWorld(city, street, organiser, unit_a, unit_b, officer_a, officer_b,
                         User.objects.get(pk=cadre_user.pk), cadre, User.objects.get(pk=second_user.pk), second, other, full_time)
