from datetime import date
from typing import Literal

from ninja import Router, Schema
from ninja.pagination import paginate

from wangge.accounts.pagination import BulkReadPagination
from wangge.accounts.ratelimit import bulk_read_charge
from wangge.people.models import Resident
from wangge.people.selectors import (
    household_get_for_user,
    household_list_visible_to,
    resident_get_for_user,
    resident_list_visible_to,
)
from wangge.people.services import resident_reveal

API_PREFIX = "/people"
router = Router(tags=["人口"])


class ResidentOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: date | None
    doc_type: str
    id_number: str
    phone: str
    relation: str
    residence_status: str
    ethnicity: str
    household_id: int
    grid_code: str

    @staticmethod
    def resolve_id_number(obj: Resident) -> str:
        return obj.id_number_masked

    @staticmethod
    def resolve_phone(obj: Resident) -> str:
        return obj.phone_masked

    @staticmethod
    def resolve_grid_code(obj: Resident) -> str:
        return obj.household.grid.code


class HouseholdOut(Schema):
    id: int
    code: str
    address: str
    room: str
    grid_id: int


class RevealIn(Schema):
    field: Literal["id_number", "phone"]


class RevealOut(Schema):
    field: str
    value: str


@router.get("/residents", response=list[ResidentOut], summary="居民列表（脱敏）")
@paginate(BulkReadPagination, page_size=20, what="resident")
def residents(
    request, name: str = "", care_tag: str = "", residence_status: str = "", id_number: str = ""
):
    return resident_list_visible_to(
        user=request.user,
        name=name,
        care_tag=care_tag,
        residence_status=residence_status,
        id_number=id_number,
    ).select_related("household__grid")


@router.get("/residents/{resident_id}", response=ResidentOut, summary="居民详情（脱敏）")
def resident_detail(request, resident_id: int):
    resident = resident_get_for_user(user=request.user, resident_id=resident_id)
    bulk_read_charge(user=request.user, rows=1, request=request, what="resident")
    return resident


@router.post(
    "/residents/{resident_id}/reveal", response=RevealOut, summary="查看完整证件号或电话（留痕）"
)
def resident_reveal_endpoint(request, resident_id: int, payload: RevealIn):
    resident = resident_get_for_user(user=request.user, resident_id=resident_id)
    value = resident_reveal(
        actor=request.user, resident=resident, field=payload.field, request=request
    )
    return {"field": payload.field, "value": value}


@router.get("/households", response=list[HouseholdOut], summary="户列表")
@paginate(BulkReadPagination, page_size=20, what="household")
def households(request, q: str = ""):
    return household_list_visible_to(user=request.user, q=q)


@router.get("/households/{household_id}", response=HouseholdOut, summary="户详情")
def household_detail(request, household_id: int):
    household = household_get_for_user(user=request.user, household_id=household_id)
    bulk_read_charge(user=request.user, rows=1, request=request, what="household")
    return household
