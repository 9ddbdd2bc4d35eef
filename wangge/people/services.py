from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from wangge.accounts.ratelimit import reveal_charge
from wangge.accounts.scope import path_in_scope
from wangge.areas.models import Area, AreaKind, Building, Estate
from wangge.audit.models import Outcome
from wangge.audit.services import audit_record
from wangge.core import clock, crypto
from wangge.core.errors import ApplicationError, NotFoundOrForbidden, PermissionRefused
from wangge.core.identity import normalize_id_number, normalize_phone
from wangge.people.models import DocType, Household, Resident
from wangge.people.permissions import (
    REGISTRY_READ_ROLES,
    REGISTRY_WRITE_ROLES,
    can_reveal_personal_data,
    can_write_registry,
)

REVEALABLE_FIELDS = {"id_number": gettext_lazy("证件号码"), "phone": gettext_lazy("联系电话")}


def _require_grid_in_write_scope(user, grid: Area) -> None:
    if grid.kind not in (AreaKind.GRID, AreaKind.MICROGRID):
        raise ApplicationError(_("户必须归属到网格"), field="grid")
    if not can_write_registry(user) or not path_in_scope(user, grid.path, REGISTRY_WRITE_ROLES):
        raise NotFoundOrForbidden(_("未找到该网格"))


# A number or code registered outside the user's scope: saying so would tell them that
# someone with that ID number lives in the city (or that the code is taken elsewhere).
ID_NUMBER_UNUSABLE = gettext_noop("无法使用该证件号码，请联系上级核实")
HOUSEHOLD_CODE_UNUSABLE = gettext_noop("无法使用该户编号，请联系上级核实")


def _refuse_registered(
    *,
    actor,
    existing,
    message_in_scope: str,
    message_elsewhere: str,
    field: str,
    reason: str,
    request=None,
) -> None:
    """Refuse a duplicate in words the user may know; one outside their scope is refused
    without saying why and audited as a denial. Called outside any atomic block of ours,
    so that the audit row outlives the refusal."""
    if existing is None:
        return
    if path_in_scope(actor, existing.area_path, REGISTRY_READ_ROLES):
        raise ApplicationError(message_in_scope, code="duplicate", field=field)
    audit_record(
        action="access_denied",
        outcome=Outcome.DENIED,
        actor=actor,
        request=request,
        obj=existing,
        detail={"reason": reason},
    )
    raise ApplicationError(message_elsewhere, code="duplicate", field=field)


def _refuse_household_code(actor, code: str, request=None) -> None:
    _refuse_registered(
        actor=actor,
        existing=Household.objects.filter(code=code).only("area_path").first(),
        message_in_scope=_("户编号 %(code)s 已存在") % {"code": code},
        message_elsewhere=_(HOUSEHOLD_CODE_UNUSABLE),
        field="code",
        reason="household_code_registered_elsewhere",
        request=request,
    )


def household_create(
    *,
    actor,
    grid: Area,
    code: str,
    address: str,
    building: Building | None = None,
    room: str = "",
    request=None,
) -> Household:
    _require_grid_in_write_scope(actor, grid)
    if not address.strip():
        raise ApplicationError(_("住址不能为空"), field="address")
    _refuse_household_code(actor, code, request)
    if building is not None and building.grid_id != grid.id:
        raise ApplicationError(_("楼栋不在该网格内"), field="building")
    try:
        with transaction.atomic():
            household = Household.objects.create(
                grid=grid,
                area_path=grid.path,
                code=code,
                address=address.strip(),
                building=building,
                room=room,
            )
            audit_record(action="create", actor=actor, obj=household, request=request)
    except IntegrityError:
        _refuse_household_code(actor, code, request)  # registered meanwhile
        raise
    return household


@transaction.atomic
def household_move(
    *, actor, household: Household, grid: Area, building: Building | None = None
) -> Household:
    """Move a household (and its residents' scope) to another grid; both must be ours.
    It leaves its building unless ``building`` (one in the new grid) is given."""
    _require_grid_in_write_scope(actor, household.grid)
    _require_grid_in_write_scope(actor, grid)
    if building is not None and building.grid_id != grid.id:
        raise ApplicationError(_("楼栋不在该网格内"), field="building")
    household.grid = grid
    household.area_path = grid.path
    household.building = building
    household.save(update_fields=["grid", "area_path", "building", "updated_at"])
    household.residents.update(area_path=grid.path)
    audit_record(action="update", actor=actor, obj=household, detail={"moved_to": grid.code})
    return household


def _refuse_id_number(actor, index: str, request=None) -> None:
    _refuse_registered(
        actor=actor,
        existing=Resident.objects.filter(id_number_index=index).only("area_path").first(),
        message_in_scope=_("该证件号码已登记"),
        message_elsewhere=_(ID_NUMBER_UNUSABLE),
        field="id_number",
        reason="id_number_registered_elsewhere",
        request=request,
    )


