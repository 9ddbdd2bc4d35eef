"""Red property writers: each checks the write scope, writes one audit row, and locks what
two people could change at once (docs/architecture.md)."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wangge.areas.models import Area, Estate
from wangge.audit.services import audit_record
from wangge.cases.models import Source
from wangge.cases.services import case_report
from wangge.consultation.models import ProposalSource
from wangge.consultation.services import proposal_raise
from wangge.core import clock, crypto
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.core.identity import normalize_phone
from wangge.property import credit_code
from wangge.property.models import (
    CaseEstate,
    CommitteeKind,
    CompanyStaff,
    EstateProfile,
    FeeRecord,
    ManagementMode,
    OpinionEntry,
    OwnersCommittee,
    PropertyCompany,
    ReplyBy,
    SatisfactionRating,
)
from wangge.property.permissions import can_write_in, company_ids_of

RATING_PURPOSE = "property_rating"


def _text(value: str, limit: int, field: str, label: str, *, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(_("请填写%(label)s") % {"label": label}, field=field)
    if len(value) > limit:
        raise ApplicationError(_("%(label)s最多 %(n)s 字") % {"label": label, "n": limit}, field=field)
    return value


def _check(actor, path: str) -> None:
    if not can_write_in(actor, path):
        raise NotFoundOrForbidden()


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@transaction.atomic
def company_register(
    *, actor, area: Area, name: str, credit: str, contact_name: str = "", contact_phone: str = "",
    party_org=None, request=None,
) -> PropertyCompany:
    _check(actor, area.path)
    party_org = _party_org(party_org)
    code = credit_code.normalize(credit)
    if not credit_code.is_valid(code):
        raise ApplicationError(_("统一社会信用代码无效（长度、字符或校验码不符）"), field="credit_code")
    if PropertyCompany.objects.filter(credit_code=code).exists():
        raise ApplicationError(_("该统一社会信用代码已登记"), code="conflict", field="credit_code")
    phone = normalize_phone(contact_phone) if contact_phone else ""
    company = PropertyCompany.objects.create(
        area=area, area_path=area.path, name=_text(name, 100, "name", _("公司名称")),
        credit_code=code, contact_name=_text(contact_name, 50, "contact_name", "", required=False),
        contact_phone_enc=crypto.encrypt(phone), party_org=party_org, created_at=clock.now(),
    )
    audit_record(action="property_company_register", actor=actor, request=request, obj=company)
    return company


def _party_org(org):
    """The company's party organisation must be an open organisation of the property
    industry (its branch under the 物业行业党委, or that committee itself)."""
    from wangge.party.models import Industry, PartyOrg

    if org in (None, ""):
        return None
    org_id = getattr(org, "pk", org)
    row = PartyOrg.objects.filter(pk=org_id, industry=Industry.PROPERTY, dissolved_on__isnull=True).first()
    if row is None:
        raise ApplicationError(_("请选择物业行业的党组织"), field="party_org")
    return row


@transaction.atomic
def company_party_link(*, actor, company_id: int, party_org, request=None) -> PropertyCompany:
    """Link (or unlink, with None) a company's party organisation: staff of the area the
    company is registered in."""
    company = PropertyCompany.objects.select_for_update().filter(pk=company_id).first()
    if company is None:
        raise NotFoundOrForbidden()
    _check(actor, company.area_path)
    company.party_org = _party_org(party_org)
    company.save(update_fields=["party_org"])
    audit_record(action="property_company_party", actor=actor, request=request, obj=company,
                 detail={"party_org": company.party_org_id})
    return company


@transaction.atomic
def staff_add(*, actor, company_id: int, user, since: date | None = None, request=None) -> CompanyStaff:
    """Give a user who holds PROPERTY_STAFF the company's scope (staff of the area the
    company is registered in). One open tenure per user: leave a company first."""
    from wangge.accounts.models import Role, RoleAssignment

    company = PropertyCompany.objects.filter(pk=company_id).first()
    if company is None:
        raise NotFoundOrForbidden()
    _check(actor, company.area_path)
    if user is None or not RoleAssignment.objects.filter(user=user, role=Role.PROPERTY_STAFF).current().exists():
        raise ApplicationError(_("该账号没有“物业公司人员”角色"), field="username")
    if CompanyStaff.objects.select_for_update().filter(user=user, until__isnull=True).exists():
        raise ApplicationError(_("该账号已在一家物业公司任职"), code="conflict", field="username")
    row = CompanyStaff.objects.create(user=user, company=company, since=since or clock.today(),
                                      created_by=actor if getattr(actor, "pk", None) else None)
    audit_record(action="property_staff_add", actor=actor, request=request, obj=company,
                 detail={"user": user.pk})
    return row


@transaction.atomic
def staff_end(*, actor, staff_id: int, request=None) -> CompanyStaff:
    """The staff member leaves the company today (the history row stays)."""
    row = CompanyStaff.objects.select_for_update().select_related("company").filter(
        pk=staff_id, until__isnull=True).first()
    if row is None or not can_write_in(actor, row.company.area_path):
        raise NotFoundOrForbidden()
    row.until = clock.today()
    row.save(update_fields=["until"])
    audit_record(action="property_staff_end", actor=actor, request=request, obj=row.company,
                 detail={"user": row.user_id})
    return row


@transaction.atomic
def estate_profile_save(
    *, actor, estate: Estate, mode: str, company: PropertyCompany | None = None,
    fee_per_m2: Decimal | None = None, households: int = 0, delivered_percent: int = 100,
    manager_name: str = "", manager_in_committees: bool = False, version: int | None = None,
    request=None,
) -> EstateProfile:
    _check(actor, estate.area_path)
    if mode not in ManagementMode.values:
        raise ApplicationError(_("请选择管理模式"), field="mode")
    if mode == ManagementMode.COMPANY and company is None:
        raise ApplicationError(_("专业物业服务须选择物业公司"), field="company")
    if mode != ManagementMode.COMPANY:
        company = None
    if not 0 <= delivered_percent <= 100:
        raise ApplicationError(_("交付比例应在 0 到 100 之间"), field="delivered_percent")
    profile = EstateProfile.objects.select_for_update().filter(estate=estate).first()
    if profile is None:
        profile = EstateProfile(estate=estate)
    elif version is not None and version != profile.version:
        raise ApplicationError(_("该小区档案已被他人修改，请刷新后再保存"), code="conflict", field="mode")
    profile.area_path = estate.area_path
    profile.mode, profile.company, profile.fee_per_m2 = mode, company, fee_per_m2
    profile.households, profile.delivered_percent = households, delivered_percent
    profile.manager_name = _text(manager_name, 50, "manager_name", "", required=False)
    profile.manager_in_committees = manager_in_committees
    profile.version += 1
    profile.save()
    # The area tree's flag follows the profile, so the registry's figures agree.
    Estate.objects.filter(pk=estate.pk).update(has_property_management=mode != ManagementMode.NONE)
    audit_record(action="property_estate_save", actor=actor, request=request, obj=profile,
                 detail={"mode": mode})
    return profile


def committee_check(*, kind: str, elected_on: date, term_years: int, members: int,
                    party_members: int, filed_on: date | None) -> None:
    """Owners' committee rules (docs/domain.md): term at most 5 years, 5–11 members and an
    odd number, filed within 30 days of the election."""
    if not 1 <= term_years <= 5:
        raise ApplicationError(_("任期为 1 至 5 年"), field="term_years")
    if kind == CommitteeKind.OWNERS and not (5 <= members <= 11 and members % 2 == 1):
        raise ApplicationError(_("业主委员会委员为 5 至 11 人的单数"), field="members")
    if party_members > members:
        raise ApplicationError(_("党员人数不能多于委员人数"), field="party_members")
    if filed_on is not None and not elected_on <= filed_on <= elected_on + timedelta(days=30):
        raise ApplicationError(_("应在选举产生之日起 30 日内备案"), field="filed_on")


@transaction.atomic
def committee_record(
    *, actor, estate: Estate, kind: str, elected_on: date, term_years: int, members: int,
    chair_name: str, party_members: int = 0, filed_on: date | None = None, request=None,
) -> OwnersCommittee:
    _check(actor, estate.area_path)
    if kind not in CommitteeKind.values:
        raise ApplicationError(_("请选择类型"), field="kind")
    committee_check(kind=kind, elected_on=elected_on, term_years=term_years, members=members,
                    party_members=party_members, filed_on=filed_on)
    # A new committee ends the previous one of the estate.
    OwnersCommittee.objects.select_for_update().filter(
        estate=estate, dissolved_on__isnull=True
    ).update(dissolved_on=elected_on)
    try:
        ends = elected_on.replace(year=elected_on.year + term_years)
    except ValueError:  # 29 February
        ends = elected_on.replace(year=elected_on.year + term_years, day=28)
    committee = OwnersCommittee.objects.create(
        estate=estate, area_path=estate.area_path, kind=kind, elected_on=elected_on,
        term_years=term_years, term_ends=ends, members=members,
        chair_name=_text(chair_name, 50, "chair_name", _("主任")), party_members=party_members,
        filed_on=filed_on,
    )
    audit_record(action="property_committee_record", actor=actor, request=request, obj=committee)
    return committee


def fee_check(*, amount_due, amount_paid, households_due: int, households_paid: int) -> None:
    if amount_due < 0 or amount_paid < 0 or amount_paid > amount_due:
        raise ApplicationError(_("实收金额应在 0 与应收金额之间"), field="amount_paid")
    if households_paid > households_due:
        raise ApplicationError(_("已缴户数不能多于应缴户数"), field="households_paid")


@transaction.atomic
def fee_record(
    *, actor, estate: Estate, period: date, amount_due: Decimal, amount_paid: Decimal,
    households_due: int, households_paid: int, request=None, audit: bool = True,
) -> FeeRecord:
    """Set (or replace) one month's collection of an estate."""
    _check(actor, estate.area_path)
    fee_check(amount_due=amount_due, amount_paid=amount_paid, households_due=households_due,
              households_paid=households_paid)
    row, _created = FeeRecord.objects.select_for_update().update_or_create(
        estate=estate, period=period.replace(day=1),
        defaults={
            "area_path": estate.area_path, "amount_due": amount_due, "amount_paid": amount_paid,
            "households_due": households_due, "households_paid": households_paid,
        },
    )
    if audit:
        audit_record(action="property_fee_record", actor=actor, request=request, obj=row)
    return row


