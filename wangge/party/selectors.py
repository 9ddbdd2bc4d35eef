"""Reads, always within the reader's party scope (see permissions.py). Out of scope
answers like missing (NotFoundOrForbidden → 404)."""

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from wangge.accounts.permissions import has_any_role
from wangge.accounts.scope import scope_q
from wangge.areas.models import Area
from wangge.core import clock
from wangge.core.errors import NotFoundOrForbidden
from wangge.party.models import (
    CentralHousehold,
    FlowOut,
    Meeting,
    Member,
    OrgOfficer,
    PartyOrg,
    Transfer,
    TransferStatus,
)
from wangge.party.permissions import AREA_PARTY_ROLES, CENTRAL_CONTACT_ROLES, SECRETARY_ROLES
from wangge.party.rules import rule


def officer_org_paths(user) -> list[str]:
    """Paths of the organisations the user holds office in today (a secretary's scope)."""
    if not has_any_role(user, SECRETARY_ROLES):
        return []
    cache = user.__dict__.setdefault("_party_officer_paths", {})
    today = clock.today()
    if today not in cache:
        paths = sorted(
            OrgOfficer.objects.filter(user=user, since__lte=today)
            .filter(Q(until__isnull=True) | Q(until__gt=today))
            .values_list("org__path", flat=True)
        )
        minimal: list[str] = []
        for path in paths:
            if not any(path.startswith(root) for root in minimal):
                minimal.append(path)
        cache[today] = minimal
    return cache[today]


def party_scope_q(user, *, area_field="area_path", org_fields=("org_path",)) -> Q | None:
    """Rows in the user's party scope: area subtree for party staff and ORG_DEPT, the
    organisation subtree (on each of ``org_fields``) for a secretary; None if nothing."""
    condition = scope_q(user, field=area_field, roles=AREA_PARTY_ROLES)
    for path in officer_org_paths(user):
        for field in org_fields:
            part = Q(**{f"{field}__under": path})
            condition = part if condition is None else condition | part
    return condition


def _scoped(queryset: QuerySet, condition: Q | None) -> QuerySet:
    return queryset.none() if condition is None else queryset.filter(condition)


# ---------------------------------------------------------------- organisations


def orgs_visible_to(user) -> QuerySet[PartyOrg]:
    return _scoped(PartyOrg.objects.all(), party_scope_q(user, org_fields=("path",)))


def org_get_for_user(*, user, org_id: int) -> PartyOrg:
    org = orgs_visible_to(user).select_related("area").filter(pk=org_id).first()
    if org is None:
        raise NotFoundOrForbidden(_("未找到该党组织"))
    return org


def org_list(*, user, q: str = "", level: str = "", kind: str = "") -> QuerySet[PartyOrg]:
    orgs = orgs_visible_to(user).filter(dissolved_on__isnull=True)
    if q:
        orgs = orgs.filter(name__contains=q.strip())
    if level:
        orgs = orgs.filter(level=level)
    if kind:
        orgs = orgs.filter(kind=kind)
    return orgs.select_related("area").order_by("path")


# ---------------------------------------------------------------- members


def members_visible_to(user) -> QuerySet[Member]:
    return _scoped(
        Member.objects.all(), party_scope_q(user, org_fields=("org_path", "activity_org_path"))
    )


def member_list(
    *, user, org: PartyOrg | None = None, status: str = "", stage: str = "", name: str = ""
) -> QuerySet[Member]:
    members = members_visible_to(user)
    if org is not None:
        members = members.filter(org_path__under=org.path)
    if status:
        members = members.filter(status=status)
    if stage:
        members = members.filter(stage=stage)
    if name:
        members = members.filter(name__startswith=name.strip())
    return members.select_related("org").order_by("org_path", "name", "id")


def member_get_for_user(*, user, member_id: int) -> Member:
    member = (
        members_visible_to(user)
        .select_related("org", "activity_org", "residence", "resident")
        .filter(pk=member_id)
        .first()
    )
    if member is None:
        raise NotFoundOrForbidden(_("未找到该党员"))
    return member


def probation_due(*, user) -> QuerySet[Member]:
    """Probationary members whose probation ends within the warning days (or has ended)."""
    until = clock.today() + timedelta(days=rule("probation_warn_days"))
    return (
        members_visible_to(user)
        .counted()
        .filter(stage="probationary", probation_ends__lte=until)
        .order_by("probation_ends", "id")
    )


def no_org_life(*, user) -> QuerySet[Member]:
    """Members with no organisational life for ``org_life_months`` months (a warning)."""
    since = clock.today() - timedelta(days=30 * rule("org_life_months"))
    return (
        members_visible_to(user)
        .filter(status="normal")
        .filter(Q(last_org_life_on__isnull=True) | Q(last_org_life_on__lt=since))
        .select_related("org")
        .order_by("org_path", "id")
    )


# ---------------------------------------------------------------- transfers and flows


def transfers_visible_to(user) -> QuerySet[Transfer]:
    """Letters sent from or received into the user's scope."""
    sent = party_scope_q(user, org_fields=("from_org__path",))
    received = party_scope_q(user, area_field="to_area_path", org_fields=("to_org__path",))
    condition = sent if received is None else (received if sent is None else sent | received)
    return _scoped(Transfer.objects.all(), condition).select_related("member", "from_org", "to_org")


def transfer_get_for_user(*, user, transfer_id: int) -> Transfer:
    transfer = transfers_visible_to(user).filter(pk=transfer_id).first()
    if transfer is None:
        raise NotFoundOrForbidden(_("未找到该转接记录"))
    return transfer


def transfers_open(*, user) -> QuerySet[Transfer]:
    return transfers_visible_to(user).filter(status=TransferStatus.ISSUED).order_by("valid_until", "id")


def transfers_expired(*, user) -> QuerySet[Transfer]:
    return transfers_open(user=user).filter(valid_until__lt=clock.today())


def flows_visible_to(user) -> QuerySet[FlowOut]:
    condition = party_scope_q(user, org_fields=("member__org_path",))
    return _scoped(FlowOut.objects.all(), condition).select_related("member")


def flows_not_contacted(*, user) -> QuerySet[FlowOut]:
    since = clock.today() - timedelta(days=30 * rule("mobile_contact_months"))
    return (
        flows_visible_to(user)
        .filter(returned_on__isnull=True)
        .filter(Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=since))
        .order_by("last_contact_on", "id")
    )


# ---------------------------------------------------------------- meetings, 中心户


def meetings_visible_to(user) -> QuerySet[Meeting]:
    return _scoped(Meeting.objects.all(), party_scope_q(user)).select_related("org")


def central_contacts(*, user, grid: Area | None = None) -> QuerySet[CentralHousehold]:
    """党员中心户 and how to reach them, for the grid worker (their grids) and party staff."""
    rows = CentralHousehold.objects.filter_to_scope(user, roles=CENTRAL_CONTACT_ROLES)
    if grid is not None:
        rows = rows.filter(area_path__under=grid.path)
    return (
        rows.select_related("member", "household")
        .annotate(linked_count=Count("linked"))
        .order_by("area_path", "id")
    )


def dual_visible_to(user):
    """双报到 registrations: by the residential community's area for party staff, by the
    member's organisation for a secretary."""
    from wangge.party.models import DualRegistration

    condition = party_scope_q(user, org_fields=("member__org_path",))
    return _scoped(DualRegistration.objects.all(), condition)
