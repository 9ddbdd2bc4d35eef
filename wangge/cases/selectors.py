"""The closed loop's readers: scoped lists, work-list boxes, one accessor per case.

A user sees a case when it lies in the subtree of one of their area roles, when it is
dispatched to one of their departments or to an area unit they handle (``is_handler``:
a grid dispatched a case from the next grid sees it), when their department was summoned
to it, or when they reported it. Out of scope answers exactly like missing.

Every arm is an index range or an ``IN`` on an indexed column of the cases table:
``area_path`` ranges, ``handler_department_id``, ``handler_area_id`` (the ids of the
handled nodes, read once per request from an index range on the area tree), never a
join or ``LIKE``.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext, gettext_lazy

from wangge.areas.models import Area
from wangge.cases import permissions as perms
from wangge.cases.actions import ACTIONS, action_is_offered
from wangge.cases.models import (
    ACTIVE_STATUSES,
    HANDLER_OPEN_STATUSES,
    Case,
    Category,
    Status,
    SummonsResponse,
)
from wangge.cases.open311.public import case_is_public, public_text
from wangge.cases.text import clean_text, is_token_shaped
from wangge.core import clock, crypto
from wangge.core.errors import NotFoundOrForbidden
from wangge.core.masking import mask_phone

BOXES = (
    "to_accept",
    "to_dispatch",
    "my_unit_open",
    "to_verify",
    "overdue",
    "due_soon",
    "summons_pending",
)
BOX_LABELS = {
    "to_accept": gettext_lazy("待立案"),
    "to_dispatch": gettext_lazy("待派遣"),
    "my_unit_open": gettext_lazy("本单位在办"),
    "to_verify": gettext_lazy("待核查"),
    "overdue": gettext_lazy("已超期"),
    "due_soon": gettext_lazy("即将到期"),
    "summons_pending": gettext_lazy("待报到"),
}


def due_soon_window() -> timedelta:
    return timedelta(hours=settings.WANGGE_CASE_DUE_SOON_HOURS)


def _nothing() -> Q:
    return Q(pk__in=[])


def _can_hold_nothing(condition: Q) -> bool:
    """An AND whose own terms include ``_nothing()``: no row can match."""
    if condition.negated or condition.connector != Q.AND:
        return False
    return any(child == ("pk__in", []) or (isinstance(child, Q) and child == _nothing())
               for child in condition.children)


def _area_ids_under(user, roles) -> list[int]:
    """Ids of every area node under the user's roles of ``roles`` (an index range on the
    area tree), kept on the user for the request, so that a case's unit is matched with
    ``IN`` on the cases' own indexed column rather than a join."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    # The scope cache is dropped with the user's roles (forget_role_assignments).
    cache = user.__dict__.setdefault("_wangge_scope_cache", {})
    key = ("area_ids", frozenset(roles))
    if key not in cache:
        condition = perms.scope_q(user, field="path", roles=roles)
        cache[key] = (
            []
            if condition is None
            else list(Area.objects.filter(condition).values_list("pk", flat=True))
        )
    return cache[key]


def _handled_unit_q(user) -> Q:
    """Cases dispatched to an area unit the user handles (``perms.is_handler``), wherever
    the case itself lies."""
    handled = _area_ids_under(user, perms.AREA_HANDLER_ROLES)
    return Q(handler_area_id__in=handled) if handled else _nothing()


def case_visible_q(user) -> Q:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _nothing()
    condition = (
        perms.scope_q(user, field="area_path", roles=perms.CASE_AREA_READ_ROLES) or _nothing()
    )
    condition |= _handled_unit_q(user)
    departments = perms.user_department_ids(user)
    if departments:
        condition |= Q(handler_department_id__in=departments)
        condition |= _summoned_q(departments)
    condition |= Q(reporter_id=user.pk)
    return condition


# Up to this many summoned cases are matched by id (an index arm the planner can OR with
# the others); a department summoned more often falls back to a correlated EXISTS.
SUMMONED_IDS_LIMIT = 2000


def _summoned_q(departments) -> Q:
    """Cases the user's departments were summoned to. Summonses are few, so their case ids
    are read first (one index range) and matched with ``IN`` on the primary key: with an
    ``EXISTS`` arm the OR of the visibility arms cannot be an index scan, and a department's
    work-list counts read the whole cases table (200 ms on a million cases)."""
    ids = list(
        SummonsResponse.objects.filter(department_id__in=departments)
        .values_list("summons__case_id", flat=True)
        .distinct()[: SUMMONED_IDS_LIMIT + 1]
    )
    if len(ids) <= SUMMONED_IDS_LIMIT:
        return Q(pk__in=ids) if ids else _nothing()
    return Q(
        Exists(SummonsResponse.objects.filter(summons__case=OuterRef("pk"),
                                              department_id__in=departments))
    )


