"""A small party world on the test city: two streets' branches, their members, users."""

from dataclasses import dataclass
from datetime import date

import pytest

from wangge.accounts.models import Role
from wangge.areas.models import Area, AreaKind
from wangge.party.models import Member, OrgOfficer, PartyOrg
from wangge.testing import build_city
from wangge.testing.clock import at
from wangge.testing.users import make_user

TODAY = date(2026, 6, 15)


@dataclass
class PartyWorld:
    street_a: Area
    street_b: Area
    grid_a: Area
    grid_b: Area
    committee: PartyOrg
    branch_a: PartyOrg
    branch_b: PartyOrg
    secretary_a: object
    secretary_b: object
    staff_a: object
    orgdept: object
    grid_worker: object


def org(parent, code, name, level, kind, area, **extra):
    node = PartyOrg(code=code, name=name, level=level, kind=kind, area=area, area_path=area.path,
                    secretary_name="书记", **extra)
    if parent is None:
        return PartyOrg.objects.add_root(instance=node)
    return PartyOrg.objects.add_child(PartyOrg.objects.get(pk=parent.pk), instance=node)


def member(org_row, name, stage="full", **extra):
    return Member.objects.create(name=name, stage=stage, admitted_on=date(2010, 1, 1), org=org_row,
                                 org_path=org_row.path, area_path=org_row.area_path, **extra)


def build_party_world() -> PartyWorld:
    city = build_city()
    streets = list(Area.objects.filter(kind=AreaKind.STREET).order_by("path"))
    street_a, street_b = streets[0], streets[-1]
    grid_a = Area.objects.filter(kind=AreaKind.GRID, path__startswith=street_a.path).order_by("path").first()
    grid_b = Area.objects.filter(kind=AreaKind.GRID, path__startswith=street_b.path).order_by("path").first()
    committee = org(None, "C0", "市委组织部直属", "committee", "government", city)
    work_a = org(committee, "SA", "甲街道党工委", "working_committee", "street", street_a)
    work_b = org(committee, "SB", "乙街道党工委", "working_committee", "street", street_b)
    branch_a = org(work_a, "BA", "甲网格党支部", "branch", "grid", grid_a, committee_size=0,
                   term_started=date(2024, 1, 1))
    branch_b = org(work_b, "BB", "乙网格党支部", "branch", "grid", grid_b, committee_size=0,
                   term_started=date(2024, 1, 1))
    for k in range(4):
        member(PartyOrg.objects.get(pk=branch_a.pk), f"甲党员{k}")
    for k in range(3):
        member(PartyOrg.objects.get(pk=branch_b.pk), f"乙党员{k}")
    secretary_a = make_user(Role.PARTY_SECRETARY, grid_a, username="sec_a")
    secretary_b = make_user(Role.PARTY_SECRETARY, grid_b, username="sec_b")
    OrgOfficer.objects.create(user=secretary_a, org=branch_a, since=date(2024, 1, 1))
    OrgOfficer.objects.create(user=secretary_b, org=branch_b, since=date(2024, 1, 1))
    return PartyWorld(
        street_a=street_a, street_b=street_b, grid_a=grid_a, grid_b=grid_b,
        committee=committee, branch_a=PartyOrg.objects.get(pk=branch_a.pk),
        branch_b=PartyOrg.objects.get(pk=branch_b.pk),
        secretary_a=secretary_a, secretary_b=secretary_b,
        staff_a=make_user(Role.PARTY_STAFF, street_a, username="staff_a"),
        orgdept=make_user(Role.ORG_DEPT, city, username="orgdept"),
        grid_worker=make_user(Role.GRID_WORKER, grid_a, username="gw"),
    )


@pytest.fixture
def frozen_at():
    return at(TODAY)


@pytest.fixture
def world(db, frozen) -> PartyWorld:
    return build_party_world()
