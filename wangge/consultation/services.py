"""Consultation writers: proposals and their support, meetings and check-in, resolutions
and their progress. Each writer checks the scope, locks the row it changes and writes an
audit row in the same transaction (docs/architecture.md, docs/domain.md)."""

import secrets
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Avg
from django.utils.translation import gettext as _

from wangge.areas.models import Area, AreaKind
from wangge.audit.services import audit_record
from wangge.cases.models import RESOLVED_STATUSES, Source
from wangge.cases.services import case_report
from wangge.cases.services.photos import photos_check
from wangge.consultation.models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingKind,
    MeetingPhoto,
    ParticipantRole,
    Proposal,
    ProposalSource,
    ProposalStatus,
    Resolution,
    ResolutionStatus,
    ResolutionUpdate,
    Support,
)
from wangge.consultation.permissions import can_write_in
from wangge.core import clock, crypto
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.core.identity import normalize_phone

SUPPORT_PURPOSE = "consultation_support"


def _text(value: str, limit: int, field: str, label: str, *, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(_("请填写%(label)s") % {"label": label}, field=field)
    if len(value) > limit:
        raise ApplicationError(_("%(label)s最多 %(n)s 字") % {"label": label, "n": limit}, field=field)
    return value


def _community(area) -> Area:
    if not isinstance(area, Area) or area.kind != AreaKind.COMMUNITY:
        raise ApplicationError(_("请选择社区/村"), field="community")
    return area


def _check_write(actor, path: str) -> None:
    if not can_write_in(actor, path):
        raise NotFoundOrForbidden()


def voter_key(*, actor=None, phone: str = "") -> str:
    """A keyed hash of the phone (or the account): the same person counts once."""
    if phone:
        return crypto.blind_index(normalize_phone(phone), purpose=SUPPORT_PURPOSE)
    if actor is not None and getattr(actor, "pk", None):
        return crypto.blind_index(f"user:{actor.pk}", purpose=SUPPORT_PURPOSE)
    raise ApplicationError(_("请填写手机号码，每个号码只能附议一次"), field="phone")


# ------------------------------------------------------------------ proposals


@transaction.atomic
def proposal_raise(
    *,
    actor,
    community: Area,
    title: str,
    body: str = "",
    source: str = ProposalSource.PUBLIC,
    source_ref: str = "",
    raiser_name: str = "",
    raiser_phone: str = "",
    client_key: str | None = None,
    request=None,
) -> Proposal:
    """A resident's proposal from the public page (``actor`` None, like an anonymous
    report) or staff entering one from a visit, a case or the opinion book."""
    community = _community(community)
    if client_key:
        first = Proposal.objects.filter(client_key=client_key).first()
        if first is not None:
            if first.community_id != community.pk or first.title != title.strip():
                raise ApplicationError(_("该提交编号已用于另一份不同的内容"), code="idempotency_mismatch")
            return first
    staff = actor is not None and getattr(actor, "is_authenticated", False)
    if source != ProposalSource.PUBLIC or staff:
        if not staff:
            raise NotFoundOrForbidden()
        _check_write(actor, community.path)
    if source not in ProposalSource.values:
        raise ApplicationError(_("未知的议题来源"), field="source")
    phone = normalize_phone(raiser_phone) if raiser_phone else ""
    proposal = Proposal.objects.create(
        community=community,
        area_path=community.path,
        title=_text(title, 100, "title", _("议题")),
        body=_text(body, 2000, "body", _("具体内容"), required=False),
        source=source,
        source_ref=source_ref[:40],
        raiser_name=_text(raiser_name, 50, "raiser_name", _("姓名"), required=False),
        raiser_phone_enc=crypto.encrypt(phone),
        client_key=client_key or None,
        created_by=actor if staff else None,
        created_at=clock.now(),
    )
    if phone:
        _support_add(proposal, crypto.blind_index(phone, purpose=SUPPORT_PURPOSE))
    audit_record(
        action="consultation_proposal_raise", actor=actor if staff else None, request=request,
        obj=proposal, detail={"source": source},
    )
    return proposal


def _support_add(proposal: Proposal, key: str) -> bool:
    try:
        with transaction.atomic():
            Support.objects.create(proposal=proposal, voter_key=key, at=clock.now())
    except IntegrityError:
        return False
    proposal.support_count = proposal.supports.count()
    proposal.save(update_fields=["support_count"])
    if (
        proposal.status == ProposalStatus.OPEN
        and proposal.support_count >= settings.WANGGE_CONSULTATION_SUPPORT_THRESHOLD
    ):
        _put_on_agenda(proposal)
    return True


def _next_meeting(community_id: int) -> Meeting | None:
    return (
        Meeting.objects.filter(community_id=community_id, held=False, date__gte=clock.today())
        .order_by("date", "id")
        .first()
    )


def _put_on_agenda(proposal: Proposal, meeting: Meeting | None = None) -> None:
    meeting = meeting or _next_meeting(proposal.community_id)
    proposal.status = ProposalStatus.AGENDA
    proposal.meeting = meeting
    proposal.save(update_fields=["status", "meeting"])
    if meeting is not None:
        AgendaItem.objects.create(
            meeting=meeting, proposal=proposal, text=proposal.title[:200],
            order=meeting.agenda.count() + 1,
        )


@transaction.atomic
def proposal_support(*, actor, proposal_id: int, phone: str = "", request=None) -> tuple[Proposal, bool]:
    """"Me too": one per phone (or account). Returns the proposal and whether it counted."""
    key = voter_key(actor=actor, phone=phone)
    proposal = Proposal.objects.select_for_update().filter(pk=proposal_id).first()
    if proposal is None or proposal.status not in (ProposalStatus.OPEN, ProposalStatus.AGENDA):
        raise NotFoundOrForbidden()
    added = _support_add(proposal, key)
    if added:
        audit_record(
            action="consultation_proposal_support", actor=actor, request=request, obj=proposal,
            detail={"supports": proposal.support_count},
        )
    return proposal, added


@transaction.atomic
def proposal_merge(*, actor, proposal_id: int, into_id: int, request=None) -> Proposal:
    """Fold a duplicate into another proposal of the same community; supports move over
    (a person who supported both counts once)."""
    if proposal_id == into_id:
        raise ApplicationError(_("不能合并到自身"), field="into")
    rows = {
        p.pk: p
        for p in Proposal.objects.select_for_update().filter(pk__in=[proposal_id, into_id]).order_by("pk")
    }
    duplicate, target = rows.get(proposal_id), rows.get(into_id)
    if duplicate is None or not can_write_in(actor, duplicate.area_path):
        raise NotFoundOrForbidden()
    if target is None or target.community_id != duplicate.community_id:
        raise ApplicationError(_("只能合并同一社区的议题"), field="into")
    if ProposalStatus.MERGED in (duplicate.status, target.status):
        raise ApplicationError(_("该议题已被合并"), code="conflict", field="into")
    for support in duplicate.supports.all():
        _support_add(target, support.voter_key)
    duplicate.status = ProposalStatus.MERGED
    duplicate.merged_into = target
    duplicate.save(update_fields=["status", "merged_into"])
    audit_record(
        action="consultation_proposal_merge", actor=actor, request=request, obj=duplicate,
        detail={"into": target.pk},
    )
    return target


# ------------------------------------------------------------------ meetings


def expected_roles(by_role: dict | None) -> dict[str, int]:
    """Expected attendance per participant role: known roles only, whole numbers ≥ 0."""
    clean = {}
    for role, count in (by_role or {}).items():
        if role not in ParticipantRole.values:
            raise ApplicationError(_("未知的参会身份"), field="expected")
        try:
            count = int(count)
        except (TypeError, ValueError):
            raise ApplicationError(_("应到人数须为整数"), field=f"expected_{role}") from None
        if count < 0:
            raise ApplicationError(_("应到人数须为整数"), field=f"expected_{role}")
        clean[role] = count
    return clean


@transaction.atomic
def meeting_create(
    *, actor, community: Area, kind: str, title: str, date: date, place: str,
    expected: int = 0, expected_by_role: dict | None = None, request=None,
) -> Meeting:
    community = _community(community)
    _check_write(actor, community.path)
    if kind not in MeetingKind.values:
        raise ApplicationError(_("请选择会议类型"), field="kind")
    by_role = expected_roles(expected_by_role)
    expected = max(0, int(expected or 0))
    if by_role:
        if expected and expected < sum(by_role.values()):
            raise ApplicationError(_("应到人数少于各身份应到人数之和"), field="expected")
        expected = expected or sum(by_role.values())
    meeting = Meeting.objects.create(
        community=community,
        area_path=community.path,
        kind=kind,
        title=_text(title, 100, "title", _("会议名称")),
        date=date,
        place=_text(place, 100, "place", _("地点")),
        expected=expected,
        expected_by_role=by_role,
        checkin_token=secrets.token_urlsafe(18),
        created_by=actor,
    )
    # Proposals that reached the threshold while no meeting was planned join this one.
    if date >= clock.today():
        waiting = Proposal.objects.select_for_update().filter(
            community=community, status=ProposalStatus.AGENDA, meeting__isnull=True
        )
        for proposal in waiting.order_by("created_at", "pk"):
            _put_on_agenda(proposal, meeting)
    audit_record(action="consultation_meeting_create", actor=actor, request=request, obj=meeting)
    return meeting


def _meeting_locked(actor, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None or not can_write_in(actor, meeting.area_path):
        raise NotFoundOrForbidden()
    return meeting


@transaction.atomic
def meeting_agenda_add(
    *, actor, meeting_id: int, text: str = "", case_number: str = "", request=None
) -> AgendaItem:
    """A free-text item, or a case of the community (by its number) put on the agenda."""
    meeting = _meeting_locked(actor, meeting_id)
    case = None
    if case_number:
        from wangge.cases.models import Case

        case = Case.objects.filter(
            number=case_number.strip(), area_path__startswith=meeting.area_path
        ).first()
        if case is None:
            raise ApplicationError(_("本社区没有这个事件编号"), field="case_number")
        text = text or case.description[:200]
    item = AgendaItem.objects.create(
        meeting=meeting, text=_text(text, 200, "text", _("议程")), case=case,
        order=meeting.agenda.count() + 1,
    )
    audit_record(action="consultation_agenda_add", actor=actor, request=request, obj=meeting)
    return item


@transaction.atomic
def meeting_record(
    *, actor, meeting_id: int, minutes: str, version: int | None = None, request=None
) -> Meeting:
    """The meeting was held: its minutes are recorded (a version check refuses a stale
    form)."""
    meeting = _meeting_locked(actor, meeting_id)
    if version is not None and version != meeting.version:
        raise ApplicationError(_("会议记录已被他人修改，请刷新后再保存"), code="conflict", field="minutes")
    meeting.minutes = _text(minutes, 10000, "minutes", _("会议纪要"))
    meeting.held = True
    meeting.version += 1
    meeting.save(update_fields=["minutes", "held", "version"])
    audit_record(action="consultation_meeting_record", actor=actor, request=request, obj=meeting)
    return meeting


@transaction.atomic
def meeting_photo_add(*, actor, meeting_id: int, photos, request=None) -> list[MeetingPhoto]:
    """Photos of the meeting, checked and re-encoded like a case's (size, count, content,
    no metadata)."""
    import uuid

    from django.core.files.base import ContentFile

    meeting = _meeting_locked(actor, meeting_id)
    stored = []
    for photo in photos_check(photos):
        row = MeetingPhoto(meeting=meeting, content_type=photo.content_type,
                           token=secrets.token_urlsafe(24), uploaded_by=actor, at=clock.now())
        name = uuid.uuid4().hex
        row.file.save(f"{name}.{photo.ext}", ContentFile(photo.data), save=False)
        row.thumbnail.save(f"{name}.thumb.jpg", ContentFile(photo.thumbnail), save=False)
        row.save()
        stored.append(row)
    audit_record(action="consultation_meeting_photo", actor=actor, request=request, obj=meeting,
                 detail={"photos": len(stored)})
    return stored


@transaction.atomic
def meeting_check_in(
    *, token: str, role: str, name: str, client_key: str | None = None, request=None
) -> Attendance:
    """Check in by the meeting's QR code (no account needed); once per name."""
    meeting = Meeting.objects.select_for_update().filter(checkin_token=token).first()
    if meeting is None:
        raise NotFoundOrForbidden()
    if client_key:
        first = Attendance.objects.filter(client_key=client_key).first()
        if first is not None:
            return first
    if meeting.held:
        raise ApplicationError(_("会议已结束，不能再签到"), code="conflict")
    if role not in ParticipantRole.values:
        raise ApplicationError(_("请选择参会身份"), field="role")
    name = _text(name, 50, "name", _("姓名或单位"))
    if meeting.attendance.filter(name=name).exists():
        raise ApplicationError(_("该姓名已签到"), code="conflict", field="name")
    row = Attendance.objects.create(
        meeting=meeting, role=role, name=name, at=clock.now(), client_key=client_key or None
    )
    audit_record(action="consultation_check_in", request=request, obj=meeting, detail={"role": role})
    return row


# ------------------------------------------------------------------ resolutions


@transaction.atomic
def resolution_create(
    *, actor, community: Area, title: str, owner: str, due_date: date,
    meeting_id: int | None = None, parent_id: int | None = None, request=None,
) -> Resolution:
    community = _community(community)
    _check_write(actor, community.path)
    meeting = parent = None
    if meeting_id:
        meeting = Meeting.objects.filter(pk=meeting_id, community=community).first()
        if meeting is None:
            raise ApplicationError(_("会议不属于该社区"), field="meeting")
    if parent_id:
        parent = Resolution.objects.filter(pk=parent_id, community=community).first()
        if parent is None:
            raise ApplicationError(_("上级事项不属于该社区"), field="parent")
    resolution = Resolution.objects.create(
        community=community,
        area_path=community.path,
        meeting=meeting,
        parent=parent,
        title=_text(title, 150, "title", _("决议事项")),
        owner=_text(owner, 50, "owner", _("责任人/单位")),
        due_date=due_date,
        created_at=clock.now(),
    )
    ResolutionUpdate.objects.create(
        resolution=resolution, at=resolution.created_at, actor=actor, progress=0,
        status=resolution.status, note=_("形成决议"),
    )
    if parent is not None:
        _roll_up(parent.pk, actor)
    audit_record(action="consultation_resolution_create", actor=actor, request=request, obj=resolution)
    return resolution


def _apply(resolution: Resolution, *, actor, progress: int, status: str | None, note: str) -> None:
    if not 0 <= progress <= 100:
        raise ApplicationError(_("进度应在 0 到 100 之间"), field="progress")
    status = status or (
        ResolutionStatus.DONE if progress == 100
        else ResolutionStatus.IN_PROGRESS if progress > 0 else resolution.status
    )
    if status not in ResolutionStatus.values:
        raise ApplicationError(_("未知的状态"), field="status")
    if status == ResolutionStatus.DONE:
        progress = 100
    resolution.progress, resolution.status = progress, status
    resolution.done_on = clock.today() if status == ResolutionStatus.DONE else None
    resolution.version += 1
    resolution.save(update_fields=["progress", "status", "done_on", "version"])
    ResolutionUpdate.objects.create(
        resolution=resolution, at=clock.now(), actor=actor, progress=progress, status=status,
        note=note[:300],
    )


def _roll_up(parent_id: int, actor) -> None:
    """A parent's progress is the mean of its children's; done when all are done."""
    parent = Resolution.objects.select_for_update().get(pk=parent_id)
    children = parent.children.exclude(status=ResolutionStatus.CANCELLED)
    mean = children.aggregate(v=Avg("progress"))["v"]
    if mean is None:
        return
    progress = round(mean)
    if progress != parent.progress:
        _apply(parent, actor=actor, progress=progress, status=None, note=_("按下级事项汇总"))
        if parent.parent_id:
            _roll_up(parent.parent_id, actor)


@transaction.atomic
def resolution_update(
    *, actor, resolution_id: int, progress: int, status: str | None = None, note: str = "",
    version: int | None = None, request=None, check_scope: bool = True,
) -> Resolution:
    resolution = Resolution.objects.select_for_update().filter(pk=resolution_id).first()
    if resolution is None or (check_scope and not can_write_in(actor, resolution.area_path)):
        raise NotFoundOrForbidden()
    if version is not None and version != resolution.version:
        raise ApplicationError(_("该事项已被他人更新，请刷新后再提交"), code="conflict", field="progress")
    if resolution.children.exists() and status != ResolutionStatus.CANCELLED:
        raise ApplicationError(_("有下级事项的进度由下级汇总，不能直接填写"), field="progress")
    _apply(resolution, actor=actor, progress=int(progress), status=status, note=note)
    if resolution.parent_id:
        _roll_up(resolution.parent_id, actor)
    audit_record(
        action="consultation_resolution_update", actor=actor, request=request, obj=resolution,
        detail={"progress": resolution.progress, "status": resolution.status},
    )
    return resolution


@transaction.atomic
def resolution_open_case(
    *, actor, resolution_id: int, category, description: str, request=None
) -> Resolution:
    """Open a case in the closed loop for this resolution (source 民情恳谈会); the
    resolution then follows the case (``resolution_follow_case``)."""
    resolution = Resolution.objects.select_for_update().filter(pk=resolution_id).first()
    if resolution is None or not can_write_in(actor, resolution.area_path):
        raise NotFoundOrForbidden()
    if resolution.case_id:
        raise ApplicationError(_("该事项已关联事件"), code="conflict")
    case = case_report(
        actor=actor, category=category, description=description, source=Source.MEETING,
        grid=resolution.community, address=resolution.community.name, request=request,
    )
    resolution.case = case
    resolution.save(update_fields=["case"])
    if resolution.status == ResolutionStatus.PLANNED:
        _apply(resolution, actor=actor, progress=max(resolution.progress, 10), status=ResolutionStatus.IN_PROGRESS,
               note=_("已转事件 %(number)s") % {"number": case.number})
    audit_record(
        action="consultation_resolution_case", actor=actor, request=request, obj=resolution,
        detail={"case": case.number},
    )
    return resolution


def resolutions_follow_cases(*, paths: list[str] | None = None) -> int:
    """Resolutions whose case was resolved are done (the case's resolution day counts)."""
    pending = Resolution.objects.filter(
        case__status__in=RESOLVED_STATUSES, status__in=[ResolutionStatus.PLANNED, ResolutionStatus.IN_PROGRESS]
    )
    done = 0
    for resolution in pending.select_related("case"):
        if paths is not None and not any(resolution.area_path.startswith(p) for p in paths):
            continue
        with transaction.atomic():
            row = Resolution.objects.select_for_update().get(pk=resolution.pk)
            if row.status == ResolutionStatus.DONE:
                continue
            _apply(row, actor=None, progress=100, status=ResolutionStatus.DONE,
                   note=_("关联事件 %(number)s 已办结") % {"number": resolution.case.number})
            if row.parent_id:
                _roll_up(row.parent_id, None)
        done += 1
    return done
