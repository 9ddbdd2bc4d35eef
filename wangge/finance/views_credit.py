"""Pages of credit and of the village set-up: a village (its station, its postings, its
households' consent and ratings), a household's rating by the village assessment group,
the credit villages and towns the rules propose (a finance officer confirms), and the
postings of finance people to the villages."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wangge.accounts.guards import guarded
from wangge.areas.models import AreaKind
from wangge.audit.services import audit_record
from wangge.core import clock
from wangge.core.errors import ApplicationError
from wangge.core.inputs import int_param
from wangge.core.paging import paginate
from wangge.facilities.models import Facility

from . import permissions as perms
from . import selectors, services_credit
from .credit import model_in_force, rules_in_force, town_figures, village_figures
from .forms import ConsentForm, RatingForm, add_error
from .models import STATION_TYPE, Consent, PostingKind


def _year(request) -> int:
    this = clock.today().year
    return int_param(request.GET.get("year"), default=this, low=2000, high=this)


@guarded(perms.can_read_finance)
def villages(request):
    year = _year(request)
    listing = selectors.villages_visible_to(request.user)
    q = request.GET.get("q", "").strip()[:40]
    if q:
        listing = listing.filter(Q(name__icontains=q) | Q(code=q))
    page, query = paginate(request, listing, page_size=30)
    figures = {f.village.pk: f for f in village_figures(list(page), year)}
    return render(request, "finance/villages.html", {
        "page": page, "query": query, "q": q, "year": year, "rows": [figures[v.pk] for v in page],
    })


@guarded(perms.can_read_finance)
def village(request, village_id: int):
    area = selectors.village_get_for_user(user=request.user, village_id=village_id)
    year = _year(request)
    (figures,) = village_figures([area], year)
    households = selectors.households_visible_to(request.user).filter(area_path__startswith=area.path)
    ratings = {r.household_id: r for r in selectors.ratings_visible_to(request.user).filter(village=area, year=year)}
    consents = set(Consent.objects.filter(area_path__startswith=area.path, withdrawn_on__isnull=True)
                   .values_list("household_id", flat=True))
    page, query = paginate(request, households.order_by("code"), page_size=30)
    if ratings:
        audit_record(action="finance_reveal", actor=request.user, request=request, object_type="areas.area",
                     object_id=str(area.pk), detail={"year": year, "rows": len(ratings)})
    stations = Facility.objects.filter(facility_type__code=STATION_TYPE, area_path__startswith=area.path) \
        .prefetch_related("services")
    return render(request, "finance/village.html", {
        "v": area, "year": year, "f": figures, "page": page, "query": query,
        "rows": [(h, ratings.get(h.pk), h.pk in consents) for h in page],
        "postings": selectors.postings_in_force(request.user).filter(
            Q(area=area) | Q(area__path=area.path[:12], kind=PostingKind.VICE_HEAD)).select_related("institution"),
        "stations": stations,
        "may_write": selectors.villages_visible_to(request.user, write=True).filter(pk=area.pk).exists(),
    })


@guarded(perms.can_write_finance)
def rate(request, household_id: int):
    household = selectors.household_get_for_user(user=request.user, household_id=household_id, write=True)
    year = _year(request)
    model = model_in_force()
    criteria = list(model.criteria.all()) if model else []
    consent = Consent.objects.filter(household=household, withdrawn_on__isnull=True).first()
    current = selectors.ratings_visible_to(request.user, write=True).filter(household=household, year=year).first()
    initial = {"group": current.group, "evidence": current.evidence} if current else {}
    if current:
        initial.update({f"c{k}": v for k, v in current.scores.items()})
    form = RatingForm(None, criteria=criteria, initial=initial)
    consent_form = ConsentForm(None, auto_id="consent_%s", initial={"given_on": clock.today()})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "consent":
                consent_form = ConsentForm(request.POST, auto_id="consent_%s")
                if consent_form.is_valid():
                    services_credit.consent_record(actor=request.user, household_id=household.pk,
                                                   **consent_form.cleaned_data)
                    messages.success(request, _("已登记授权"))
                    return redirect(request.get_full_path())
            elif action == "withdraw":
                services_credit.consent_withdraw(actor=request.user, household_id=household.pk)
                messages.success(request, _("已撤回授权，信用信息已删除"))
                return redirect(request.get_full_path())
            else:
                form = RatingForm(request.POST, criteria=criteria)
                if form.is_valid():
                    data = form.cleaned_data
                    rating = services_credit.rating_save(
                        actor=request.user, household_id=household.pk, year=year,
                        scores={str(c.pk): data[f"c{c.pk}"] for c in criteria},
                        evidence=data["evidence"], group=data["group"])
                    messages.success(request, _("已评定：{grade}（{total} 分）").format(
                        grade=rating.grade or "—", total=rating.total))
                    return redirect("finance:village", village_id=rating.village_id)
        except ApplicationError as exc:
            add_error(consent_form if action == "consent" else form, exc)
    if current is not None and request.method == "GET":
        audit_record(action="finance_reveal", actor=request.user, request=request, object_type="finance.rating",
                     object_id=str(current.pk), detail={"year": year})
    return render(request, "finance/rate.html", {
        "h": household, "year": year, "form": form, "consent": consent, "consent_form": consent_form,
        "current": current, "bands": list(model.bands.all()) if model else [],
        "village": selectors.village_of(household),
    })


@guarded(perms.can_read_finance)
def credit(request):
    """Credit villages and towns: what the rules propose now, and what was confirmed."""
    year = _year(request)
    if request.method == "POST" and perms.can_confirm_credit(request.user):
        try:
            services_credit.designation_confirm(actor=request.user, area_id=request.POST.get("area"), year=year)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已确认"))
        return redirect(f"{request.path}?year={year}")
    villages = village_figures(selectors.villages_visible_to(request.user)[:2000], year)
    towns = town_figures(selectors.areas_visible_to(request.user, kind=AreaKind.STREET), year)
    return render(request, "finance/credit.html", {
        "year": year, "rules": rules_in_force(), "may_confirm": perms.can_confirm_credit(request.user),
        "villages": [f for f in villages if f.meets or f.confirmed],
        "towns": [t for t in towns if t.meets or t.confirmed or t.credit_villages],
        "village_count": len(villages),
    })


@guarded(perms.can_read_finance)
def postings(request):
    listing = selectors.postings_in_force(request.user).select_related("area", "institution")
    kind = request.GET.get("kind", "")
    if kind in PostingKind.values:
        listing = listing.filter(kind=kind)
    page, query = paginate(request, listing.order_by("area__path", "kind"))
    return render(request, "finance/postings.html", {"page": page, "query": query, "kind": kind,
                                                     "kinds": PostingKind.choices})