def case_is_visible_to(user, case: Case) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if perms.path_in_scope(user, case.area_path, perms.CASE_AREA_READ_ROLES):
        return True
    if case.reporter_id is not None and case.reporter_id == user.pk:
        return True
    return case_is_staff_visible_to(user, case)


def case_shows_staff_names_to(user, case: Case) -> bool:
    """Who inside the office did what is for the office: a viewer who sees the case only
    as its reporter (a resident, or staff reporting outside their scope) sees what
    happened, not who did it."""
    if case.reporter_id is None or case.reporter_id != getattr(user, "pk", None):
        return True  # the case was visible to them through a staff role
    if perms.path_in_scope(user, case.area_path, perms.CASE_AREA_READ_ROLES):
        return True
    return case_is_staff_visible_to(user, case)


def case_is_staff_visible_to(user, case: Case) -> bool:
    """Visible through a handling unit or a summons (not through the area scope)."""
    if perms.is_handler(user, case):
        return True
    departments = perms.user_department_ids(user)
    if not departments:
        return False
    return SummonsResponse.objects.filter(
        summons__case_id=case.pk, department_id__in=departments
    ).exists()


# Boxes whose condition implies case_visible_q (a case handled by the user's department
# or area unit is visible to them): see case_list_visible_to.
BOXES_WITHIN_VISIBILITY = frozenset({"my_unit_open"})


def _dispatcher_q(user) -> Q:
    units = _area_ids_under(user, perms.DISPATCH_ROLES)
    return Q(dispatcher_area_id__in=units) if units else _nothing()


# The statuses each box holds (summons_pending is any status: read from the summons).
BOX_STATUSES = {
    "to_accept": (Status.REPORTED,),
    "to_dispatch": (Status.ACCEPTED, Status.RETURNED),
    "my_unit_open": HANDLER_OPEN_STATUSES,
    "to_verify": (Status.RESOLVED,),
    "overdue": tuple(sorted(ACTIVE_STATUSES)),
    "due_soon": tuple(sorted(ACTIVE_STATUSES)),
}


def _box_q(user, box: str, now: datetime) -> Q:
    departments = perms.user_department_ids(user)
    in_box = Q(status__in=BOX_STATUSES[box]) if box in BOX_STATUSES else Q()
    if box == "to_accept" or box == "to_dispatch":
        return in_box & _dispatcher_q(user)
    if box == "my_unit_open":
        unit = _handled_unit_q(user)
        if departments:
            unit |= Q(handler_department_id__in=departments)
        return in_box & unit
    if box == "to_verify":
        verifier = (
            perms.scope_q(user, field="area_path", roles=perms.VERIFY_ROLES) or _nothing()
        )
        return in_box & (verifier | _dispatcher_q(user))
    if box == "overdue":
        return in_box & Q(resolve_due_at__lt=now)
    if box == "due_soon":
        return in_box & Q(resolve_due_at__gte=now, resolve_due_at__lt=now + due_soon_window())
    if box == "summons_pending":
        if not departments:
            return _nothing()
        return Q(
            Exists(
                SummonsResponse.objects.filter(
                    summons__case=OuterRef("pk"),
                    department_id__in=departments,
                    checked_in_at__isnull=True,
                )
            )
        )
    raise ValueError(f"unknown box {box!r}")


def case_annotate_deadlines(cases: QuerySet, *, now: datetime | None = None) -> QuerySet:
    """Add ``is_overdue`` and ``is_due_soon``, derived from the deadline and the status."""
    now = now or clock.now()
    active = Q(status__in=ACTIVE_STATUSES)
    return cases.annotate(
        is_overdue=models.Case(
            models.When(active & Q(resolve_due_at__lt=now), then=models.Value(True)),
            default=models.Value(False),
            output_field=models.BooleanField(),
        ),
        is_due_soon=models.Case(
            models.When(
                active & Q(resolve_due_at__gte=now, resolve_due_at__lt=now + due_soon_window()),
                then=models.Value(True),
            ),
            default=models.Value(False),
            output_field=models.BooleanField(),
        ),
    )


