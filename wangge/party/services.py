"""Writes (``<entity>_<action>``, keyword-only, ``actor`` first): each checks the actor's
party scope, guards concurrent changes and leaves an audit row. The system never changes
an organisation by itself: rule breaches are only listed (rules.health)."""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wangge.accounts.ratelimit import reveal_charge
from wangge.audit.models import Outcome
from wangge.audit.services import audit_record
from wangge.core import clock, crypto
from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused
from wangge.party import selectors
from wangge.party.models import (
    BRANCH_LEVELS,
    COUNTED_STATUSES,
    FlowContact,
    FlowOut,
    Meeting,
    MeetingKind,
    Member,
    MemberStatus,
    PartyOrg,
    Stage,
    Transfer,
    TransferScope,
    TransferStatus,
)
from wangge.party.permissions import can_write_orgs

MEMBER_FIELDS = (
    "name", "gender", "birth_date", "admitted_on", "stage", "probation_ends", "full_on",
    "post", "status", "lost_contact_on", "dues_paid_until", "in_service", "work_unit",
)
CONFLICT = _("该记录已被他人修改，请刷新后重试")


def _require_org(actor, org: PartyOrg) -> None:
    if not selectors.orgs_visible_to(actor).filter(pk=org.pk).exists():
        raise NotFoundOrForbidden(_("未找到该党组织"))


def _audit(actor, action: str, obj, request=None, **detail) -> None:
    audit_record(action=action, actor=actor, request=request, obj=obj, detail=detail)


# ---------------------------------------------------------------- organisations


def org_create(*, actor, parent: PartyOrg | None, **fields) -> PartyOrg:
    if not can_write_orgs(actor):
        raise PermissionRefused()
    area = fields["area"]
    if parent is not None:
        _require_org(actor, parent)
    from wangge.accounts.scope import path_in_scope
    from wangge.party.permissions import ORG_WRITE_ROLES

    if not path_in_scope(actor, area.path, ORG_WRITE_ROLES):
        raise NotFoundOrForbidden(_("所服务区域不在您的管辖范围内"))
    if PartyOrg.objects.filter(code=fields["code"]).exists():
        raise ApplicationError(_("组织编码已存在"), field="code")
    node = PartyOrg(area_path=area.path, **fields)
    if parent is None:
        org = PartyOrg.objects.add_root(instance=node)
    else:
        org = PartyOrg.objects.add_child(PartyOrg.objects.get(pk=parent.pk), instance=node)
    _audit(actor, "party_org_create", org)
    return org


def org_update(*, actor, org: PartyOrg, version: int, **changes) -> PartyOrg:
    if not can_write_orgs(actor):
        raise PermissionRefused()
    _require_org(actor, org)
    with transaction.atomic():
        locked = PartyOrg.objects.select_for_update().get(pk=org.pk)
        if locked.version != version:
            raise ApplicationError(CONFLICT, code="conflict")
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.save()
    _audit(actor, "party_org_update", locked, fields=sorted(changes))
    return locked


# ---------------------------------------------------------------- members


def _place(member: Member, org: PartyOrg, activity_org: PartyOrg | None) -> None:
    member.org = org
    member.org_path = org.path
    member.area_path = org.area_path
    member.activity_org = activity_org
    member.activity_org_path = activity_org.path if activity_org else ""


def member_create(
    *, actor, org: PartyOrg, activity_org: PartyOrg | None = None, residence=None,
    resident=None, id_number: str = "", phone: str = "", **fields,
) -> Member:
    _require_org(actor, org)
    if activity_org is not None:
        _require_org(actor, activity_org)
    member = Member(resident=resident, residence=residence, **fields)
    _place(member, org, activity_org)
    member.set_id_number(id_number)
    member.set_phone(phone)
    if member.id_number_index and Member.objects.filter(id_number_index=member.id_number_index).exists():
        raise ApplicationError(_("该证件号码的党员已在台账中（一人一条组织关系）"), field="id_number")
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        raise ApplicationError(_("该党员已在台账中"), field="id_number") from exc
    _audit(actor, "party_member_create", member)
    return member


