"""Reads: a worker's grids and households, visit windows and lists, assignments.

Everything is derived from records at query time: the window of a household comes from
its last completed visit and the strongest care tag of its residents; due, overdue and
compliance come from visits, patrols and the working-day calendar (compliance.py).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    Case,
    DateField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from wangge.accounts.scope import filter_to_scope
from wangge.areas.models import Area, AreaKind
from wangge.core import clock
from wangge.core.errors import NotFoundOrForbidden
from wangge.patrols.cadence import (
    CADENCE_OF_RANK,
    DEFAULT_RANK,
    RANK,
    Window,
    lengths,
    window_from,
)

# The set-based reports moved to compliance.py; their names stay importable from here.
from wangge.patrols.compliance import (  # noqa: F401
    PATH_LENGTH,
    AreaRow,
    ComplianceReport,
    Figures,
    WorkerRow,
    active_q,
    compliance_by_area,
    compliance_by_worker,
    overdue_counts_by_grid,
    patrol_compliance_inputs,
    staffed_grid_ids,
    visit_compliance_rows,
)
from wangge.patrols.models import (
    UNCOUNTED_OUTCOMES,
    GridAssignment,
    HouseholdAssignment,
    Visit,
)
from wangge.patrols.permissions import SUPERVISE_ROLES, WORKER_ROLES
from wangge.people.models import Cadence, Household, Relation, Resident


def not_found(message: str, *, field: str | None = None) -> NotFoundOrForbidden:
    """A 404 that names the field it is about, so the phone can show the worker why."""
    error = NotFoundOrForbidden(message)
    error.field = field
    return error


# ---------------------------------------------------------------- a worker's grids


def worker_grid_ids(*, worker, on: date | None = None) -> list[int]:
    """Grids the worker is assigned to today and holds the grid-worker role on."""
    on = on or clock.today()
    assignments = filter_to_scope(
        GridAssignment.objects.filter(active_q(on), worker=worker), worker, roles=WORKER_ROLES
    )
    return list(assignments.order_by("area_path").values_list("grid_id", flat=True))


def worker_grids(*, worker, on: date | None = None) -> list[Area]:
    ids = worker_grid_ids(worker=worker, on=on)
    return list(Area.objects.filter(pk__in=ids).order_by("path"))


def worker_grid_get(*, worker, grid_id: int) -> Area:
    if grid_id not in worker_grid_ids(worker=worker):
        raise not_found(_("未找到该网格，或您已不负责该网格"), field="grid_id")
    return Area.objects.get(pk=grid_id)


def households_in_worker_grids(*, worker, on: date | None = None) -> QuerySet[Household]:
    """Every household of the worker's grids (lookup and visits may cover a colleague)."""
    households = Household.objects.filter(grid_id__in=worker_grid_ids(worker=worker, on=on))
    return filter_to_scope(households, worker, roles=WORKER_ROLES)


def household_get_for_worker(*, worker, household_id: int) -> Household:
    household = (
        households_in_worker_grids(worker=worker)
        .select_related("grid")
        .filter(pk=household_id)
        .first()
    )
    if household is None:
        raise not_found(_("未找到该户，或该户已不在您负责的网格内"), field="household_id")
    return household


def _assigned_elsewhere(worker, on: date) -> Exists:
    """An open household assignment to someone else, still valid for the household's grid."""
    return Exists(
        HouseholdAssignment.objects.filter(
            active_q(on), household=OuterRef("pk"), grid=OuterRef("grid_id")
        ).exclude(worker=worker)
    )


def worker_households(*, worker, on: date | None = None) -> QuerySet[Household]:
    """Households the worker must visit: those of their grids not given to a colleague."""
    on = on or clock.today()
    return households_in_worker_grids(worker=worker, on=on).exclude(_assigned_elsewhere(worker, on))


