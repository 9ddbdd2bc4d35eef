"""Writes (``<entity>_<action>``, keyword-only, ``actor`` first): each checks the actor's
scope (out of scope answers like missing), refuses personal data without consent, and
leaves an audit row (never with a phone or ID number in it)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wangge.accounts.ratelimit import reveal_charge
from wangge.audit.models import Outcome
from wangge.audit.services import audit_record
from wangge.core import clock, crypto
from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused
from wangge.core.identity import normalize_id_number, normalize_phone
from wangge.facilities.models import Facility
from wangge.facilities.models import Service as StationService
from wangge.facilities.services import service_log_record
from wangge.party.models import Member

from . import permissions as perms
from .models import (
    Branch,
    Company,
    Industry,
    Instructor,
    ServiceKind,
    ServiceRecord,
    StationVisit,
    Worker,
    WorkerType,
)
from .validation import clean_credit_code

REVEALABLE = ("id_number", "phone")


def _text(value, limit: int, field: str, label: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(_("请填写{label}").format(label=label), field=field)
    if len(value) > limit:
        raise ApplicationError(_("{label}最多 {n} 字").format(label=label, n=limit), field=field)
    return value


def _day(value: date | None, field: str) -> date:
    value = value or clock.today()
    if value > clock.today():
        raise ApplicationError(_("日期不能晚于今天"), field=field)
    return value


def _area_for_write(actor, area) -> None:
    if area is None or not perms.can_write_in(actor, area.path):
        raise NotFoundOrForbidden()


# ---------------------------------------------------------------- census


@transaction.atomic
def company_create(*, actor, name: str, platform: str, credit_code: str, area, outlet: str = "",
                   industry: str = Industry.EXPRESS, address: str = "", alliance=None,
                   surveyed_on: date | None = None) -> Company:
    _area_for_write(actor, area)
    if industry not in Industry.values:
        raise ApplicationError(_("请选择行业"), field="industry")
    code = clean_credit_code(credit_code)
    if Company.objects.filter(credit_code=code).exists():
        raise ApplicationError(_("该统一社会信用代码已登记"), field="credit_code")
    company = Company(
        name=_text(name, 100, "name", _("企业名称"), required=True),
        platform=_text(platform, 50, "platform", _("平台/品牌"), required=True),
        outlet=_text(outlet, 100, "outlet", _("网点/站点")), industry=industry, credit_code=code,
        address=_text(address, 200, "address", _("地址")), area=area, area_path=area.path,
        alliance=alliance, surveyed_on=_day(surveyed_on, "surveyed_on"),
    )
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError:
        raise ApplicationError(_("该统一社会信用代码已登记"), field="credit_code") from None
    audit_record(action="employment_company_create", actor=actor, obj=company, detail={"area": area.code})
    return company


def _personal(*, name: str, phone: str, id_number: str, consent_on: date | None) -> tuple[str, str, str]:
    name = _text(name, 50, "name", _("姓名"))
    phone = normalize_phone(phone) if (phone or "").strip() else ""
    id_number = normalize_id_number(id_number) if (id_number or "").strip() else ""
    if consent_on is None and (name or phone or id_number):
        raise ApplicationError(_("未记录本人同意，不能登记姓名、电话或证件号码"), field="consent_on")
    if consent_on is not None and consent_on > clock.today():
        raise ApplicationError(_("同意日期不能晚于今天"), field="consent_on")
    return name, phone, id_number


def _ledger_member(id_number: str) -> Member | None:
    if not id_number:
        return None
    return Member.objects.select_related("org").filter(
        id_number_index=crypto.blind_index(id_number, purpose="id")).first()


@transaction.atomic
def worker_register(*, actor, company: Company, worker_type: str, work_area, name: str = "", phone: str = "",
                    id_number: str = "", consent_on: date | None = None, station: str = "",
                    is_party_member: bool = False, membership_held_at: str = "",
                    surveyed_on: date | None = None) -> Worker:
    """Register a worker. Without consent only the counts are kept (type, company, area).
    A party member whose ID number is in the party ledger is linked to their membership."""
    _area_for_write(actor, work_area)
    if not perms.can_write_in(actor, company.area_path):
        raise NotFoundOrForbidden()
    if worker_type not in WorkerType.values:
        raise ApplicationError(_("请选择从业类型"), field="worker_type")
    name, phone, id_number = _personal(name=name, phone=phone, id_number=id_number, consent_on=consent_on)
    worker = Worker(
        name=name, worker_type=worker_type, company=company, work_area=work_area, area_path=work_area.path,
        station=_text(station, 100, "station", _("所在站点")), consent_on=consent_on,
        is_party_member=bool(is_party_member),
        membership_held_at=_text(membership_held_at, 100, "membership_held_at", _("组织关系所在")),
        surveyed_on=_day(surveyed_on, "surveyed_on"),
    )
    worker.set_phone(phone)
    worker.set_id_number(id_number)
    if id_number and Worker.objects.filter(id_number_index=worker.id_number_index).exists():
        raise ApplicationError(_("该证件号码已登记"), field="id_number")
    member = _ledger_member(id_number) if is_party_member else None
    if member is not None and not Worker.objects.filter(party_member=member).exists():
        worker.party_member = member
        worker.membership_held_at = worker.membership_held_at or member.org.name
    worker.save()
    audit_record(action="employment_worker_register", actor=actor, obj=worker,
                 detail={"company": company.pk, "type": worker_type, "consent": bool(consent_on),
                         "ledger": worker.party_member_id is not None})
    return worker


@transaction.atomic
def worker_withdraw_consent(*, actor, worker: Worker, on: date | None = None) -> Worker:
    """The worker withdrew consent: erase name, phone and ID number; keep the counts."""
    locked = Worker.objects.select_for_update().filter(pk=worker.pk).first()
    if locked is None or not perms.can_write_in(actor, locked.area_path):
        raise NotFoundOrForbidden()
    locked.name = ""
    locked.set_phone("")
    locked.set_id_number("")
    locked.consent_withdrawn_on = _day(on, "consent_withdrawn_on")
    locked.version += 1
    locked.save()
    audit_record(action="employment_worker_withdraw", actor=actor, obj=locked, detail={})
    return locked


def worker_reveal(*, actor, worker: Worker, field: str, request=None) -> str:
    """The full phone or ID number of a worker in the actor's scope; audited either way."""
    if field not in REVEALABLE:
        raise ApplicationError(_("不支持查看该字段"), field="field")
    allowed = perms.can_reveal_in(actor, worker.area_path)
    if allowed:
        reveal_charge(user=actor, request=request, obj=worker, field=field)
    audit_record(action="employment_worker_reveal", actor=actor, request=request, obj=worker,
                 outcome=Outcome.SUCCESS if allowed else Outcome.DENIED, detail={"field": field})
    if not allowed:
        raise PermissionRefused(_("您没有查看完整个人信息的权限"))
    return worker.decrypted(field)