@transaction.atomic
def building_move(*, actor, building: Building, grid: Area) -> Building:
    """Move a building to another grid with its households and their residents (the
    registry's ``area_path`` copies follow). An estate of the old grid is let go."""
    _require_grid_in_write_scope(actor, building.grid)
    _require_grid_in_write_scope(actor, grid)
    if building.estate_id is not None and building.estate.grid_id != grid.id:
        building.estate = None
    building.grid = grid
    building.area_path = grid.path
    building.save()
    _move_households_of(Household.objects.filter(building=building), grid)
    audit_record(action="update", actor=actor, obj=building, detail={"moved_to": grid.code})
    return building


@transaction.atomic
def estate_move(*, actor, estate: Estate, grid: Area) -> Estate:
    """Move an estate to another grid with its buildings, their households and residents."""
    _require_grid_in_write_scope(actor, estate.grid)
    _require_grid_in_write_scope(actor, grid)
    for path in set(estate.buildings.values_list("area_path", flat=True)):
        if not path_in_scope(actor, path, REGISTRY_WRITE_ROLES):
            raise NotFoundOrForbidden(_("未找到该网格"))
    estate.grid = grid
    estate.area_path = grid.path
    estate.save()
    buildings = Building.objects.filter(estate=estate)
    buildings.update(grid=grid, area_path=grid.path)
    _move_households_of(Household.objects.filter(building__estate=estate), grid)
    audit_record(action="update", actor=actor, obj=estate, detail={"moved_to": grid.code})
    return estate


def _move_households_of(households, grid: Area) -> None:
    ids = list(households.values_list("id", flat=True))
    if not ids:
        return
    Household.objects.filter(id__in=ids).update(
        grid=grid, area_path=grid.path, updated_at=clock.now()
    )
    Resident.objects.filter(household_id__in=ids).update(area_path=grid.path)


def resident_create(
    *,
    actor,
    household: Household,
    name: str,
    gender: str,
    id_number: str,
    doc_type: str = DocType.ID_CARD,
    birth_date: date | None = None,
    phone: str = "",
    relation: str = "self",
    residence_status: str = "permanent",
    ethnicity: str = "汉族",
    notes: str = "",
    care_tags=(),
    request=None,
) -> Resident:
    _require_grid_in_write_scope(actor, household.grid)
    if not name.strip():
        raise ApplicationError(_("姓名不能为空"), field="name")
    number = normalize_id_number(id_number, doc_type)
    resident = Resident(
        household=household,
        area_path=household.area_path,
        name=name.strip(),
        gender=gender,
        birth_date=birth_date,
        doc_type=doc_type,
        relation=relation,
        residence_status=residence_status,
        ethnicity=ethnicity,
        notes=notes,
    )
    resident.set_id_number(number)
    resident.set_phone(normalize_phone(phone) if phone else "")
    _refuse_id_number(actor, resident.id_number_index, request)
    try:
        with transaction.atomic():
            resident.save()
            if care_tags:
                resident.care_tags.set(care_tags)
            audit_record(action="create", actor=actor, obj=resident, request=request)
    except IntegrityError:
        _refuse_id_number(actor, resident.id_number_index, request)  # registered meanwhile
        raise
    return resident


_UPDATABLE = ("name", "gender", "birth_date", "relation", "residence_status", "ethnicity", "notes")


@transaction.atomic
def resident_update(
    *, actor, resident: Resident, phone: str | None = None, care_tags=None, **changes
) -> Resident:
    """Change ordinary fields, the phone and care tags; the ID number is fixed once registered."""
    _require_grid_in_write_scope(actor, resident.household.grid)
    unknown = set(changes) - set(_UPDATABLE)
    if unknown:
        raise ApplicationError(_("不能修改字段：%(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if "name" in changes and not str(changes["name"]).strip():
        raise ApplicationError(_("姓名不能为空"), field="name")
    changed = [field for field, value in changes.items() if getattr(resident, field) != value]
    for field in changed:
        setattr(resident, field, changes[field])
    if phone is not None and phone != resident.phone:
        resident.set_phone(normalize_phone(phone) if phone else "")
        changed.append("phone")
    resident.save()
    if care_tags is not None:
        before = set(resident.care_tags.values_list("id", flat=True))
        after = {tag.id for tag in care_tags}
        if before != after:
            resident.care_tags.set(care_tags)
            changed.append("care_tags")
    audit_record(action="update", actor=actor, obj=resident, detail={"fields": changed})
    return resident


def resident_reveal(*, actor, resident: Resident, field: str, request=None) -> str:
    """Full value of a protected field; refused without permission; audited either way."""
    if field not in REVEALABLE_FIELDS:
        raise ApplicationError(_("不支持查看该字段"), field="field")
    allowed = can_reveal_personal_data(actor) and path_in_scope(
        actor, resident.area_path, REGISTRY_WRITE_ROLES
    )
    if allowed:
        # Past the hourly reveal budget: refused and audited as a denied reveal.
        reveal_charge(user=actor, request=request, obj=resident, field=field)
    audit_record(
        action="reveal",
        actor=actor,
        request=request,
        obj=resident,
        outcome=Outcome.SUCCESS if allowed else Outcome.DENIED,
        detail={"field": field},
    )
    if not allowed:
        raise PermissionRefused(_("您没有查看完整个人信息的权限"))
    return crypto.decrypt(getattr(resident, f"{field}_enc"))
