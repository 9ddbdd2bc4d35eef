from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest

from wangge.accounts.models import Role, User
from wangge.areas.models import Area, AreaKind
from wangge.core import clock
from wangge.finance.models import Applicant, Institution, InstitutionKind, Product, Purpose
from wangge.people.models import Household
from wangge.testing.people import make_household
from wangge.testing.users import make_user
from wangge.testing.worlds import World, build_world

TODAY = date(2026, 6, 15)


@pytest.fixture
def frozen_at():
    return datetime(2026, 6, 15, 10, tzinfo=clock.LOCAL_TZ)


@dataclass
class FinanceWorld:
    w: World
    village: Area
    other_village: Area  # same town, another assistant's
    town: Area
    assistant: User
    other_assistant: User
    officer: User  # the town's finance office
    bank: Institution
    product: Product
    credit_product: Product
    collective_product: Product
    households: list[Household]
    other_household: Household


@pytest.fixture
def fw(city, frozen) -> FinanceWorld:
    w = build_world(city)
    village, other = w.community, w.other_community
    other_grid = Area.objects.filter(kind=AreaKind.GRID, path__startswith=other.path).first()
    bank = Institution.objects.create(code="nsh", name="农商银行", kind=InstitutionKind.RURAL_CREDIT)
    product = Product.objects.create(institution=bank, name="富农贷", purpose=Purpose.HERDING,
                                     rate_min=Decimal("3.85"), rate_max=Decimal("6.5"), term_months=36,
                                     ceiling=Decimal("30"), applicant=Applicant.HOUSEHOLD)
    credit_product = Product.objects.create(institution=bank, name="信用贷", purpose=Purpose.PLANTING,
                                            rate_min=Decimal("3.6"), rate_max=Decimal("5"), term_months=12,
                                            ceiling=Decimal("10"), applicant=Applicant.CREDIT_HOUSEHOLD)
    collective_product = Product.objects.create(institution=bank, name="强村贷", purpose=Purpose.COLLECTIVE,
                                                rate_min=Decimal("4"), rate_max=Decimal("5"), term_months=60,
                                                ceiling=Decimal("500"), applicant=Applicant.COLLECTIVE)
    return FinanceWorld(
        w=w, village=village, other_village=other, town=w.street,
        assistant=make_user(Role.FINANCE_ASSISTANT, village, username="fa"),
        other_assistant=make_user(Role.FINANCE_ASSISTANT, other, username="fa2"),
        officer=make_user(Role.FINANCE_OFFICER, w.street, username="fo"),
        bank=bank, product=product, credit_product=credit_product, collective_product=collective_product,
        households=[make_household(w.grid, code=f"H{k:03d}") for k in range(10)],
        other_household=make_household(other_grid, code="X001"),
    )