# ---------------------------------------------------------------- branches and instructors


@transaction.atomic
def branch_found(*, actor, org, founded_on: date | None = None, companies=()) -> Branch:
    """Record a party organisation of the party tree as founded among the workers."""
    if org is None or not perms.can_write_in(actor, org.area_path):
        raise NotFoundOrForbidden()
    if Branch.objects.filter(org=org).exists():
        raise ApplicationError(_("该党组织已登记"), field="org")
    companies = list(companies)
    if any(not perms.can_write_in(actor, c.area_path) for c in companies):
        raise NotFoundOrForbidden()
    branch = Branch.objects.create(org=org, area_path=org.area_path, founded_on=_day(founded_on, "founded_on"),
                                   created_by=actor)
    branch.companies.set(companies)
    audit_record(action="employment_branch_found", actor=actor, obj=branch, detail={"org": org.pk})
    return branch


@transaction.atomic
def instructor_assign(*, actor, branch: Branch, name: str, unit: str = "", since: date | None = None) -> Instructor:
    if not perms.can_write_in(actor, branch.area_path):
        raise NotFoundOrForbidden()
    instructor = Instructor.objects.create(
        branch=branch, area_path=branch.area_path, name=_text(name, 50, "name", _("姓名"), required=True),
        unit=_text(unit, 100, "unit", _("派出单位")), since=_day(since, "since"), created_by=actor,
    )
    audit_record(action="employment_instructor_assign", actor=actor, obj=instructor, detail={"branch": branch.pk})
    return instructor


# ---------------------------------------------------------------- services


@transaction.atomic
def service_record(*, actor, kind: str, company: Company, worker: Worker | None = None,
                   day: date | None = None, people: int = 1, provider: str = "", note: str = "") -> ServiceRecord:
    """A service to a worker where known (their company follows), else to a company's workers."""
    if kind not in ServiceKind.values:
        raise ApplicationError(_("请选择服务类型"), field="kind")
    if worker is not None:
        company = worker.company
        if not perms.can_write_in(actor, worker.area_path):
            raise NotFoundOrForbidden()
        people = 1
    if company is None or not perms.can_write_in(actor, company.area_path):
        raise NotFoundOrForbidden()
    if not 1 <= int(people) <= 100000:
        raise ApplicationError(_("人次应在 1 到 100000 之间"), field="people")
    record = ServiceRecord.objects.create(
        kind=kind, worker=worker, company=company, area_path=(worker or company).area_path,
        date=_day(day, "date"), people=int(people), provider=_text(provider, 100, "provider", _("提供部门")),
        note=_text(note, 200, "note", _("说明")), recorded_by=actor,
    )
    audit_record(action="employment_service_record", actor=actor, obj=record,
                 detail={"kind": kind, "company": company.pk, "worker": worker.pk if worker else None})
    return record


@transaction.atomic
def station_visit_log(*, actor, station: Facility, service: StationService, worker: Worker | None = None,
                      worker_type: str = "", key: str = "") -> StationVisit:
    """A rest-station keeper logs one visit: one service log row of the station (one person)
    and who came. A phone resending the same ``key`` gets the first visit back."""
    if worker is not None:
        worker_type = worker.worker_type
    if worker_type not in WorkerType.values:
        raise ApplicationError(_("请选择来访人员类型"), field="worker_type")
    log = service_log_record(actor=actor, facility=station, service=service, day=clock.today(), people=1, key=key)
    existing = StationVisit.objects.filter(log=log).first()
    if existing is not None:
        return existing
    visit = StationVisit.objects.create(
        log=log, facility=station, area_path=station.area_path, worker=worker, worker_type=worker_type,
        company_id=worker.company_id if worker else None, date=log.date,
    )
    audit_record(action="employment_station_visit", actor=actor, obj=visit,
                 detail={"station": station.pk, "service": service.code, "type": worker_type})
    return visit
