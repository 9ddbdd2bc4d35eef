"""Party pages: 双报到 (registrations, hours to confirm, rates), communities' 一肩挑 and
workers, and the alliances."""

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.guards import guarded
from wangge.core.errors import ApplicationError
from wangge.core.paging import paginate
from wangge.party import selectors, services
from wangge.party.models import Alliance, CommunityProfile, CommunityWorker, ServiceHours
from wangge.party.permissions import AREA_PARTY_ROLES, can_read_party
from wangge.people.models import Resident


@guarded(can_read_party)
def dual(request):
    regs = (
        selectors.dual_visible_to(request.user)
        .select_related("member", "community")
        .annotate(
            confirmed=Sum("hours__hours", filter=Q(hours__confirmed=True)),
            pending=Count("hours", filter=Q(hours__confirmed=False)),
        )
        .order_by("community__path", "member__name", "id")
    )
    page, query = paginate(request, regs)
    residing = selectors.members_visible_to(request.user).filter(
        in_service=True, status="normal", residence__isnull=False)
    totals = residing.aggregate(members=Count("id"), registered=Count("id", filter=Q(dual__isnull=False)))
    rate = round(100 * totals["registered"] / totals["members"], 1) if totals["members"] else None
    pending = (
        ServiceHours.objects.filter(registration__in=selectors.dual_visible_to(request.user), confirmed=False)
        .select_related("registration__member", "post")
        .order_by("date", "id")[:20]
    )
    return render(request, "party/dual.html", {
        "page": page, "query": query, "totals": totals, "rate": rate, "pending": pending,
    })


@require_POST
@guarded(can_read_party)
def hours_confirm(request, hours_id: int):
    try:
        services.hours_confirm(actor=request.user, hours_id=hours_id)
        messages.success(request, _("已确认服务时长"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("party:dual")


@guarded(can_read_party)
def communities(request):
    profiles = CommunityProfile.objects.filter_to_scope(request.user, roles=AREA_PARTY_ROLES)
    workers = CommunityWorker.objects.filter_to_scope(request.user, roles=AREA_PARTY_ROLES)
    counts = dict(workers.values("community_id").annotate(n=Count("id")).values_list("community_id", "n"))
    page, query = paginate(request, profiles.select_related("community").order_by("area_path"))
    for row in page:
        row.workers = counts.get(row.community_id, 0)
        row.residents = Resident.objects.filter(area_path__under=row.community.path).count()
        row.per_10k = round(10_000 * row.workers / row.residents, 1) if row.residents else None
    total = profiles.count()
    dual_role = profiles.filter(secretary_is_director=True).count()
    return render(request, "party/communities.html", {
        "page": page, "query": query, "total": total, "dual_role": dual_role,
        "rate": round(100 * dual_role / total, 1) if total else None,
        "workers": workers.count(),
    })


@guarded(can_read_party)
def alliances(request):
    rows = (
        Alliance.objects.filter_to_scope(request.user, roles=AREA_PARTY_ROLES)
        .select_related("area")
        .annotate(orgs_count=Count("orgs", distinct=True), activities_count=Count("activities", distinct=True))
        .order_by("area_path", "id")
    )
    page, query = paginate(request, rows)
    return render(request, "party/alliances.html", {"page": page, "query": query})