def member_update(*, actor, member: Member, version: int, **changes) -> Member:
    selectors.member_get_for_user(user=actor, member_id=member.pk)
    unknown = set(changes) - set(MEMBER_FIELDS) - {"phone", "activity_org", "residence"}
    if unknown:
        raise ApplicationError(_("不支持修改这些字段"))
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        if locked.version != version:
            raise ApplicationError(CONFLICT, code="conflict")
        if "activity_org" in changes:
            activity = changes.pop("activity_org")
            if activity is not None:
                _require_org(actor, activity)
            _place(locked, locked.org, activity)
        if "phone" in changes:
            locked.set_phone(changes.pop("phone"))
        for name, value in changes.items():
            setattr(locked, name, value)
        if locked.stage == Stage.FULL and locked.full_on is None and locked.probation_ends:
            locked.full_on = locked.probation_ends
        locked.version += 1
        locked.save()
    _audit(actor, "party_member_update", locked, fields=sorted(changes))
    return locked


REVEALABLE = ("id_number", "phone")


def member_reveal(*, actor, member: Member, field: str, request=None) -> str:
    """The full ID number or phone of a member in the actor's party scope; audited."""
    if field not in REVEALABLE:
        raise ApplicationError(_("不支持查看该字段"), field="field")
    selectors.member_get_for_user(user=actor, member_id=member.pk)
    reveal_charge(user=actor, request=request, obj=member, field=field)
    audit_record(action="party_member_reveal", actor=actor, request=request, obj=member,
                 outcome=Outcome.SUCCESS, detail={"field": field})
    return crypto.decrypt(getattr(member, f"{field}_enc"))


# ---------------------------------------------------------------- transfers


def transfer_issue(
    *, actor, member: Member, letter_no: str, to_org: PartyOrg | None = None,
    outside_org: str = "", issued_on: date | None = None, note: str = "",
) -> Transfer:
    """Issue a letter. The member stays in the sending organisation until receipt."""
    selectors.member_get_for_user(user=actor, member_id=member.pk)
    if to_org is None and not outside_org.strip():
        raise ApplicationError(_("请选择接收党组织或填写市外党组织"), field="to_org")
    if to_org is not None and to_org.pk == member.org_id:
        raise ApplicationError(_("接收党组织不能与转出党组织相同"), field="to_org")
    issued_on = issued_on or clock.today()
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        if Transfer.objects.filter(member=locked, status=TransferStatus.ISSUED).exists():
            raise ApplicationError(_("该党员已有未办结的转接"), code="conflict")
        if locked.status not in COUNTED_STATUSES:
            raise ApplicationError(_("该党员当前状态不能转接"))
        transfer = Transfer.objects.create(
            member=locked, scope=TransferScope.INSIDE if to_org else TransferScope.OUT,
            from_org=locked.org, to_org=to_org, area_path=locked.area_path,
            to_area_path=to_org.area_path if to_org else "", outside_org=outside_org.strip(),
            letter_no=letter_no.strip(), issued_on=issued_on,
            valid_until=issued_on + timedelta(days=settings.WANGGE_PARTY_TRANSFER_DAYS),
            note=note, created_by=actor,
        )
        locked.status = MemberStatus.TRANSFERRING
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
    _audit(actor, "party_transfer_issue", transfer, letter_no=transfer.letter_no)
    return transfer


def _may_receive(actor, transfer: Transfer) -> bool:
    if transfer.to_org is None:  # leaving the city: the sender closes it
        return selectors.orgs_visible_to(actor).filter(pk=transfer.from_org_id).exists()
    return selectors.orgs_visible_to(actor).filter(pk=transfer.to_org_id).exists()


def transfer_receive(*, actor, transfer: Transfer, on: date | None = None) -> Transfer:
    """The receiving organisation confirms: the relationship moves to it (history stays in
    the transfer rows); a letter out of the city ends the membership here."""
    selectors.transfer_get_for_user(user=actor, transfer_id=transfer.pk)
    if not _may_receive(actor, transfer):
        raise PermissionRefused(_("只有接收党组织可以确认接收"))
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.status != TransferStatus.ISSUED:
            raise ApplicationError(_("该介绍信已办结（已接收或已退回）"), code="conflict")
        member = Member.objects.select_for_update().get(pk=locked.member_id)
        if locked.to_org is not None:
            _place(member, locked.to_org, None)
            member.status = MemberStatus.NORMAL
        else:
            member.status = MemberStatus.LEFT
        member.version += 1
        member.save()
        locked.status = TransferStatus.RECEIVED
        locked.closed_on = on or clock.today()
        locked.save(update_fields=["status", "closed_on"])
    _audit(actor, "party_transfer_receive", locked, letter_no=locked.letter_no)
    return locked