def case_list_visible_to(
    *,
    user,
    box: str | None = None,
    status: str = "",
    category: Category | int | None = None,
    priority: str = "",
    q: str = "",
    area_path: str = "",
    handler_department: int | None = None,
    now: datetime | None = None,
) -> QuerySet[Case]:
    """Cases the user may see, optionally one work-list box, newest deadline first."""
    now = now or clock.now()
    if box and box not in BOXES:
        return Case.objects.none()
    if box in BOXES_WITHIN_VISIBILITY:
        # Every case of these boxes is visible to the user by definition (their unit
        # handles it): leaving out the visibility OR lets the count and the page be read
        # from the open-case index of the handling unit alone (a few rows, not the heap).
        condition = _box_q(user, box, now)
    else:
        condition = case_visible_q(user)
        if box:
            condition &= _box_q(user, box, now)
    cases = Case.objects.filter(condition)
    if status:
        cases = cases.filter(status=status)
    if category:
        category_obj = (
            category
            if isinstance(category, Category)
            else Category.objects.filter(pk=category).first()
        )
        if category_obj is None:
            return Case.objects.none()
        cases = cases.filter(category__path__startswith=category_obj.path)
    if priority:
        cases = cases.filter(priority=priority)
    if area_path:
        cases = cases.filter(area_path__under=area_path)
    if handler_department:
        cases = cases.filter(handler_department_id=handler_department)
    if q:
        text = clean_text(q)[:100]
        cases = cases.filter(
            Q(number=text) | Q(description__contains=text) | Q(address__contains=text)
        )
    if box in ("my_unit_open", "overdue", "due_soon"):
        cases = cases.order_by(models.F("resolve_due_at").asc(nulls_last=True), "id")
    else:
        cases = cases.order_by("-created_at", "-id")
    # Lists show the handler's name, not area geometry: leave the polygons in the table.
    return (
        case_annotate_deadlines(cases, now=now)
        .select_related("category", "handler_department", "handler_area")
        .defer("handler_area__polygon")
    )


def case_box_counts(*, user, now: datetime | None = None) -> dict[str, int]:
    """How many cases wait in each box (for the work-list tabs), in one aggregate."""
    return case_workbench_counts(user=user, now=now, boxes=BOXES)


# The workbench splits "my unit's open cases" into what waits for signing and resolving.
WORKBENCH_SPLITS = {
    "to_sign": ("my_unit_open", Status.DISPATCHED),
    "to_resolve": ("my_unit_open", Status.IN_PROGRESS),
}


def case_workbench_counts(
    *, user, now: datetime | None = None, boxes=(*BOXES, *WORKBENCH_SPLITS)
) -> dict[str, int]:
    """How many visible cases wait in each of ``boxes`` (work-list boxes and the
    workbench's ``to_sign``/``to_resolve``): one aggregate query over the user's cases."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return dict.fromkeys(boxes, 0)
    now = now or clock.now()
    counts, statuses = {}, set()
    result = dict.fromkeys(boxes, 0)
    for box in boxes:
        if box == "summons_pending":
            result[box] = _summons_pending_count(user)
            continue
        if box in WORKBENCH_SPLITS:
            parent, status = WORKBENCH_SPLITS[box]
            condition = _box_q(user, parent, now) & Q(status=status)
            box_statuses = {status}
        else:
            condition = _box_q(user, box, now)
            box_statuses = BOX_STATUSES[box]
        # A box that can hold nothing for this user (no such role) is not asked at all.
        if not _can_hold_nothing(condition):
            counts[box] = models.Count("pk", filter=condition)
            statuses.update(box_statuses)
    if counts:
        # Every box asks for a few open statuses: saying so lets the planner read the
        # visibility arms' open-case index ranges instead of the user's whole history.
        visible = Case.objects.filter(case_visible_q(user), status__in=sorted(statuses))
        result.update(visible.aggregate(**counts))
    return result


def _summons_pending_count(user) -> int:
    """Cases waiting for one of the user's departments to check in (a summoned department
    sees the case, so no visibility test is needed): read from the summons side."""
    departments = perms.user_department_ids(user)
    if not departments:
        return 0
    return (
        SummonsResponse.objects.filter(department_id__in=departments, checked_in_at__isnull=True)
        .values("summons__case_id")
        .distinct()
        .count()
    )


def case_get_for_user(*, user, case_id: int) -> Case:
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise NotFoundOrForbidden(gettext("未找到该案件")) from None
    case = (
        case_annotate_deadlines(Case.objects.filter(pk=case_id))
        .select_related("category", "handler_department", "handler_area", "grid", "dispatcher_area")
        .first()
    )
    if case is None or not case_is_visible_to(user, case):
        raise NotFoundOrForbidden(gettext("未找到该案件"))
    return case


def case_get_by_number(*, user, number: str) -> Case:
    case = Case.objects.filter(number=str(number or "").strip()).only("pk").first()
    if case is None:
        raise NotFoundOrForbidden(gettext("未找到该案件"))
    return case_get_for_user(user=user, case_id=case.pk)


def case_get_by_token(*, token: str) -> Case:
    """The public tracking page: whoever holds the token sees the case's progress."""
    if not is_token_shaped(token):
        raise NotFoundOrForbidden(gettext("未找到该案件"))
    case = (
        case_annotate_deadlines(Case.objects.filter(token=token))
        .select_related("category", "handler_department", "handler_area")
        .first()
    )
    # A need raised during a household visit has no reporter holding the token: never public.
    if case is None or not token or case.private:
        raise NotFoundOrForbidden(gettext("未找到该案件"))
    return case


