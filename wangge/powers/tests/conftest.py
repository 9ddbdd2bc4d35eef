from datetime import date, datetime

import pytest

from wangge.areas.models import Area, AreaKind
from wangge.cases.services import summons_check_in, summons_issue, summons_rate
from wangge.core import clock
from wangge.powers.models import PowerItem, PowerKind
from wangge.testing.cases import CaseFactory
from wangge.testing.users import make_user
from wangge.testing.worlds import build_world

TZ = clock.LOCAL_TZ


@pytest.fixture
def world(city):
    return build_world(city)


@pytest.fixture
def other_street_staff(world):
    other = Area.objects.filter(kind=AreaKind.STREET).exclude(pk=world.street.pk).order_by("path").first()
    return make_user("street_staff", other, username="ss_other")


@pytest.fixture
def items(world):
    return [
        PowerItem.objects.create(code="BT001", name="对违法设置户外广告的处罚", kind=PowerKind.ADMINISTRATIVE,
                                 legal_basis="《城市市容和环境卫生管理条例》", department=world.department),
        PowerItem.objects.create(code="BT098", name="派驻机构负责人考核评价权", kind=PowerKind.ASSESS),
    ]


@pytest.fixture
def summoned(world, frozen):
    """The street summoned other_department in 2025: checked in on time, rated 4 stars."""
    frozen(datetime(2025, 10, 2, 20, tzinfo=TZ))
    case = CaseFactory.dispatched(world)
    summons = summons_issue(actor=world.street_staff, case_id=case.pk, urgent=True,
                            departments=[world.other_department])
    response = summons.responses.get()
    frozen(datetime(2025, 10, 2, 20, 10, tzinfo=TZ))
    summons_check_in(actor=world.other_handler, response_id=response.pk)
    summons_rate(actor=world.street_staff, response_id=response.pk, rating=4)
    frozen(datetime(2025, 12, 20, 10, tzinfo=TZ))
    return date(2025, 12, 20)