def transfer_return(*, actor, transfer: Transfer, note: str = "") -> Transfer:
    """The letter comes back unused (refused or expired): the member stays where they were."""
    selectors.transfer_get_for_user(user=actor, transfer_id=transfer.pk)
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.status != TransferStatus.ISSUED:
            raise ApplicationError(_("该介绍信已办结（已接收或已退回）"), code="conflict")
        locked.status = TransferStatus.RETURNED
        locked.closed_on = clock.today()
        locked.note = (note or locked.note)[:200]
        locked.save(update_fields=["status", "closed_on", "note"])
        Member.objects.filter(pk=locked.member_id).update(status=MemberStatus.NORMAL)
    _audit(actor, "party_transfer_return", locked, letter_no=locked.letter_no)
    return locked


# ---------------------------------------------------------------- mobile members


def flow_out_record(*, actor, member: Member, destination: str, since: date, unit: str = "",
                    certificate_no: str = "", contact: str = "", reason: str = "") -> FlowOut:
    selectors.member_get_for_user(user=actor, member_id=member.pk)
    flow = FlowOut.objects.create(
        member=member, area_path=member.area_path, destination=destination, since=since,
        unit=unit, certificate_no=certificate_no, reason=reason,
        contact_enc=crypto.encrypt(contact) if contact else "",
    )
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.FLOWED_OUT)
    _audit(actor, "party_flow_out", flow)
    return flow


def flow_contact_record(*, actor, flow: FlowOut, on: date, note: str = "") -> FlowContact:
    if not selectors.flows_visible_to(actor).filter(pk=flow.pk).exists():
        raise NotFoundOrForbidden()
    by = actor.display_name or actor.username
    contact = FlowContact.objects.create(flow=flow, date=on, by_name=by, note=note)
    FlowOut.objects.filter(pk=flow.pk).update(last_contact_on=on, last_contact_by=by)
    _audit(actor, "party_flow_contact", flow)
    return contact


# ---------------------------------------------------------------- 三会一课


def meeting_record(
    *, actor, org: PartyOrg, kind: str, on: date, topic: str, attendee_ids=(),
    minutes: str = "", photo_count: int = 0, client_key: str = "",
) -> Meeting:
    """Record a meeting with its attendance. Expected = the organisation's counted
    members (voting = full members); a members' meeting is valid only when more than half
    of the voting members attend. A resent ``client_key`` returns the first record."""
    _require_org(actor, org)
    if kind not in MeetingKind.values:
        raise ApplicationError(_("会议类型不正确"), field="kind")
    if kind == MeetingKind.ASSEMBLY and org.level not in BRANCH_LEVELS:
        raise ApplicationError(_("支部党员大会只能由党支部召开"), field="kind")
    if on > clock.today():
        raise ApplicationError(_("会议日期不能晚于今天"), field="date")
    if client_key:
        earlier = Meeting.objects.filter(recorded_by=actor, client_key=client_key).first()
        if earlier is not None:
            return earlier
    members = Member.objects.filter(org=org, status__in=COUNTED_STATUSES)
    roll = dict(members.values_list("id", "stage"))
    chosen = {int(i) for i in attendee_ids}
    if chosen - set(roll):
        raise ApplicationError(_("出席人员须是本组织党员"), field="attendees")
    voting_expected = sum(1 for stage in roll.values() if stage == Stage.FULL)
    voting_attended = sum(1 for i in chosen if roll[i] == Stage.FULL)
    valid = kind != MeetingKind.ASSEMBLY or voting_attended * 2 > voting_expected
    with transaction.atomic():
        meeting = Meeting.objects.create(
            org=org, org_path=org.path, area_path=org.area_path, kind=kind, date=on,
            topic=topic.strip(), expected=len(roll), attended=len(chosen),
            voting_expected=voting_expected, voting_attended=voting_attended, valid=valid,
            minutes=minutes, photo_count=photo_count, client_key=client_key, recorded_by=actor,
        )
        meeting.attendees.set(chosen)
        Member.objects.filter(id__in=chosen).exclude(last_org_life_on__gt=on).update(last_org_life_on=on)
    _audit(actor, "party_meeting_record", meeting, kind=kind, valid=valid)
    return meeting


