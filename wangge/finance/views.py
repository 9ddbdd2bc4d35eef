"""Pages of rural finance: the overview (loan balance and its year-on-year change per
banner, town and village, the demand list's progress), the demand list, the phone page
that collects a need, a need's matching / grant / decline, and the public catalogue of
loan products."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.accounts.guards import guarded
from wangge.accounts.scope import scope_paths
from wangge.areas.models import Area, AreaKind
from wangge.core import clock
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.core.paging import paginate

from . import loans as loan_figures
from . import permissions as perms
from . import selectors, services_demand
from .forms import DeclineForm, DemandForm, GrantForm, MatchForm, add_error
from .models import Applicant, DemandSource, DemandStatus, Purpose


def _root(user) -> Area | None:
    """The widest node of the user's finance scope (the overview starts there)."""
    paths = sorted(scope_paths(user, perms.READ_ROLES), key=len)
    return Area.objects.filter(path=paths[0]).first() if paths else None


def _ancestors(user, node: Area) -> list[Area]:
    """The nodes above ``node`` inside the user's scope (the breadcrumb)."""
    root = _root(user)
    paths = [node.path[:n] for n in range(len(root.path), len(node.path), Area.steplen)]
    return list(Area.objects.filter(path__in=paths).order_by("path"))


@guarded(perms.can_read_finance)
def home(request):
    node = _root(request.user)
    if request.GET.get("area"):
        try:
            node = selectors.area_get_for_user(user=request.user, area_id=request.GET["area"])
        except NotFoundOrForbidden:
            node = _root(request.user)
    context = {"node": node}
    if node is not None:
        balances = selectors.balances_visible_to(request.user)
        period = loan_figures.latest_period(balances.filter(area_path__startswith=node.path))
        demands = selectors.demands_visible_to(request.user).filter(area_path__startswith=node.path)
        status = dict(demands.order_by().values_list("status").annotate(n=Count("pk")))
        context.update({
            "period": period,
            "status": [(label, status.get(value, 0)) for value, label in DemandStatus.choices],
            "collected": sum(status.values()),
            "ancestors": _ancestors(request.user, node),
        })
        if period is not None:
            total, rows = loan_figures.balances_by_child(base=balances, node=node, period=period)
            context.update({"total": total, "rows": rows if node.kind != AreaKind.GRID else []})
    return render(request, "finance/home.html", context)


@guarded(perms.can_read_finance)
def demands(request):
    """The demand list; an assistant starts with the unmatched needs of their villages."""
    listing = selectors.demands_visible_to(request.user).select_related("village", "household", "product")
    default = DemandStatus.COLLECTED if perms.has_assistant_role(request.user) else ""
    status = request.GET.get("status", default)
    if status in DemandStatus.values:
        listing = listing.filter(status=status)
    village = request.GET.get("village", "")
    if village.isdigit():
        listing = listing.filter(village_id=int(village))
    kind = request.GET.get("kind", "")
    if kind == "collective":
        listing = listing.filter(household__isnull=True)
    elif kind == "household":
        listing = listing.filter(household__isnull=False)
    page, query = paginate(request, listing.order_by("-created_at", "-pk"))
    return render(request, "finance/demands.html", {
        "page": page, "query": query, "status": status, "statuses": DemandStatus.choices, "kind": kind,
        "village": village, "villages": selectors.villages_visible_to(request.user)[:200],
    })


@guarded(perms.can_write_finance)
def demand_new(request):
    """The phone page: collect a household's or the village collective's need."""
    villages = list(selectors.villages_visible_to(request.user, write=True)[:500])
    form = DemandForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household_id = None
            if not data["collective"]:
                code = data["household"].strip()
                if not code:
                    raise ApplicationError(_("请填写户编号，或勾选村集体需求"), field="household")
                household = selectors.households_visible_to(request.user, write=True).filter(code=code).first()
                if household is None:
                    raise ApplicationError(_("本村没有此户编号"), field="household")
                household_id = household.pk
            demand = services_demand.demand_collect(
                actor=request.user, village_id=data["village"], household_id=household_id,
                purpose=data["purpose"], amount=data["amount"], term_months=data["term_months"],
                guarantee=data["guarantee"], description=data["description"], source=DemandSource.PHONE)
        except ApplicationError as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("已登记金融需求"))
            return redirect("finance:demand", demand_id=demand.pk)
    return render(request, "finance/demand_new.html", {"form": form})


