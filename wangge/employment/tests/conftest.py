"""The employment world: a city of two districts; a new-employment officer in each; a
rest station in district 1 with its keeper; a party branch and an alliance in district 1;
a company and a consenting worker in each district."""

from dataclasses import dataclass
from datetime import date

import pytest

from wangge.accounts.models import Role, User
from wangge.areas.models import Area, AreaKind
from wangge.employment import services
from wangge.employment.models import Company, Worker
from wangge.employment.validation import make_credit_code
from wangge.facilities.models import Facility, FacilityType, Service
from wangge.facilities.services import catalogue_ensure
from wangge.party.models import Alliance, PartyOrg
from wangge.testing.clock import at
from wangge.testing.users import make_user

DAY = date(2026, 6, 10)


@dataclass
class EmploymentWorld:
    city: Area
    district_a: Area
    district_b: Area
    grid_a: Area
    grid_b: Area
    staff_a: User
    staff_b: User
    party_staff_a: User
    keeper: User
    other_keeper: User
    station: Facility
    org: PartyOrg
    alliance: Alliance
    company_a: Company
    company_b: Company
    worker_a: Worker
    worker_b: Worker


@pytest.fixture
def frozen_at():
    return at(DAY)


def credit_code(n: int) -> str:
    return make_credit_code(f"91150204MA{n:07d}")


@pytest.fixture
def ew(city, frozen) -> EmploymentWorld:
    return build_employment_world(city)


def build_employment_world(city: Area) -> EmploymentWorld:
    catalogue_ensure()
    district_a, district_b = Area.objects.filter(kind=AreaKind.DISTRICT).order_by("path")[:2]
    grid_a = Area.objects.filter(kind=AreaKind.GRID, path__startswith=district_a.path).order_by("path").first()
    grid_b = Area.objects.filter(kind=AreaKind.GRID, path__startswith=district_b.path).order_by("path").first()
    community_a = Area.objects.get(path=grid_a.path[:16])
    community_a2 = Area.objects.filter(kind=AreaKind.COMMUNITY, path__startswith=district_a.path).order_by("-path").first()
    staff_a = make_user(Role.EMPLOYMENT_STAFF, district_a, username="emp_a")
    staff_b = make_user(Role.EMPLOYMENT_STAFF, district_b, username="emp_b")
    party_staff_a = make_user(Role.PARTY_STAFF, district_a, username="party_a")
    keeper = make_user(Role.COMMUNITY_STAFF, community_a, username="keeper")
    other_keeper = make_user(Role.COMMUNITY_STAFF, community_a2, username="keeper2")
    station = Facility.objects.create(facility_type=FacilityType.objects.get(code="rest_station"), area=grid_a,
                                      area_path=grid_a.path, name="富强路红色驿站", lat=40.5, lng=109.8)
    station.services.set(Service.objects.filter(code__in=["rest", "charging", "water"]))
    street_a = Area.objects.get(path=grid_a.path[:12])
    org = PartyOrg.objects.add_root(instance=PartyOrg(code="PX0001", name="快递外卖联合党支部", level="joint_branch",
                                                      kind="two_new", area=street_a, area_path=street_a.path))
    alliance = Alliance.objects.create(name="快递外卖行业党建联盟", area=district_a, area_path=district_a.path)
    company_a = services.company_create(actor=staff_a, name="顺丰青山营业部", platform="顺丰", credit_code=credit_code(1),
                                        area=street_a, industry="express", alliance=alliance)
    street_b = Area.objects.get(path=grid_b.path[:12])
    company_b = services.company_create(actor=staff_b, name="美团东河站", platform="美团", credit_code=credit_code(2),
                                        area=street_b, industry="takeaway")
    worker_a = services.worker_register(actor=staff_a, company=company_a, worker_type="courier", work_area=grid_a,
                                        name="张伟", phone="13912345678", consent_on=DAY)
    worker_b = services.worker_register(actor=staff_b, company=company_b, worker_type="rider", work_area=grid_b,
                                        name="李强", phone="13811112222", consent_on=DAY)
    return EmploymentWorld(city=city, district_a=district_a, district_b=district_b, grid_a=grid_a, grid_b=grid_b,
                           staff_a=staff_a, staff_b=staff_b, party_staff_a=party_staff_a, keeper=keeper,
                           other_keeper=other_keeper, station=station, org=org, alliance=alliance,
                           company_a=company_a, company_b=company_b, worker_a=worker_a, worker_b=worker_b)
