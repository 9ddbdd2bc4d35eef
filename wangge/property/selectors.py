"""Red property readers, always through the user's scope (out of scope reads like missing)."""

from datetime import date, timedelta
from statistics import median

from django.conf import settings
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Sum

from wangge.accounts.scope import scope_q
from wangge.areas.models import Estate
from wangge.core import clock
from wangge.core.errors import NotFoundOrForbidden
from wangge.property.models import (
    CaseEstate,
    EstateProfile,
    FeeRecord,
    ManagementMode,
    OpinionEntry,
    OwnersCommittee,
    PropertyCompany,
)
from wangge.property.permissions import READ_ROLES, company_ids_of

EXPIRY_NOTICE_DAYS = 92  # terms expiring within three months are listed


def _visible_q(user, estate: str = "estate__") -> Q | None:
    """Area staff: their area subtrees; company staff: the estates their company manages
    now (``estate`` is the lookup from the row to its estate, "" for an estate)."""
    area = scope_q(user, field="area_path", roles=READ_ROLES)
    ids = company_ids_of(user)
    company = Q(**{f"{estate}property_profile__company_id__in": sorted(ids)}) if ids else None
    if area is not None and company is not None:
        return area | company
    return area if area is not None else company


def _visible(queryset, user, estate: str = "estate__"):
    condition = _visible_q(user, estate)
    return queryset.none() if condition is None else queryset.filter(condition)


def estates_visible_to(user, *, mode: str = "", company: str = "", community: str = "",
                       q: str = "", committee: str = ""):
    rows = _visible(Estate.objects.all(), user, "").select_related(
        "grid", "property_profile__company"
    )
    if mode == ManagementMode.NONE:
        rows = rows.filter(Q(property_profile__isnull=True) | Q(property_profile__mode=mode))
    elif mode:
        rows = rows.filter(property_profile__mode=mode)
    if company.isdigit():
        rows = rows.filter(property_profile__company_id=int(company))
    if community:
        rows = rows.filter(area_path__startswith=community)
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if committee in ("0", "1"):
        active = OwnersCommittee.objects.filter(estate=OuterRef("pk"), dissolved_on__isnull=True)
        rows = rows.filter(Exists(active) if committee == "1" else ~Exists(active))
    return rows.order_by("area_path", "name", "id")


def estate_get_for_user(user, pk: int) -> Estate:
    row = _visible(Estate.objects.select_related("grid"), user, "").filter(pk=pk).first()
    if row is None:
        raise NotFoundOrForbidden()
    return row


def companies_visible_to(user, *, q: str = ""):
    """Companies registered in the user's area or serving an estate in it; a company's
    staff see their own company."""
    own = scope_q(user, field="area_path", roles=READ_ROLES)
    serving = scope_q(user, field="estates__area_path", roles=READ_ROLES)
    ids = company_ids_of(user)
    if own is None and not ids:
        return PropertyCompany.objects.none()
    condition = Q(pk__in=sorted(ids)) if ids else Q(pk__in=[])
    if own is not None:
        condition |= own | serving
    rows = PropertyCompany.objects.filter(
        pk__in=PropertyCompany.objects.filter(condition).values("pk")
    ).select_related("party_org")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(credit_code__icontains=q))
    return rows.annotate(
        estate_count=Count("estates", distinct=True), rating=Avg("ratings__score")
    ).order_by("name", "id")


def company_get_for_user(user, pk: int) -> PropertyCompany:
    row = companies_visible_to(user).filter(pk=pk).first()
    if row is None:
        raise NotFoundOrForbidden()
    return row


def committees_visible_to(user, *, expiring: bool = False, kind: str = "", community: str = ""):
    rows = OwnersCommittee.objects.filter_to_scope(user, roles=READ_ROLES).filter(
        dissolved_on__isnull=True
    ).select_related("estate")
    if community:
        rows = rows.filter(area_path__startswith=community)
    if kind:
        rows = rows.filter(kind=kind)
    if expiring:
        today = clock.today()
        rows = rows.filter(term_ends__lte=today + timedelta(days=EXPIRY_NOTICE_DAYS))
    return rows.order_by("term_ends", "id")


def fees_visible_to(user, *, estate: str = "", period: date | None = None, community: str = ""):
    rows = _visible(FeeRecord.objects.all(), user).select_related("estate")
    if estate.isdigit():
        rows = rows.filter(estate_id=int(estate))
    if period is not None:
        rows = rows.filter(period=period)
    if community:
        rows = rows.filter(area_path__startswith=community)
    return rows.order_by("-period", "estate__name", "id")


