"""The party API: read endpoints (masked, scoped like the pages) and recording a meeting.

Every read refuses a user with no party role (403) and answers 404 out of scope."""

from datetime import date
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from wangge.accounts.pagination import BulkReadPagination
from wangge.accounts.ratelimit import bulk_read_charge
from wangge.core.errors import PermissionRefused
from wangge.party import rules, selectors, services
from wangge.party.models import Member
from wangge.party.permissions import can_read_party

API_PREFIX = "/party"
router = Router(tags=["党建引领"])


def _require_party(request) -> None:
    if not can_read_party(request.user):
        raise PermissionRefused(_("只有党务工作人员可以查看党建数据"))


class OrgOut(Schema):
    id: int
    code: str
    name: str
    level: str
    kind: str
    industry: str
    area_id: int
    secretary_name: str


class MemberOut(Schema):
    id: int
    name: str
    stage: str
    status: str
    admitted_on: date
    org_id: int
    activity_org_id: int | None
    residence_id: int | None
    dues_paid_until: str
    phone: str

    @staticmethod
    def resolve_phone(obj: Member) -> str:
        return obj.phone_masked


class TransferOut(Schema):
    id: int
    member_id: int
    letter_no: str
    from_org_id: int | None
    to_org_id: int | None
    outside_org: str
    issued_on: date
    valid_until: date
    status: str


class MeetingIn(Schema):
    org_id: int
    kind: str
    date: date
    topic: str = Field(max_length=200)
    attendee_ids: list[int] = []
    minutes: str = ""
    client_key: str = Field("", max_length=64)


class MeetingOut(Schema):
    id: int
    org_id: int
    kind: str
    date: date
    expected: int
    attended: int
    valid: bool


class ComplianceOut(Schema):
    period: str
    start: date
    end: date
    orgs: int
    compliant: int
    rate: float | None


@router.get("/orgs", response=list[OrgOut], summary="党组织列表")
@paginate(BulkReadPagination, page_size=50, what="party_org")
def orgs(request, level: str = "", kind: str = ""):
    _require_party(request)
    return selectors.org_list(user=request.user, level=level, kind=kind)


@router.get("/members", response=list[MemberOut], summary="党员列表（脱敏）")
@paginate(BulkReadPagination, page_size=20, what="party_member")
def members(request, org_id: int | None = None, status: str = "", stage: str = ""):
    _require_party(request)
    org = selectors.org_get_for_user(user=request.user, org_id=org_id) if org_id else None
    return selectors.member_list(user=request.user, org=org, status=status, stage=stage)


@router.get("/members/{member_id}", response=MemberOut, summary="党员详情（脱敏）")
def member_detail(request, member_id: int):
    _require_party(request)
    member = selectors.member_get_for_user(user=request.user, member_id=member_id)
    bulk_read_charge(user=request.user, rows=1, request=request, what="party_member")
    return member


@router.get("/transfers", response=list[TransferOut], summary="组织关系转接（未办结）")
@paginate(BulkReadPagination, page_size=50, what="party_transfer")
def transfers(request):
    _require_party(request)
    return selectors.transfers_open(user=request.user)


@router.get("/compliance", response=ComplianceOut, summary="三会一课落实情况（季度或全年）")
def compliance(request, day: date | None = None, period: Literal["quarter", "year"] = "quarter"):
    """The quarter (or, with ``period=year``, the calendar year) holding ``day`` (today by
    default); a year also counts the yearly 组织生活会 and 民主评议党员."""
    _require_party(request)
    from wangge.core import clock

    start, end = rules.period_bounds(day or clock.today(), period)
    _per_org, _streets, total = rules.compliance(
        selectors.orgs_visible_to(request.user), selectors.meetings_visible_to(request.user), start, end, period
    )
    return {"period": period, "start": start, "end": end, "orgs": total.orgs, "compliant": total.compliant,
            "rate": total.rate}


@router.post("/meetings", response={201: MeetingOut}, summary="记录三会一课")
def meeting_create(request, payload: MeetingIn):
    _require_party(request)
    org = selectors.org_get_for_user(user=request.user, org_id=payload.org_id)
    meeting = services.meeting_record(
        actor=request.user, org=org, kind=payload.kind, on=payload.date, topic=payload.topic,
        attendee_ids=payload.attendee_ids, minutes=payload.minutes, client_key=payload.client_key,
    )
    return 201, meeting
