"""Writes in cadre training: every one checks access and scope, locks what it changes and
writes an audit row (docs/domain.md, "Cadre training")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from wangge.audit.services import audit_record
from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused

from . import permissions as perms
from . import selectors
from .models import (
    Attendance,
    Cadre,
    ClassRating,
    Course,
    CreditRecord,
    CreditSource,
    Enrolment,
    EnrolmentStatus,
    LeaveRequest,
    LeaveStatus,
    Need,
    NeedCategory,
    TrainingClass,
    TrainingUnit,
)


def _audit(actor, action: str, obj, request=None, **detail) -> None:
    audit_record(action=action, actor=actor, obj=obj, request=request, detail=detail)


def _hours(value, field: str, *, low=Decimal("0.5"), high=Decimal("500")) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("请填写学时数"), field=field) from None
    if not low <= hours <= high:
        raise ApplicationError(_("学时应在 {low} 到 {high} 之间").format(low=low, high=high), field=field)
    return hours


def _text(value, field: str, limit: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ApplicationError(_("此项为必填项"), field=field)
    if len(text) > limit:
        raise ApplicationError(_("不能超过 {n} 个字").format(n=limit), field=field)
    return text


# ---------------------------------------------------------------- units, cadres, needs


@transaction.atomic
def unit_create(*, actor, name: str, area, department=None) -> TrainingUnit:
    if not perms.is_organiser(actor) or not selectors.area_in_organiser_scope(actor, area.path):
        raise PermissionRefused()
    unit = TrainingUnit.objects.create(
        name=_text(name, "name", 100), area=area, department=department, area_path=area.path
    )
    _audit(actor, "training_unit_create", unit)
    return unit


@transaction.atomic
def cadre_create(*, actor, unit_id: int, name: str, group: str, is_party_member: bool = True,
                 post: str = "", user=None) -> Cadre:
    unit = selectors.unit_get_for_user(user=actor, unit_id=unit_id)
    cadre = Cadre.objects.create(
        name=_text(name, "name", 50), unit=unit, area_path=unit.area_path, group=group,
        is_party_member=is_party_member, post=_text(post, "post", 60, required=False), user=user,
    )
    _audit(actor, "training_cadre_create", cadre, unit=unit.pk)
    return cadre


@transaction.atomic
def need_submit(*, actor, category_id: int, text: str, source: str = Need.Source.QUESTIONNAIRE,
                unit_id: int | None = None) -> Need:
    """A cadre answers the questionnaire (their own unit), or an organiser or officer
    types in a need raised at a meeting (for a unit in their scope)."""
    category = NeedCategory.objects.filter(pk=category_id).first()
    if category is None:
        raise ApplicationError(_("请选择需求类别"), field="category")
    text = _text(text, "text", 300)
    if source == Need.Source.QUESTIONNAIRE:
        if not perms.is_cadre(actor):
            raise PermissionRefused()
        cadre = actor.cadre
        need = Need.objects.create(category=category, text=text, source=source, cadre=cadre,
                                   area_path=cadre.area_path, created_at=clock.now())
    else:
        if unit_id is None:
            raise ApplicationError(_("请选择单位"), field="unit")
        unit = selectors.unit_get_for_user(user=actor, unit_id=unit_id)
        need = Need.objects.create(category=category, text=text, source=Need.Source.MEETING,
                                   area_path=unit.area_path, created_at=clock.now())
    _audit(actor, "training_need_submit", need)
    return need


@transaction.atomic
def need_link_course(*, actor, need_id: int, course_id: int | None) -> Need:
    if not perms.is_organiser(actor):
        raise PermissionRefused()
    need = selectors.needs_visible_to(actor).select_for_update().filter(pk=need_id).first()
    if need is None:
        raise NotFoundOrForbidden()
    need.course = Course.objects.filter(pk=course_id).first() if course_id else None
    need.save(update_fields=["course"])
    _audit(actor, "training_need_link", need, course=course_id)
    return need


# ---------------------------------------------------------------- catalogue and classes


@transaction.atomic
def course_create(*, actor, topic: str, category_id: int, lecturer: str, hours,
                  lecturer_cadre_id: int | None = None) -> Course:
    if not perms.is_organiser(actor):
        raise PermissionRefused()
    category = NeedCategory.objects.filter(pk=category_id).first()
    if category is None:
        raise ApplicationError(_("请选择类别"), field="category")
    lecturer_cadre = None
    if lecturer_cadre_id:
        lecturer_cadre = selectors.cadre_get_for_user(user=actor, cadre_id=lecturer_cadre_id)
    course = Course.objects.create(
        topic=_text(topic, "topic", 120), category=category, lecturer=_text(lecturer, "lecturer", 50),
        lecturer_cadre=lecturer_cadre, hours=_hours(hours, "hours"),
    )
    _audit(actor, "training_course_create", course)
    return course


@transaction.atomic
def course_mark_excellent(*, actor, course_id: int, excellent: bool) -> Course:
    if not perms.is_organiser(actor):
        raise PermissionRefused()
    course = Course.objects.select_for_update().filter(pk=course_id).first()
    if course is None:
        raise NotFoundOrForbidden()
    course.excellent = excellent
    course.save(update_fields=["excellent"])
    _audit(actor, "training_course_excellent", course, excellent=excellent)
    return course


@transaction.atomic
def class_create(*, actor, title: str, start: date, end: date, hours, kind: str, area,
                 course_id: int | None = None, place: str = "", target_group: str = "",
                 full_time: bool = False, credit_mode: str = "hours", unit_ids=(),
                 self_selectable: bool = True) -> TrainingClass:
    if not perms.is_organiser(actor) or not selectors.area_in_organiser_scope(actor, area.path):
        raise PermissionRefused()
    if end < start:
        raise ApplicationError(_("结业日期不能早于开班日期"), field="end")
    course = Course.objects.filter(pk=course_id).first() if course_id else None
    training_class = TrainingClass.objects.create(
        title=_text(title, "title", 120), course=course, kind=kind, start=start, end=end,
        place=_text(place, "place", 120, required=False), target_group=target_group,
        full_time=full_time, credit_mode=credit_mode, hours=_hours(hours, "hours"),
        days_held=(end - start).days + 1, self_selectable=self_selectable, area_path=area.path,
    )
    if unit_ids:
        units = selectors.units_visible_to(actor).filter(pk__in=list(unit_ids))
        training_class.units.set(units)
    _audit(actor, "training_class_create", training_class)
    return training_class


# ---------------------------------------------------------------- enrolment


def _enrol(actor, training_class: TrainingClass, cadre: Cadre, by: str) -> Enrolment:
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                training_class=training_class, cadre=cadre, by=by, area_path=cadre.area_path
            )
    except IntegrityError:
        raise ApplicationError(_("{name} 已报名该班次").format(name=cadre.name), code="conflict") from None
    _audit(actor, "training_enrol", enrolment, cadre=cadre.pk, by=by)
    return enrolment


@transaction.atomic
def enrol_cadres(*, actor, class_id: int, cadre_ids) -> list[Enrolment]:
    """调训: an organiser or a unit's officer enrols cadres of their scope; an officer only
    in a class their unit chose (or one open to every unit)."""
    if not perms.can_enrol(actor):
        raise PermissionRefused()
    training_class = selectors.class_get_for_user(user=actor, class_id=class_id)
    cadres = list(selectors.cadres_visible_to(actor).filter(pk__in=list(cadre_ids)))
    if not cadres:
        raise ApplicationError(_("请选择要报名的干部"), field="cadres")
    if not perms.is_organiser(actor):
        chosen = set(training_class.units.values_list("pk", flat=True))
        if chosen and any(c.unit_id not in chosen for c in cadres):
            raise ApplicationError(_("本单位未选该班次"), field="cadres")
    return [_enrol(actor, training_class, cadre, Enrolment.By.UNIT) for cadre in cadres]


@transaction.atomic
def enrol_self(*, actor, class_id: int) -> Enrolment:
    if not perms.is_cadre(actor):
        raise PermissionRefused()
    training_class = selectors.class_get_for_user(user=actor, class_id=class_id)
    if not training_class.self_selectable:
        raise ApplicationError(_("该班次不接受个人选学"), field="class")
    return _enrol(actor, training_class, actor.cadre, Enrolment.By.SELF)


# ---------------------------------------------------------------- attendance and leave


@transaction.atomic
def check_in(*, actor, token: str, request=None) -> Attendance:
    """A cadre scans the class's QR code: one attendance a day (a resent scan answers
    with the day's row). Enrolled cadres only, on the class's days only."""
    if not perms.is_cadre(actor):
        raise PermissionRefused()
    training_class = TrainingClass.objects.filter(token=token).first()
    if training_class is None:
        raise NotFoundOrForbidden(_("二维码无效"))
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(training_class=training_class, cadre=actor.cadre).first()
    )
    if enrolment is None:
        raise ApplicationError(_("您未报名该班次，请先报名"), code="not_enrolled")
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise ApplicationError(_("您已被作退学处理，不能签到"), code="withdrawn")
    now = clock.now()
    today = clock.today()
    if not training_class.start <= today <= training_class.end:
        raise ApplicationError(_("不在该班次的培训日期内"), code="out_of_dates")
    attendance, created = Attendance.objects.get_or_create(
        enrolment=enrolment, day=today, defaults={"at": now}
    )
    if created:
        if enrolment.first_check_in is None:
            enrolment.first_check_in = now
            enrolment.version += 1
            enrolment.save(update_fields=["first_check_in", "version"])
        _audit(actor, "training_check_in", enrolment, request=request, day=today.isoformat())
    return attendance


def _leave_total(enrolment: Enrolment) -> Decimal:
    return (
        enrolment.leaves.exclude(status=LeaveStatus.REJECTED).aggregate(total=Sum("hours"))["total"]
        or Decimal("0")
    )


def _apply_leave(actor, enrolment: Enrolment) -> None:
    """Leave taken and the withdrawal rule: a full-time class's trainee whose leave
    exceeds 1/N of its hours is withdrawn (WANGGE_TRAINING_LEAVE_LIMIT_DIVISOR)."""
    enrolment.leave_hours = _leave_total(enrolment)
    training_class = enrolment.training_class
    limit = training_class.hours / settings.WANGGE_TRAINING_LEAVE_LIMIT_DIVISOR
    withdrawn = training_class.full_time and enrolment.leave_hours > limit
    new_status = EnrolmentStatus.WITHDRAWN if withdrawn else EnrolmentStatus.ENROLLED
    if new_status != enrolment.status:
        _audit(actor, "training_withdraw" if withdrawn else "training_reinstate", enrolment)
    enrolment.status = new_status
    enrolment.version += 1
    enrolment.save(update_fields=["leave_hours", "status", "version"])


@transaction.atomic
def leave_request(*, actor, class_id: int, hours, reason: str, key: str = "") -> LeaveRequest:
    """A cadre asks for leave from a class; it counts at once (a rejection gives the hours
    back). ``key`` makes a resent request from a phone answer with the first one."""
    if not perms.is_cadre(actor):
        raise PermissionRefused()
    enrolment = (
        Enrolment.objects.select_for_update().select_related("training_class")
        .filter(training_class_id=class_id, cadre=actor.cadre).first()
    )
    if enrolment is None:
        raise NotFoundOrForbidden()
    key = (key or "")[:64]
    if key:
        existing = enrolment.leaves.filter(key=key).first()
        if existing is not None:
            return existing
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise ApplicationError(_("您已被作退学处理"), code="withdrawn")
    hours = _hours(hours, "hours", high=enrolment.training_class.hours)
    leave = LeaveRequest.objects.create(
        enrolment=enrolment, hours=hours, reason=_text(reason, "reason", 200), key=key,
        created_at=clock.now(),
    )
    _audit(actor, "training_leave_request", leave, hours=str(hours))
    _apply_leave(actor, enrolment)
    return leave


@transaction.atomic
def leave_decide(*, actor, leave_id: int, approve: bool) -> LeaveRequest:
    if not perms.is_organiser(actor):
        raise PermissionRefused()
    leave = (
        LeaveRequest.objects.select_for_update()
        .filter(pk=leave_id, enrolment__in=selectors.enrolments_visible_to(actor).values("pk"))
        .first()
    )
    if leave is None:
        raise NotFoundOrForbidden()
    if leave.status != LeaveStatus.PENDING:
        raise ApplicationError(_("该请假已审批"), code="conflict")
    leave.status = LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED
    leave.save(update_fields=["status"])
    enrolment = Enrolment.objects.select_for_update().select_related("training_class").get(pk=leave.enrolment_id)
    _apply_leave(actor, enrolment)
    _audit(actor, "training_leave_decide", leave, approve=approve)
    return leave


# ---------------------------------------------------------------- credits and ratings


@transaction.atomic
def credit_record_add(*, actor, cadre_id: int, source: str, on: date, title: str,
                      hours=None, minutes: int | None = None) -> CreditRecord:
    """Unit training, teaching, publications, self-selected courses (and an online record
    typed in): by an organiser or the cadre's unit officer."""
    if not perms.can_enrol(actor):
        raise PermissionRefused()
    cadre = selectors.cadre_get_for_user(user=actor, cadre_id=cadre_id)
    if source not in CreditSource.values or source == CreditSource.ORGANISED:
        raise ApplicationError(_("请选择学时来源"), field="source")
    if source == CreditSource.ONLINE:
        if not minutes or minutes < 1:
            raise ApplicationError(_("请填写学习分钟数"), field="minutes")
        hours_value = Decimal("0")
    elif source == CreditSource.PUBLICATION:
        hours_value = Decimal("0")
    else:
        hours_value = _hours(hours, "hours")
    record = CreditRecord.objects.create(
        cadre=cadre, source=source, date=on, title=_text(title, "title", 150),
        hours=hours_value, minutes=minutes, area_path=cadre.area_path,
    )
    _audit(actor, "training_credit_add", record, cadre=cadre.pk, source=source)
    return record


@transaction.atomic
def class_rate(*, actor, class_id: int, class_stars: int, lecturer_stars: int, comment: str = "") -> ClassRating:
    if not perms.is_cadre(actor):
        raise PermissionRefused()
    enrolment = Enrolment.objects.select_for_update().filter(
        training_class_id=class_id, cadre=actor.cadre, first_check_in__isnull=False
    ).first()
    if enrolment is None:
        raise ApplicationError(_("签到后才能评价"), code="not_attended")
    for field, value in (("class_stars", class_stars), ("lecturer_stars", lecturer_stars)):
        if value not in (1, 2, 3, 4, 5):
            raise ApplicationError(_("请选择 1–5 星"), field=field)
    rating, _created = ClassRating.objects.update_or_create(
        enrolment=enrolment,
        defaults={"class_stars": class_stars, "lecturer_stars": lecturer_stars,
                  "comment": _text(comment, "comment", 300, required=False), "at": clock.now()},
    )
    _audit(actor, "training_rate", rating)
    return rating
