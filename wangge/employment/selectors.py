"""Reads, always through the user's scope (out of scope answers like missing)."""

from django.db.models import Count, Q

from wangge.accounts.scope import filter_to_scope
from wangge.cases.models import Status
from wangge.core.errors import NotFoundOrForbidden
from wangge.facilities.models import Facility
from wangge.facilities.permissions import LOG_ROLES
from wangge.party.models import Alliance, PartyOrg

from .models import Branch, Company, Instructor, ServiceRecord, StationVisit, Worker, WorkerReport
from .permissions import READ_ROLES, WRITE_ROLES

RESOLVED = (Status.RESOLVED, Status.VERIFIED, Status.CLOSED)
STATION_TYPES = ("rest_station", "truck_station")


def companies_visible_to(user):
    return Company.objects.filter_to_scope(user, roles=READ_ROLES)


def workers_visible_to(user):
    return Worker.objects.filter_to_scope(user, roles=READ_ROLES)


def branches_visible_to(user):
    return Branch.objects.filter_to_scope(user, roles=READ_ROLES)


def instructors_visible_to(user):
    return Instructor.objects.filter_to_scope(user, roles=READ_ROLES)


def services_visible_to(user):
    return ServiceRecord.objects.filter_to_scope(user, roles=READ_ROLES)


def visits_visible_to(user):
    return StationVisit.objects.filter_to_scope(user, roles=READ_ROLES)


def reports_visible_to(user):
    return WorkerReport.objects.filter_to_scope(user, roles=READ_ROLES)


def company_get_for_user(*, user, company_id: int, write: bool = False) -> Company:
    roles = WRITE_ROLES if write else READ_ROLES
    company = Company.objects.filter_to_scope(user, roles=roles).filter(pk=company_id).first()
    if company is None:
        raise NotFoundOrForbidden()
    return company


def worker_get_for_user(*, user, worker_id: int, write: bool = False) -> Worker:
    roles = WRITE_ROLES if write else READ_ROLES
    worker = (Worker.objects.filter_to_scope(user, roles=roles).select_related("company", "work_area",
                                                                                "party_member__org")
              .filter(pk=worker_id).first())
    if worker is None:
        raise NotFoundOrForbidden()
    return worker


def branch_get_for_user(*, user, branch_id: int, write: bool = False) -> Branch:
    roles = WRITE_ROLES if write else READ_ROLES
    branch = Branch.objects.filter_to_scope(user, roles=roles).select_related("org").filter(pk=branch_id).first()
    if branch is None:
        raise NotFoundOrForbidden()
    return branch


def orgs_to_found(user):
    """Party organisations in the user's write scope not yet recorded as a branch."""
    return (filter_to_scope(PartyOrg.objects.all(), user, field="area_path", roles=WRITE_ROLES)
            .filter(employment_branch__isnull=True, dissolved_on__isnull=True).order_by("path"))


def alliances_visible_to(user):
    return filter_to_scope(Alliance.objects.all(), user, field="area_path", roles=READ_ROLES)


def stations_for_keeper(user):
    """Rest stations (and truck drivers' homes) where the user may log services."""
    return (Facility.objects.filter_to_scope(user, roles=LOG_ROLES)
            .filter(facility_type__code__in=STATION_TYPES, active=True).order_by("name", "pk"))


def station_for_keeper(*, user, facility_id: int) -> Facility:
    station = stations_for_keeper(user).filter(pk=facility_id).first()
    if station is None:
        raise NotFoundOrForbidden()
    return station


def station_regulars(station: Facility, limit: int = 8) -> list[Worker]:
    """The workers a keeper may pick (shown masked): those who visited the station most
    often, then those who work around it (under the station's area's parent node)."""
    active = Worker.objects.filter(consent_on__isnull=False, consent_withdrawn_on__isnull=True)
    ids = list(StationVisit.objects.filter(facility=station, worker__in=active)
               .values("worker_id").annotate(n=Count("id")).order_by("-n", "worker_id")
               .values_list("worker_id", flat=True)[:limit])
    around = station.area_path[:-4] if len(station.area_path) > 4 else station.area_path
    if len(ids) < limit:
        ids += list(active.filter(area_path__startswith=around).exclude(pk__in=ids).order_by("-pk")
                    .values_list("pk", flat=True)[: limit - len(ids)])
    found = Worker.objects.select_related("company").in_bulk(ids)
    return [found[i] for i in ids if i in found]


def report_counts(reports):
    """Reports made and resolved, per company and per alliance (from credited cases)."""
    resolved = Q(case__status__in=RESOLVED)
    per_company = list(
        reports.values("company_id", "company__name", "company__platform")
        .annotate(made=Count("id"), resolved=Count("id", filter=resolved)).order_by("-made", "company__name")
    )
    per_alliance = list(
        reports.filter(company__alliance__isnull=False)
        .values("company__alliance_id", "company__alliance__name")
        .annotate(made=Count("id"), resolved=Count("id", filter=resolved)).order_by("-made")
    )
    return per_company, per_alliance


def overview(user) -> dict:
    workers = workers_visible_to(user)
    services = services_visible_to(user)
    return {
        "companies": companies_visible_to(user).count(),
        "workers": workers.count(),
        "consented": workers.filter(consent_on__isnull=False, consent_withdrawn_on__isnull=True).count(),
        "party_members": workers.filter(is_party_member=True).count(),
        "branches": branches_visible_to(user).count(),
        "instructors": instructors_visible_to(user).filter(until__isnull=True).count(),
        "services": dict(services.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")),
        "visits": visits_visible_to(user).count(),
        "reports": reports_visible_to(user).count(),
        "resolved": reports_visible_to(user).filter(case__status__in=RESOLVED).count(),
        "by_type": list(workers.values("worker_type").annotate(n=Count("id")).order_by("-n")),
    }
