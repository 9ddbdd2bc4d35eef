"""Party pages: 双报到 (registrations, hours to confirm, rates), communities' 一肩挑 and
workers, and the alliances."""

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.guards import guarded
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
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


@guarded(can_read_party)
def member_dual(request, member_id: int):
    """A member's 双报到: register with the residential community, claim its posts, mark
    the half-year reports, log service hours (the community confirms them on /party/dual/)."""
    from wangge.core import clock
    from wangge.party.forms import DualClaimForm, DualRegisterForm, HoursForm
    from wangge.party.models import ServicePost

    member = selectors.member_get_for_user(user=request.user, member_id=member_id)
    reg = selectors.dual_visible_to(request.user).filter(member=member).select_related("community").first()
    action = request.POST.get("action", "")
    post = request.POST if request.method == "POST" else None
    register = DualRegisterForm(post if action == "register" else None, initial={
        "community_code": member.residence.code if member.residence_id else "", "registered_on": clock.today()})
    open_posts = list(ServicePost.objects.filter(community_id=reg.community_id, open=True).order_by("id")) if reg else []
    claimed = list(reg.posts.order_by("id")) if reg else []
    claim = DualClaimForm(post if action == "claim" else None, posts=open_posts, initial={
        "posts": [p.id for p in claimed], "report_h1": reg.report_h1 if reg else False,
        "report_h2": reg.report_h2 if reg else False})
    hours = HoursForm(post if action == "hours" else None, posts=claimed, initial={"date": clock.today()})
    form = {"register": register, "claim": claim, "hours": hours}.get(action)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "register":
                services.dual_register(actor=request.user, member=member, community=data["community_code"],
                                       on=data["registered_on"])
            elif reg is None:
                raise Http404
            elif action == "claim":
                services.dual_update(actor=request.user, registration_id=reg.id, post_ids=data["posts"],
                                     report_h1=data["report_h1"], report_h2=data["report_h2"])
            else:
                services.hours_log(actor=request.user, registration_id=reg.id, on=data["date"],
                                   hours=data["hours"], post_id=data["post"])
        except NotFoundOrForbidden:
            raise
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已保存"))
            return redirect("party:member_dual", member.id)
    return render(request, "party/member_dual.html", {
        "member": member, "reg": reg, "register": register, "claim": claim, "hours_form": hours,
        "logged": reg.hours.select_related("post").order_by("-date", "-id")[:20] if reg else [],
    })