def _products_for(demand):
    products = selectors.products_on_offer()
    if demand.collective:
        return products.filter(applicant=Applicant.COLLECTIVE)
    return products.exclude(applicant=Applicant.COLLECTIVE)


@guarded(perms.can_read_finance)
def demand(request, demand_id: int):
    item = selectors.demand_get_for_user(user=request.user, demand_id=demand_id)
    may_write = selectors.demands_visible_to(request.user, write=True).filter(pk=item.pk).exists()
    products = list(_products_for(item))
    # One page, three forms: each its own element ids.
    ids = {"match": "m_%s", "grant": "g_%s", "decline": "d_%s"}
    match = MatchForm(None, products=products, auto_id=ids["match"],
                      initial={"purpose": item.purpose, "amount": item.amount, "term_months": item.term_months})
    grant = GrantForm(None, auto_id=ids["grant"], initial={"amount": item.amount, "granted_on": clock.today()})
    decline = DeclineForm(None, auto_id=ids["decline"])
    if request.method == "POST" and may_write:
        action = request.POST.get("action")
        form = {"match": lambda: MatchForm(request.POST, products=products, auto_id=ids["match"]),
                "grant": lambda: GrantForm(request.POST, auto_id=ids["grant"]),
                "decline": lambda: DeclineForm(request.POST, auto_id=ids["decline"])}.get(action, lambda: None)()
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                if action == "match":
                    services_demand.demand_match(actor=request.user, demand_id=item.pk, product_id=data["product"],
                                                 purpose=data["purpose"], amount=data["amount"],
                                                 term_months=data["term_months"])
                    messages.success(request, _("已对接贷款产品"))
                elif action == "grant":
                    services_demand.demand_grant(actor=request.user, demand_id=item.pk, amount=data["amount"],
                                                 granted_on=data["granted_on"], contract=data["contract"],
                                                 matures_on=data["matures_on"])
                    messages.success(request, _("已记录放款"))
                else:
                    services_demand.demand_decline(actor=request.user, demand_id=item.pk, reason=data["reason"])
                    messages.success(request, _("已记录未获贷原因"))
            except ApplicationError as exc:
                add_error(form, exc)
            else:
                return redirect("finance:demand", demand_id=item.pk)
        if form is not None:
            match, grant, decline = (form if action == "match" else match, form if action == "grant" else grant,
                                     form if action == "decline" else decline)
    return render(request, "finance/demand.html", {
        "d": item, "may_write": may_write, "match": match, "grant": grant, "decline": decline,
        "open": item.status in (DemandStatus.COLLECTED, DemandStatus.MATCHED),
        "loans": item.loans.select_related("institution"),
    })


def products(request):
    """The public catalogue of loan products (no personal data)."""
    listing = selectors.products_on_offer()
    purpose = request.GET.get("purpose", "")
    if purpose in Purpose.values:
        listing = listing.filter(purpose=purpose)
    q = request.GET.get("q", "").strip()[:40]
    if q:
        listing = listing.filter(Q(name__icontains=q) | Q(institution__name__icontains=q))
    page, query = paginate(request, listing.order_by("institution__code", "name"))
    return render(request, "finance/products.html", {
        "page": page, "query": query, "purpose": purpose, "purposes": Purpose.choices, "q": q,
        "signed_in": request.user.is_authenticated and perms.can_read_finance(request.user),
        "demand_url": reverse("finance:demand_new"),
    })