def fee_totals(rows) -> dict:
    totals = rows.aggregate(
        amount_due=Sum("amount_due"), amount_paid=Sum("amount_paid"),
        households_due=Sum("households_due"), households_paid=Sum("households_paid"),
    )

    def pct(a, b):
        return round(float(a) * 100 / float(b), 1) if a is not None and b else None

    totals["amount_rate"] = pct(totals["amount_paid"], totals["amount_due"])
    totals["household_rate"] = pct(totals["households_paid"], totals["households_due"])
    return totals


def opinions_visible_to(user, *, state: str = "", estate: str = "", community: str = ""):
    rows = _visible(OpinionEntry.objects.all(), user).select_related("estate")
    if community:
        rows = rows.filter(area_path__startswith=community)
    if state == "open":
        rows = rows.filter(replied_at__isnull=True)
    elif state == "overdue":
        rows = rows.filter(replied_at__isnull=True, reply_due__lt=clock.now())
    elif state == "replied":
        rows = rows.filter(replied_at__isnull=False)
    if estate.isdigit():
        rows = rows.filter(estate_id=int(estate))
    return rows.order_by("-created_at", "-id")


def opinion_get_for_user(user, pk: int) -> OpinionEntry:
    row = _visible(OpinionEntry.objects.all(), user).select_related("estate").filter(pk=pk).first()
    if row is None:
        raise NotFoundOrForbidden()
    return row


def reply_figures(rows) -> dict:
    """Reply rate (replied within the deadline ÷ entries) and median reply time (hours)."""
    total = rows.count()
    on_time = rows.filter(replied_at__isnull=False, replied_at__lte=F("reply_due")).count()
    spans = [
        (replied - created).total_seconds() / 3600
        for created, replied in rows.filter(replied_at__isnull=False)
        .values_list("created_at", "replied_at")[:5000]
    ]
    return {
        "total": total,
        "on_time": on_time,
        "rate": round(on_time * 100 / total, 1) if total else None,
        "median_hours": round(median(spans), 1) if spans else None,
        "deadline_days": settings.WANGGE_PROPERTY_REPLY_DAYS,
    }


def public_estate(pk: int) -> Estate:
    row = Estate.objects.select_related("grid").filter(pk=pk).first()
    if row is None:
        raise NotFoundOrForbidden()
    return row


def public_opinions(estate: Estate):
    """The reply board: entries and replies, no author."""
    return OpinionEntry.objects.filter(estate=estate).only(
        "text", "reply", "reply_by", "created_at", "replied_at"
    ).order_by("-created_at")[:50]


def estate_profile(estate: Estate) -> EstateProfile | None:
    return EstateProfile.objects.filter(estate=estate).select_related("company").first()


def estate_cases(estate: Estate, *, limit: int = 10):
    """Property cases stored against the estate (``CaseEstate``). Numbers and states only."""
    from wangge.cases.models import Case

    linked = CaseEstate.objects.filter(estate=estate).values("case_id")
    return (
        Case.objects.filter(pk__in=linked)
        .select_related("category")
        .only("number", "status", "created_at", "category__name")
        .order_by("-created_at")[:limit]
    )


def company_staff_of(user):
    """The user's company rows (PropertyCompany) today."""
    return PropertyCompany.objects.filter(pk__in=sorted(company_ids_of(user))).order_by("name")


def company_communities(user) -> list[int]:
    """The communities (area ids) the user's companies manage an estate in."""
    from wangge.areas.models import Area

    ids = company_ids_of(user)
    if not ids:
        return []
    paths = {p[:16] for p in Estate.objects.filter(property_profile__company_id__in=sorted(ids))
             .values_list("area_path", flat=True)}
    return list(Area.objects.filter(path__in=sorted(paths)).values_list("pk", flat=True))


def company_meetings(user):
    """Meetings of the communities where the user's company manages an estate."""
    from wangge.consultation.models import Meeting

    return Meeting.objects.filter(community_id__in=company_communities(user)).select_related(
        "community").order_by("-date", "-id")


def estate_company_id(estate_id: int) -> int | None:
    return EstateProfile.objects.filter(estate_id=estate_id).values_list("company_id", flat=True).first()


def party_path(org) -> list:
    """The organisation and its ancestors, top first (e.g. 物业行业党委 › 某物业党支部)."""
    if org is None:
        return []
    from wangge.party.models import PartyOrg

    return [*PartyOrg.objects.get_ancestors(org), org]


def company_staff(company):
    """The company's staff logins now (their account names only)."""
    from wangge.property.models import CompanyStaff

    return CompanyStaff.objects.filter(company=company, until__isnull=True).select_related("user").order_by("since", "id")