# ---------------------------------------------------------------- 双报到


def hours_confirm(*, actor, hours_id: int):
    """The residential community confirms a member's logged service hours."""
    from wangge.party.models import ServiceHours

    with transaction.atomic():
        row = (
            ServiceHours.objects.select_for_update()
            .filter(pk=hours_id, registration__in=selectors.dual_visible_to(actor))
            .first()
        )
        if row is None:
            raise NotFoundOrForbidden()
        if row.confirmed:
            raise ApplicationError(_("该服务时长已确认"), code="conflict")
        row.confirmed = True
        row.confirmed_by = actor
        row.save(update_fields=["confirmed", "confirmed_by"])
    _audit(actor, "party_hours_confirm", row)
    return row


def transfer_in_record(
    *, actor, to_org: PartyOrg, letter_no: str, outside_org: str, issued_on: date,
    name: str, admitted_on: date, stage: str = Stage.FULL, probation_ends: date | None = None,
    id_number: str = "", phone: str = "", gender: str = "", note: str = "",
) -> Transfer:
    """市外转入: the receiving organisation records a letter from outside the city when the
    member hands it in, and receives them at once (the sender is outside: nothing here
    is responsible before receipt). A member who once left the city (status left) is
    taken back on their old row; anyone else already in the ledger is refused."""
    _require_org(actor, to_org)
    if not outside_org.strip():
        raise ApplicationError(_("请填写转出的市外党组织"), field="outside_org")
    if issued_on > clock.today():
        raise ApplicationError(_("开具日期不能晚于今天"), field="issued_on")
    valid_until = issued_on + timedelta(days=settings.WANGGE_PARTY_TRANSFER_DAYS)
    if valid_until < clock.today():
        raise ApplicationError(_("介绍信已过有效期，请退回原党组织重新开具"), field="issued_on")
    probe = Member(name=name)
    probe.set_id_number(id_number)
    with transaction.atomic():
        member = None
        if probe.id_number_index:
            member = Member.objects.select_for_update().filter(id_number_index=probe.id_number_index).first()
            if member is not None and member.status != MemberStatus.LEFT:
                raise ApplicationError(_("该证件号码的党员已在台账中（一人一条组织关系）"), field="id_number")
        if member is None:
            member = Member(id_number_enc=probe.id_number_enc, id_number_index=probe.id_number_index)
        member.name, member.admitted_on, member.stage = name.strip(), admitted_on, stage
        member.probation_ends = probation_ends
        if gender:
            member.gender = gender
        if phone:
            member.set_phone(phone)
        _place(member, to_org, None)
        member.status = MemberStatus.NORMAL
        member.version += 1
        member.save()
        transfer = Transfer.objects.create(
            member=member, scope=TransferScope.IN, from_org=None, to_org=to_org,
            area_path=to_org.area_path, to_area_path=to_org.area_path, outside_org=outside_org.strip(),
            letter_no=letter_no.strip(), issued_on=issued_on, valid_until=valid_until,
            status=TransferStatus.RECEIVED, closed_on=clock.today(), note=note, created_by=actor,
        )
    _audit(actor, "party_transfer_receive", transfer, letter_no=transfer.letter_no, scope="in")
    return transfer