def case_timeline(*, case: Case) -> QuerySet:
    return case.events.select_related("actor").order_by("at", "id")


def case_public_timeline(*, case: Case) -> list[dict]:
    """The tracking page's timeline: what happened and when, never who inside the office.
    The answer (resolve, reject) is shown for public cases only, phones masked."""
    with_notes = case_is_public(case)
    return [
        {
            "at": event.at,
            "action": event.action,
            "to_status": event.to_status,
            "note": public_text(event.note)
            if with_notes and event.action in ("resolve", "reject")
            else "",
        }
        for event in case.events.order_by("at", "id")
    ]


def case_reporter_contact(*, user, case: Case) -> dict[str, str]:
    """The reporter's name and masked phone, to community and street staff only.

    Anonymous reports show "匿名" to everybody but the reporter; departments get nothing.
    """
    if case.reporter_id is not None and case.reporter_id == getattr(user, "pk", None):
        return {"name": case.reporter_name, "phone": crypto.decrypt(case.reporter_phone_enc)}
    if case.anonymous:
        return {"name": gettext("匿名"), "phone": ""}
    if perms.can_see_reporter_contact(user) and perms.path_in_scope(
        user, case.area_path, perms.REPORTER_CONTACT_ROLES
    ):
        return {
            "name": case.reporter_name,
            "phone": mask_phone(crypto.decrypt(case.reporter_phone_enc)),
        }
    return {"name": "", "phone": ""}


def case_allowed_actions(*, user, case: Case) -> list[str]:
    """The workflow actions this user may take on this case now (for buttons)."""
    if not perms.has_any_role(user, set(perms.Role)):
        return []
    return [
        action.name for action in ACTIONS if action_is_offered(action, user=user, case=case)
    ]


def summons_for_case(*, case: Case) -> QuerySet:
    return (
        SummonsResponse.objects.filter(summons__case=case)
        .select_related("summons", "department")
        .order_by("summons__issued_at", "id")
    )


def category_tree() -> QuerySet[Category]:
    return Category.objects.filter(active=True).order_by("path")


# ---------------------------------------------------------------- 吹哨报到 per department
# Public reads for the street's assessment of stationed offices (wangge.powers reads them).


def departments_summoned_by(*, street_id: int) -> QuerySet:
    """Ids of the departments a street has ever summoned (a subquery)."""
    return (
        SummonsResponse.objects.filter(summons__street_id=street_id)
        .values("department_id")
        .distinct()
    )


def summons_department_figures(*, street_id: int, start: datetime, end: datetime) -> dict[int, dict]:
    """Per department summoned by the street with ``start <= issued_at < end``: calls,
    check-ins by the deadline, ratings given and their average (1–5 stars)."""
    from django.db.models import Avg, Count, F

    rows = (
        SummonsResponse.objects.filter(
            summons__street_id=street_id, summons__issued_at__gte=start, summons__issued_at__lt=end
        )
        .values("department_id")
        .annotate(
            calls=Count("pk"),
            on_time=Count("pk", filter=Q(checked_in_at__isnull=False, checked_in_at__lte=F("due_at"))),
            rated=Count("rating"),
            stars=Avg("rating"),
        )
        .order_by()
    )
    return {row["department_id"]: row for row in rows}