def household_lookup(*, worker, q: str = "", limit: int = 30) -> QuerySet[Household]:
    households = households_in_worker_grids(worker=worker)
    q = q.strip()
    if q:
        residents = Resident.objects.filter(household=OuterRef("pk"), name__startswith=q)
        households = households.filter(
            Q(address__contains=q)
            | Q(code__startswith=q)
            | Q(room__startswith=q)
            | Q(Exists(residents))
        )
    return with_window_fields(households).order_by("area_path", "address", "room", "id")[:limit]


# ---------------------------------------------------------------- cadence and windows


def _rank_subquery() -> Subquery:
    through = Resident.care_tags.through
    rank = Case(
        When(caretag__cadence=Cadence.WEEKLY, then=Value(RANK[Cadence.WEEKLY])),
        When(caretag__cadence=Cadence.MONTHLY, then=Value(RANK[Cadence.MONTHLY])),
        default=Value(DEFAULT_RANK),
        output_field=IntegerField(),
    )
    strongest = (
        through.objects.filter(resident__household_id=OuterRef("pk"))
        .annotate(rank=rank)
        .order_by("rank")
        .values("rank")[:1]
    )
    return Subquery(strongest, output_field=IntegerField())


def _last_visit_subquery(before: date | None = None) -> Subquery:
    visits = Visit.objects.filter(household_id=OuterRef("pk")).exclude(
        outcome__in=UNCOUNTED_OUTCOMES
    )
    if before is not None:
        visits = visits.filter(date__lte=before)
    return Subquery(visits.order_by("-date").values("date")[:1], output_field=DateField())


def _registered_date() -> TruncDate:
    return TruncDate("created_at", tzinfo=clock.LOCAL_TZ)


def with_window_fields(households: QuerySet[Household]) -> QuerySet[Household]:
    """Annotate ``cadence_rank``, ``last_visit`` (last completed visit) and ``registered``;
    the window follows in Python (``window_of``): each subquery runs once per row."""
    return households.annotate(
        cadence_rank=Coalesce(_rank_subquery(), Value(DEFAULT_RANK)),
        last_visit=_last_visit_subquery(),
        registered=_registered_date(),
    )


def household_cadence(*, household: Household) -> str:
    rank = (
        Household.objects.filter(pk=household.pk)
        .annotate(cadence_rank=Coalesce(_rank_subquery(), Value(DEFAULT_RANK)))
        .values_list("cadence_rank", flat=True)
        .first()
    )
    return CADENCE_OF_RANK[rank or DEFAULT_RANK]


def household_window(*, household: Household, on: date | None = None) -> Window:
    """The household's window as it stands on ``on`` (from completed visits up to then)."""
    row = (
        Household.objects.filter(pk=household.pk)
        .annotate(
            cadence_rank=Coalesce(_rank_subquery(), Value(DEFAULT_RANK)),
            last_visit=_last_visit_subquery(before=on),
            registered=_registered_date(),
        )
        .values("cadence_rank", "last_visit", "registered")
        .get()
    )
    return window_from(
        cadence=CADENCE_OF_RANK[row["cadence_rank"]],
        anchor=row["last_visit"] or row["registered"],
    )


def window_of(household: Household) -> Window:
    """The window of a household annotated by ``with_window_fields``: anchored on its last
    completed visit, or on the day it was registered if it was never visited."""
    return window_from(
        cadence=CADENCE_OF_RANK[household.cadence_rank],
        anchor=household.last_visit or household.registered,
    )


@dataclass
class DueItem:
    household: Household
    window: Window
    status: str  # overdue | due | open
    head_name: str = ""


@dataclass
class DueLists:
    today: date
    overdue: list[DueItem] = field(default_factory=list)
    due_today: list[DueItem] = field(default_factory=list)
    due_this_week: list[DueItem] = field(default_factory=list)


def end_of_week(today: date) -> date:
    return today + timedelta(days=6 - today.weekday())


def _head_name_subquery() -> Subquery:
    heads = Resident.objects.filter(household=OuterRef("pk")).order_by(
        Case(When(relation=Relation.SELF, then=Value(0)), default=Value(1)), "id"
    )
    return Subquery(heads.values("name")[:1])


