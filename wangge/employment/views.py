"""Pages of the new-employment census for its staff (masked; audited reveal). The rest
station keeper's phone page is in views_station.py."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.guards import guarded
from wangge.accounts.ratelimit import RateLimited
from wangge.core import clock
from wangge.core.errors import ApplicationError
from wangge.core.paging import paginate

from . import permissions as perms
from . import selectors, services
from .forms import BranchForm, CompanyForm, InstructorForm, ServiceForm, WorkerForm
from .models import Industry, ServiceKind, WorkerType


def _fail(form, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _writable_companies(user):
    return selectors.companies_visible_to(user).filter(
        pk__in=selectors.Company.objects.filter_to_scope(user, roles=perms.WRITE_ROLES).values("pk"))


@guarded(perms.can_read_employment)
def home(request):
    figures = selectors.overview(request.user)
    services_by_kind = [(label, figures["services"].get(value, 0)) for value, label in ServiceKind.choices]
    types = dict(WorkerType.choices)
    by_type = [(types.get(row["worker_type"], row["worker_type"]), row["n"]) for row in figures["by_type"]]
    return render(request, "employment/home.html", {"f": figures, "services_by_kind": services_by_kind,
                                                    "by_type": by_type})


@guarded(perms.can_read_employment)
def companies(request):
    user = request.user
    rows = selectors.companies_visible_to(user).select_related("alliance")
    industry = request.GET.get("industry", "")
    if industry in Industry.values:
        rows = rows.filter(industry=industry)
    form = None
    if perms.can_write_employment(user):
        form = CompanyForm(request.POST or None, user=user, alliances=selectors.alliances_visible_to(user))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            alliance = selectors.alliances_visible_to(user).filter(pk=data["alliance"] or 0).first()
            try:
                company = services.company_create(
                    actor=user, name=data["name"], platform=data["platform"], outlet=data["outlet"],
                    industry=data["industry"], credit_code=data["credit_code"], address=data["address"],
                    area=data["area"], alliance=alliance)
            except ApplicationError as exc:
                _fail(form, exc)
            else:
                messages.success(request, _("已登记企业"))
                return redirect("employment:company", company_id=company.pk)
    page, query = paginate(request, rows.order_by("platform", "name", "pk"))
    return render(request, "employment/companies.html", {"page": page, "query": query, "form": form,
                                                         "industries": Industry.choices, "industry": industry})


@guarded(perms.can_read_employment)
def company_detail(request, company_id: int):
    user = request.user
    company = selectors.company_get_for_user(user=user, company_id=company_id)
    workers = selectors.workers_visible_to(user).filter(company=company).order_by("pk")
    page, query = paginate(request, workers)
    per_company, _alliances = selectors.report_counts(selectors.reports_visible_to(user).filter(company=company))
    return render(request, "employment/company.html", {
        "company": company, "page": page, "query": query,
        "services": selectors.services_visible_to(user).filter(company=company).order_by("-date", "-pk")[:20],
        "reports": per_company[0] if per_company else {"made": 0, "resolved": 0},
        "branches": company.branches.select_related("org"),
    })


@guarded(perms.can_read_employment)
def workers(request):
    user = request.user
    rows = selectors.workers_visible_to(user).select_related("company", "work_area")
    kind = request.GET.get("type", "")
    if kind in WorkerType.values:
        rows = rows.filter(worker_type=kind)
    if request.GET.get("party") == "1":
        rows = rows.filter(is_party_member=True)
    form = None
    if perms.can_write_employment(user):
        form = WorkerForm(request.POST or None, user=user, companies=_writable_companies(user))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                company = selectors.company_get_for_user(user=user, company_id=int(data["company"]), write=True)
                worker = services.worker_register(
                    actor=user, company=company, worker_type=data["worker_type"], work_area=data["area"],
                    station=data["station"], consent_on=data["consent_on"], name=data["name"],
                    phone=data["phone"], id_number=data["id_number"], is_party_member=data["is_party_member"],
                    membership_held_at=data["membership_held_at"])
            except ApplicationError as exc:
                _fail(form, exc)
            else:
                messages.success(request, _("已登记从业人员"))
                return redirect("employment:worker", worker_id=worker.pk)
    page, query = paginate(request, rows.order_by("company__platform", "pk"))
    return render(request, "employment/workers.html", {"page": page, "query": query, "form": form,
                                                       "types": WorkerType.choices, "type": kind,
                                                       "party": request.GET.get("party") == "1"})


@guarded(perms.can_read_employment)
def worker_detail(request, worker_id: int):
    user = request.user
    worker = selectors.worker_get_for_user(user=user, worker_id=worker_id)
    return render(request, "employment/worker.html", {
        "worker": worker,
        "can_reveal": perms.can_reveal_in(user, worker.area_path),
        "can_write": perms.can_write_in(user, worker.area_path),
        "services": worker.services.order_by("-date", "-pk")[:20],
        "visits": worker.visits.select_related("facility", "log__service").order_by("-date", "-pk")[:20],
        "reports": worker.reports.select_related("case").order_by("-reported_at")[:20],
    })


@require_POST
@guarded(perms.can_read_employment)
def worker_reveal(request, worker_id: int, field: str):
    if field not in services.REVEALABLE:
        raise Http404
    worker = selectors.worker_get_for_user(user=request.user, worker_id=worker_id)
    try:
        value = services.worker_reveal(actor=request.user, worker=worker, field=field, request=request)
    except RateLimited as exc:
        return HttpResponse(exc.message, status=429, content_type="text/plain; charset=utf-8")
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=403, content_type="text/plain; charset=utf-8")
    return render(request, "employment/_revealed.html", {"value": value})


@require_POST
@guarded(perms.can_write_employment)
def worker_withdraw(request, worker_id: int):
    worker = selectors.worker_get_for_user(user=request.user, worker_id=worker_id, write=True)
    services.worker_withdraw_consent(actor=request.user, worker=worker)
    messages.success(request, _("已撤回同意，姓名、电话和证件号码已删除"))
    return redirect("employment:worker", worker_id=worker.pk)


@guarded(perms.can_read_employment)
def branches(request):
    user = request.user
    rows = selectors.branches_visible_to(user).select_related("org").prefetch_related("instructors", "companies")
    branch_form = instructor_form = None
    if perms.can_write_employment(user):
        companies_ = _writable_companies(user)
        branch_form = BranchForm(request.POST if request.POST.get("form") == "branch" else None,
                                 orgs=selectors.orgs_to_found(user)[:500], companies=companies_,
                                 initial={"founded_on": clock.today()})
        writable = rows.filter(pk__in=selectors.Branch.objects.filter_to_scope(user, roles=perms.WRITE_ROLES))
        instructor_form = InstructorForm(request.POST if request.POST.get("form") == "instructor" else None,
                                         branches=writable, initial={"since": clock.today()})
        form = branch_form if request.POST.get("form") == "branch" else instructor_form
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if form is branch_form:
                    org = selectors.orgs_to_found(user).filter(pk=int(data["org"])).first()
                    services.branch_found(actor=user, org=org, founded_on=data["founded_on"],
                                          companies=companies_.filter(pk__in=[int(c) for c in data["companies"]]))
                    messages.success(request, _("已登记新建党组织"))
                else:
                    branch = selectors.branch_get_for_user(user=user, branch_id=int(data["branch"]), write=True)
                    services.instructor_assign(actor=user, branch=branch, name=data["name"], unit=data["unit"],
                                               since=data["since"])
                    messages.success(request, _("已选派党建指导员"))
            except ApplicationError as exc:
                _fail(form, exc)
            else:
                return redirect("employment:branches")
    page, query = paginate(request, rows.order_by("-founded_on", "pk"))
    return render(request, "employment/branches.html", {"page": page, "query": query,
                                                        "branch_form": branch_form,
                                                        "instructor_form": instructor_form})


@guarded(perms.can_read_employment)
def service_list(request):
    user = request.user
    rows = selectors.services_visible_to(user).select_related("company", "worker")
    kind = request.GET.get("kind", "")
    if kind in ServiceKind.values:
        rows = rows.filter(kind=kind)
    form = None
    if perms.can_write_employment(user):
        form = ServiceForm(request.POST or None, companies=_writable_companies(user),
                           initial={"date": clock.today(), "people": 1})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                company = selectors.company_get_for_user(user=user, company_id=int(data["company"]), write=True)
                worker = (selectors.worker_get_for_user(user=user, worker_id=data["worker"], write=True)
                          if data["worker"] else None)
                services.service_record(actor=user, kind=data["kind"], company=company, worker=worker,
                                        day=data["date"], people=data["people"], provider=data["provider"],
                                        note=data["note"])
            except ApplicationError as exc:
                _fail(form, exc)
            else:
                messages.success(request, _("已记录服务"))
                return redirect("employment:services")
    page, query = paginate(request, rows.order_by("-date", "-pk"))
    visits = selectors.visits_visible_to(user).count()
    return render(request, "employment/services.html", {"page": page, "query": query, "form": form,
                                                        "kinds": ServiceKind.choices, "kind": kind,
                                                        "visits": visits})


@guarded(perms.can_read_employment)
def reports(request):
    per_company, per_alliance = selectors.report_counts(selectors.reports_visible_to(request.user))
    return render(request, "employment/reports.html", {"per_company": per_company, "per_alliance": per_alliance})