def meeting_photo_add(*, actor, meeting: Meeting, photos, request=None) -> list:
    """Photos of a meeting record, checked and re-encoded like a case's (size, count,
    content, no metadata); the record's photo count follows."""
    import secrets
    import uuid

    from django.core.files.base import ContentFile

    from wangge.cases.services.photos import photos_check
    from wangge.party.models import MeetingPhoto

    if not selectors.meetings_visible_to(actor).filter(pk=meeting.pk).exists():
        raise NotFoundOrForbidden()
    checked = photos_check(photos)
    stored = []
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        for photo in checked:
            row = MeetingPhoto(meeting=locked, content_type=photo.content_type,
                               token=secrets.token_urlsafe(24), uploaded_by=actor, at=clock.now())
            name = uuid.uuid4().hex
            row.file.save(f"{name}.{photo.ext}", ContentFile(photo.data), save=False)
            row.thumbnail.save(f"{name}.thumb.jpg", ContentFile(photo.thumbnail), save=False)
            row.save()
            stored.append(row)
        locked.photo_count = locked.photos.count()
        locked.save(update_fields=["photo_count"])
    audit_record(action="party_meeting_photo", actor=actor, request=request, obj=locked,
                 detail={"photos": len(stored)})
    return stored


def dual_feedback_sent(*, actor, registration_id: int):
    """The community sent the feedback sheet to the member's work unit today."""
    with transaction.atomic():
        row = selectors.dual_visible_to(actor).select_for_update().filter(pk=registration_id).first()
        if row is None:
            raise NotFoundOrForbidden()
        row.feedback_sent_on = clock.today()
        row.save(update_fields=["feedback_sent_on"])
    _audit(actor, "party_dual_feedback", row)
    return row


# ---------------------------------------------------------------- 双报到 registration and hours


def dual_register(*, actor, member: Member, community, on: date | None = None):
    """An in-service member registers with their residential community (once)."""
    from wangge.areas.models import AreaKind
    from wangge.party.models import DualRegistration

    selectors.member_get_for_user(user=actor, member_id=member.pk)
    if not member.in_service:
        raise ApplicationError(_("只有在职党员到居住社区报到"), field="community")
    if community is None or community.kind != AreaKind.COMMUNITY:
        raise ApplicationError(_("请选择居住社区"), field="community")
    on = on or clock.today()
    if on > clock.today():
        raise ApplicationError(_("报到日期不能晚于今天"), field="registered_on")
    try:
        with transaction.atomic():
            row = DualRegistration.objects.create(member=member, community=community, area_path=community.path,
                                                  registered_on=on)
    except IntegrityError as exc:
        raise ApplicationError(_("该党员已报到"), code="conflict") from exc
    _audit(actor, "party_dual_register", row)
    return row


def dual_update(*, actor, registration_id: int, post_ids=(), report_h1: bool = False, report_h2: bool = False):
    """Claimed posts (open posts of the registration's community) and half-year reports."""
    from wangge.party.models import ServicePost

    with transaction.atomic():
        row = selectors.dual_visible_to(actor).select_for_update().filter(pk=registration_id).first()
        if row is None:
            raise NotFoundOrForbidden()
        wanted = {int(i) for i in post_ids}
        posts = list(ServicePost.objects.filter(community_id=row.community_id, open=True, id__in=wanted))
        if len(posts) != len(wanted):
            raise ApplicationError(_("只能认领本社区开放的岗位"), field="posts")
        row.posts.set(posts)
        row.report_h1, row.report_h2 = report_h1, report_h2
        row.save(update_fields=["report_h1", "report_h2"])
    _audit(actor, "party_dual_update", row, posts=sorted(wanted))
    return row


def hours_log(*, actor, registration_id: int, on: date, hours, post_id: int | None = None):
    """Service hours a member reports; the residential community confirms them later."""
    from decimal import Decimal, InvalidOperation

    from wangge.party.models import ServiceHours

    row = selectors.dual_visible_to(actor).filter(pk=registration_id).first()
    if row is None:
        raise NotFoundOrForbidden()
    if on > clock.today():
        raise ApplicationError(_("服务日期不能晚于今天"), field="date")
    try:
        amount = Decimal(str(hours))
    except InvalidOperation as exc:
        raise ApplicationError(_("服务时长须为 0.5–24 小时"), field="hours") from exc
    if not Decimal("0.5") <= amount <= Decimal("24"):
        raise ApplicationError(_("服务时长须为 0.5–24 小时"), field="hours")
    if post_id is not None and not row.posts.filter(pk=post_id).exists():
        raise ApplicationError(_("只能记录已认领岗位的时长"), field="post")
    logged = ServiceHours.objects.create(registration=row, post_id=post_id, date=on, hours=amount)
    _audit(actor, "party_hours_log", row, hours=str(amount))
    return logged