@transaction.atomic
def opinion_write(
    *, actor, estate: Estate, text: str, author_name: str = "", author_phone: str = "",
    client_key: str | None = None, request=None,
) -> OpinionEntry:
    """A resident writes in the opinion book (no account), or staff transcribe an entry."""
    staff = actor is not None and getattr(actor, "is_authenticated", False)
    if staff:
        _check(actor, estate.area_path)
    if client_key:
        first = OpinionEntry.objects.filter(client_key=client_key).first()
        if first is not None:
            if first.estate_id != estate.pk or first.text != (text or "").strip():
                raise ApplicationError(_("该提交编号已用于另一份不同的内容"), code="idempotency_mismatch")
            return first
    phone = normalize_phone(author_phone) if author_phone else ""
    now = clock.now()
    entry = OpinionEntry.objects.create(
        estate=estate, area_path=estate.area_path, text=_text(text, 1000, "text", _("意见内容")),
        author_name=_text(author_name, 50, "author_name", "", required=False),
        author_phone_enc=crypto.encrypt(phone), transcribed_by=actor if staff else None,
        created_at=now, reply_due=now + timedelta(days=settings.WANGGE_PROPERTY_REPLY_DAYS),
        client_key=client_key or None,
    )
    audit_record(action="property_opinion_write", actor=actor if staff else None, request=request, obj=entry)
    return entry