def visit_due_lists(*, worker, today: date | None = None) -> DueLists:
    """Overdue, due today and due later this week for one worker.

    One pass over the worker's households reads each one's strongest tag and last
    completed visit (one index probe each); the windows are worked out here, and only the
    households due by the end of the week are loaded in full."""
    today = today or clock.today()
    week_end = end_of_week(today)
    windows: dict[int, tuple[Window, date | None]] = {}
    rows = (
        worker_households(worker=worker, on=today)
        .annotate(cadence_rank=_rank_subquery(), last_visit=_last_visit_subquery())
        .values_list("id", "cadence_rank", "last_visit", "created_at")
    )
    # Only households due by the week's end get a full window: the latest anchor each
    # cadence may have to be due by then is worked out once.
    latest_anchor = {
        rank: week_end - timedelta(days=lengths(cadence).interval) for cadence, rank in RANK.items()
    }
    for household_id, rank, last_visit, created_at in rows:
        rank = rank or DEFAULT_RANK
        anchor = last_visit or created_at.astimezone(clock.LOCAL_TZ).date()
        if anchor <= latest_anchor[rank]:
            window = window_from(cadence=CADENCE_OF_RANK[rank], anchor=anchor)
            windows[household_id] = (window, last_visit)
    lists = DueLists(today=today)
    if not windows:
        return lists
    households = (
        Household.objects.filter(pk__in=list(windows))
        .annotate(head_name=_head_name_subquery())
        .select_related("grid")
    )
    for household in households:
        window, household.last_visit = windows[household.pk]
        item = DueItem(household, window, window.status(today), household.head_name or "")
        if item.status == "overdue":
            lists.overdue.append(item)
        elif item.status == "due":
            lists.due_today.append(item)
        else:
            lists.due_this_week.append(item)
    for items in (lists.overdue, lists.due_today, lists.due_this_week):
        items.sort(key=lambda item: (item.window.due, item.household.id))
    return lists


def overdue_households_in(*, user, area: Area, today: date | None = None) -> list[Household]:
    """Overdue households under ``area`` (a grid, for a page), most overdue first, each with
    ``window``, ``head_name`` and its own worker if one was given the household."""
    today = today or clock.today()
    owners = HouseholdAssignment.objects.filter(
        active_q(today), household=OuterRef("pk"), grid=OuterRef("grid_id")
    )
    households = filter_to_scope(
        Household.objects.filter(area_path__under=area.path), user, roles=SUPERVISE_ROLES
    )
    rows = (
        with_window_fields(households)
        .annotate(
            head_name=_head_name_subquery(),
            owner_name=Subquery(owners.values("worker__display_name")[:1]),
            owner_username=Subquery(owners.values("worker__username")[:1]),
        )
        .select_related("grid")
    )
    overdue = []
    for household in rows:
        household.window = window_of(household)
        if household.window.status(today) == "overdue":
            overdue.append(household)
    overdue.sort(key=lambda h: (h.window.latest, h.pk))
    return overdue


# ---------------------------------------------------------------- assignments


def grid_assignments_visible_to(*, user, area: Area | None = None, on: date | None = None):
    on = on or clock.today()
    assignments = filter_to_scope(
        GridAssignment.objects.filter(active_q(on)), user, roles=SUPERVISE_ROLES
    )
    if area is not None:
        assignments = assignments.filter(area_path__under=area.path)
    return assignments.select_related("worker", "grid").order_by("area_path", "worker_id")


def grids_visible_to(*, user, area: Area | None = None) -> QuerySet[Area]:
    grids = filter_to_scope(
        Area.objects.filter(kind=AreaKind.GRID), user, field="path", roles=SUPERVISE_ROLES
    )
    if area is not None:
        grids = grids.filter(path__under=area.path)
    return grids.order_by("path")


def interval_days(cadence: str) -> int:
    return lengths(cadence).interval
