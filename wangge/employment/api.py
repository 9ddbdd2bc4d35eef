"""The new-employment API: the census read masked and scoped like the pages, registering
a worker (consent required for personal data), recording a service, an audited reveal,
and the reports made by workers per company and alliance. Errors name their field."""

from datetime import date

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from wangge.accounts.pagination import BulkReadPagination
from wangge.accounts.ratelimit import bulk_read_charge
from wangge.areas.models import Area
from wangge.core.errors import ApplicationError, PermissionRefused

from . import permissions as perms
from . import selectors, services

API_PREFIX = "/employment"
router = Router(tags=["新就业群体"])


def _require_read(request) -> None:
    if not perms.can_read_employment(request.user):
        raise PermissionRefused(_("只有新就业群体工作人员可以查看"))


def _require_write(request) -> None:
    if not perms.can_write_employment(request.user):
        raise PermissionRefused(_("您没有登记新就业群体信息的权限"))


class CompanyOut(Schema):
    id: int
    name: str
    platform: str
    outlet: str
    industry: str
    credit_code: str
    area_id: int
    alliance_id: int | None


class CompanyIn(Schema):
    name: str = Field(max_length=100)
    platform: str = Field(max_length=50)
    outlet: str = Field("", max_length=100)
    industry: str = "express"
    credit_code: str = Field(max_length=30)
    address: str = Field("", max_length=200)
    area_code: str


class WorkerOut(Schema):
    id: int
    name_masked: str
    worker_type: str
    company_id: int
    station: str
    work_area_id: int
    phone_masked: str
    consent_on: date | None
    is_party_member: bool
    membership_held_at: str
    in_party_ledger: bool

    @staticmethod
    def resolve_in_party_ledger(obj) -> bool:
        return obj.party_member_id is not None


class WorkerIn(Schema):
    company_id: int
    worker_type: str
    work_area_code: str
    station: str = Field("", max_length=100)
    consent_on: date | None = None
    name: str = Field("", max_length=50)
    phone: str = Field("", max_length=30)
    id_number: str = Field("", max_length=30)
    is_party_member: bool = False
    membership_held_at: str = Field("", max_length=100)


class ServiceIn(Schema):
    kind: str
    company_id: int | None = None
    worker_id: int | None = None
    day: date | None = Field(None, alias="date")
    people: int = 1
    provider: str = Field("", max_length=100)
    note: str = Field("", max_length=200)


class ServiceOut(Schema):
    id: int
    kind: str
    company_id: int
    worker_id: int | None
    date: date
    people: int


class RevealIn(Schema):
    field: str


class RevealOut(Schema):
    value: str


class ReportRowOut(Schema):
    id: int | None
    name: str
    made: int
    resolved: int


class ReportsOut(Schema):
    companies: list[ReportRowOut]
    alliances: list[ReportRowOut]


def _area(request, code: str, field: str) -> Area:
    area = Area.objects.filter(code=code).first()
    if area is None or not perms.can_write_in(request.user, area.path):
        # The same words for missing and out of scope: nothing is learnt about other areas.
        raise ApplicationError(_("该区域不存在或不在您的管辖范围内"), field=field)
    return area


@router.get("/companies", response=list[CompanyOut], summary="新业态企业")
@paginate(BulkReadPagination, page_size=50, what="employment_company")
def companies(request, industry: str = ""):
    _require_read(request)
    rows = selectors.companies_visible_to(request.user).order_by("pk")
    return rows.filter(industry=industry) if industry else rows


@router.post("/companies", response={201: CompanyOut}, summary="登记企业")
def company_create(request, payload: CompanyIn):
    _require_write(request)
    area = _area(request, payload.area_code, "area_code")
    company = services.company_create(
        actor=request.user, name=payload.name, platform=payload.platform, outlet=payload.outlet,
        industry=payload.industry, credit_code=payload.credit_code, address=payload.address, area=area)
    return Status(201, company)


@router.get("/workers", response=list[WorkerOut], summary="从业人员（脱敏）")
@paginate(BulkReadPagination, page_size=50, what="employment_worker")
def workers(request, company_id: int | None = None, worker_type: str = ""):
    _require_read(request)
    rows = selectors.workers_visible_to(request.user).order_by("pk")
    if company_id:
        rows = rows.filter(company_id=company_id)
    return rows.filter(worker_type=worker_type) if worker_type else rows


@router.get("/workers/{worker_id}", response=WorkerOut, summary="从业人员详情（脱敏）")
def worker_detail(request, worker_id: int):
    _require_read(request)
    worker = selectors.worker_get_for_user(user=request.user, worker_id=worker_id)
    bulk_read_charge(user=request.user, rows=1, request=request, what="employment_worker")
    return worker


@router.post("/workers", response={201: WorkerOut}, summary="登记从业人员（个人信息须本人同意）")
def worker_register(request, payload: WorkerIn):
    _require_write(request)
    company = selectors.company_get_for_user(user=request.user, company_id=payload.company_id, write=True)
    area = _area(request, payload.work_area_code, "work_area_code")
    worker = services.worker_register(
        actor=request.user, company=company, worker_type=payload.worker_type, work_area=area,
        station=payload.station, consent_on=payload.consent_on, name=payload.name, phone=payload.phone,
        id_number=payload.id_number, is_party_member=payload.is_party_member,
        membership_held_at=payload.membership_held_at)
    return Status(201, worker)


@router.post("/workers/{worker_id}/reveal", response=RevealOut, summary="查看完整电话或证件号（留痕）")
def worker_reveal(request, worker_id: int, payload: RevealIn):
    _require_read(request)
    worker = selectors.worker_get_for_user(user=request.user, worker_id=worker_id)
    return {"value": services.worker_reveal(actor=request.user, worker=worker, field=payload.field,
                                            request=request)}


@router.post("/services", response={201: ServiceOut}, summary="记录关爱服务")
def service_create(request, payload: ServiceIn):
    _require_write(request)
    worker = (selectors.worker_get_for_user(user=request.user, worker_id=payload.worker_id, write=True)
              if payload.worker_id else None)
    company = (selectors.company_get_for_user(user=request.user, company_id=payload.company_id, write=True)
               if payload.company_id else None)
    if worker is None and company is None:
        raise ApplicationError(_("请选择企业或从业人员"), field="company_id")
    record = services.service_record(actor=request.user, kind=payload.kind, company=company, worker=worker,
                                     day=payload.day, people=payload.people, provider=payload.provider,
                                     note=payload.note)
    return Status(201, record)


@router.get("/reports", response=ReportsOut, summary="从业人员上报（按企业、联盟）")
def reports(request):
    _require_read(request)
    per_company, per_alliance = selectors.report_counts(selectors.reports_visible_to(request.user))
    return {
        "companies": [{"id": r["company_id"], "name": r["company__name"], "made": r["made"],
                       "resolved": r["resolved"]} for r in per_company],
        "alliances": [{"id": r["company__alliance_id"], "name": r["company__alliance__name"], "made": r["made"],
                       "resolved": r["resolved"]} for r in per_alliance],
    }