def _entry_locked(actor, entry_id: int, *, company_may: bool = False) -> OpinionEntry:
    """The entry, locked; area write staff, or (``company_may``) the staff of the company
    managing its estate now. Anyone else: as if missing."""
    entry = OpinionEntry.objects.select_for_update().select_related("estate").filter(pk=entry_id).first()
    if entry is None:
        raise NotFoundOrForbidden()
    if can_write_in(actor, entry.area_path):
        return entry
    if company_may and _company_of_estate(entry.estate_id) in company_ids_of(actor):
        return entry
    raise NotFoundOrForbidden()


def _company_of_estate(estate_id: int) -> int | None:
    return EstateProfile.objects.filter(estate_id=estate_id).values_list("company_id", flat=True).first()


@transaction.atomic
def opinion_reply(*, actor, entry_id: int, reply: str, reply_by: str = ReplyBy.COMMUNITY, request=None) -> OpinionEntry:
    entry = _entry_locked(actor, entry_id, company_may=True)
    if not can_write_in(actor, entry.area_path):
        reply_by = ReplyBy.COMPANY  # a company's staff answer as the company
    if entry.replied_at is not None:
        raise ApplicationError(_("该意见已有答复"), code="conflict", field="reply")
    if reply_by not in ReplyBy.values:
        raise ApplicationError(_("请选择答复方"), field="reply_by")
    entry.reply = _text(reply, 1000, "reply", _("答复内容"))
    entry.reply_by, entry.replied_at, entry.replied_by = reply_by, clock.now(), actor
    entry.save(update_fields=["reply", "reply_by", "replied_at", "replied_by"])
    audit_record(action="property_opinion_reply", actor=actor, request=request, obj=entry)
    return entry


@transaction.atomic
def opinion_to_proposal(*, actor, entry_id: int, title: str, request=None) -> OpinionEntry:
    entry = _entry_locked(actor, entry_id)
    if entry.proposal_id:
        raise ApplicationError(_("该意见已转为议题"), code="conflict")
    community = Area.objects.get(path=entry.area_path[:16])
    entry.proposal = proposal_raise(
        actor=actor, community=community, title=title, body=entry.text,
        source=ProposalSource.OPINION, source_ref=f"opinion:{entry.pk}", request=request,
    )
    entry.save(update_fields=["proposal"])
    return entry


@transaction.atomic
def opinion_to_case(*, actor, entry_id: int, category, request=None) -> OpinionEntry:
    entry = _entry_locked(actor, entry_id)
    if entry.case_id:
        raise ApplicationError(_("该意见已转为事件"), code="conflict")
    entry.case = case_report(
        actor=actor, category=category, description=entry.text, source=Source.WALK_IN,
        grid=entry.estate.grid, address=entry.estate.name, private=True, request=request,
    )
    entry.save(update_fields=["case"])
    CaseEstate.objects.get_or_create(case=entry.case, defaults={
        "estate": entry.estate, "company_id": _company_of_estate(entry.estate_id),
        "area_path": entry.estate.area_path, "linked_at": clock.now()})
    audit_record(action="property_opinion_case", actor=actor, request=request, obj=entry,
                 detail={"case": entry.case.number})
    return entry


def satisfaction_rate(*, estate: Estate, phone: str, score: int, request=None) -> SatisfactionRating:
    """A household rates the company serving its estate, once a quarter."""
    profile = EstateProfile.objects.filter(estate=estate, mode=ManagementMode.COMPANY).first()
    if profile is None or profile.company_id is None:
        raise ApplicationError(_("该小区没有物业公司"), field="estate")
    if not 1 <= int(score) <= 5:
        raise ApplicationError(_("请选择 1 到 5 分"), field="score")
    if not phone:
        raise ApplicationError(_("请填写手机号码，每户每季度评价一次"), field="phone")
    key = crypto.blind_index(normalize_phone(phone), purpose=RATING_PURPOSE)
    now = clock.now()
    try:
        with transaction.atomic():
            rating = SatisfactionRating.objects.create(
                company_id=profile.company_id, estate=estate, area_path=estate.area_path,
                quarter=quarter_of(clock.today()), voter_key=key, score=int(score), at=now,
            )
    except IntegrityError:
        raise ApplicationError(_("本季度已评价过，感谢参与"), code="conflict", field="phone") from None
    audit_record(action="property_rating", request=request, obj=rating)
    return rating


PROPERTY_CATEGORY_PREFIX = "S01"  # 物业服务 and its children in the case categories


def link_property_cases(*, days: int = 3) -> int:
    """Store the estate of each property-category case reported in the last ``days``
    that has none yet: the estate in the case's grid whose name is in its address
    (the longest name wins). Run by Celery beat; cheap on the report path (nothing)."""
    from wangge.cases.models import Case

    since = clock.now() - timedelta(days=days)
    linked = CaseEstate.objects.filter(linked_at__gte=since - timedelta(days=1)).values("case_id")
    cases = list(
        Case.objects.filter(created_at__gte=since, category__code__startswith=PROPERTY_CATEGORY_PREFIX)
        .exclude(pk__in=linked).exclude(address="").values_list("pk", "grid_id", "address")
    )
    if not cases:
        return 0
    estates: dict[int, list[tuple[str, int, str]]] = {}
    for pk, grid_id, name, path in Estate.objects.filter(
        grid_id__in={grid for _pk, grid, _a in cases}
    ).values_list("pk", "grid_id", "name", "area_path"):
        estates.setdefault(grid_id, []).append((name, pk, path))
    companies = dict(EstateProfile.objects.filter(
        estate_id__in=[pk for rows in estates.values() for _n, pk, _p in rows]
    ).values_list("estate_id", "company_id"))
    now, rows = clock.now(), []
    for case_id, grid_id, address in cases:
        found = sorted((e for e in estates.get(grid_id, []) if e[0] and e[0] in address),
                       key=lambda e: -len(e[0]))
        if found:
            name, estate_id, path = found[0]
            rows.append(CaseEstate(case_id=case_id, estate_id=estate_id, company_id=companies.get(estate_id),
                                   area_path=path, linked_at=now))
    CaseEstate.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
