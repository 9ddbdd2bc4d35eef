"""Pages of cadre training for organisers and unit officers (the cadre's phone pages are
in views_cadre.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.guards import guarded
from wangge.areas.models import Area
from wangge.core import clock
from wangge.core.errors import ApplicationError
from wangge.core.inputs import int_param
from wangge.core.paging import paginate
from wangge.core.qr import qr_svg

from . import permissions as perms
from . import selectors, services
from .exporting import XLSX, ledger_export
from .forms import ClassForm, CourseForm, CreditForm, NeedForm
from .ledger import annual_ledger, cadre_ledger
from .models import Course, CreditSource, LeaveStatus, NeedCategory
from .qr import check_in_url


def _fail(form, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _year(request) -> int:
    this = clock.today().year
    return int_param(request.GET.get("year"), default=this, low=2000, high=this + 1)


@guarded(perms.can_use_training)
def home(request):
    user = request.user
    if perms.is_cadre(user) and not perms.can_read_ledgers(user):
        return redirect("training:mine")
    year = clock.today().year
    context = {
        "year": year,
        "units": selectors.units_visible_to(user).count(),
        "cadres": selectors.cadres_visible_to(user).count(),
        "classes": selectors.classes_visible_to(user).filter(start__year=year).count(),
        "pending": selectors.enrolments_visible_to(user).filter(leaves__status=LeaveStatus.PENDING).count(),
        "organiser": perms.is_organiser(user),
    }
    return render(request, "training/home.html", context)


@guarded(perms.can_use_training)
def class_list(request):
    user = request.user
    classes = selectors.classes_visible_to(user).select_related("course").order_by("-start", "pk")
    year = request.GET.get("year", "")
    if year.isdigit():
        classes = classes.filter(start__year=int(year))
    kind = request.GET.get("kind", "")
    if kind:
        classes = classes.filter(kind=kind)
    form = None
    if perms.is_organiser(user):
        form = ClassForm(request.POST or None, courses=Course.objects.order_by("topic"),
                         units=selectors.units_visible_to(user))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            area = Area.objects.filter(path__in=_organiser_roots(user)).order_by("depth").first()
            try:
                created = services.class_create(
                    actor=user, title=data["title"], start=data["start"], end=data["end"],
                    hours=data["hours"], kind=data["kind"], area=area,
                    course_id=int(data["course"]) if data["course"] else None,
                    place=data["place"], target_group=data["target_group"],
                    full_time=data["full_time"], credit_mode=data["credit_mode"],
                    unit_ids=[int(u) for u in data["units"]], self_selectable=data["self_selectable"],
                )
            except ApplicationError as exc:
                _fail(form, exc)
            else:
                messages.success(request, _("已开设班次"))
                return redirect("training:class_detail", class_id=created.pk)
    page, query = paginate(request, classes)
    from .models import ClassKind

    return render(request, "training/classes.html", {
        "page": page, "query": query, "form": form, "kinds": ClassKind.choices,
        "kind": kind, "year": year,
    })


def _organiser_roots(user) -> list[str]:
    from wangge.accounts.scope import scope_paths

    return scope_paths(user, perms.ORGANISER_ROLES)


@guarded(perms.can_use_training)
def class_detail(request, class_id: int):
    user = request.user
    training_class = selectors.class_get_for_user(user=user, class_id=class_id)
    roster = selectors.class_roster(user=user, training_class=training_class)
    mine = None
    if perms.is_cadre(user):
        mine = training_class.enrolments.filter(cadre=user.cadre).first()
    can_enrol = perms.can_enrol(user)
    candidates = []
    if can_enrol:
        enrolled = training_class.enrolments.values("cadre_id")
        candidates = selectors.cadres_visible_to(user).filter(active=True).exclude(pk__in=enrolled).order_by("name")[:200]
    leaves = []
    if perms.is_organiser(user):
        leaves = (selectors.enrolments_visible_to(user).filter(training_class=training_class)
                  .filter(leaves__status=LeaveStatus.PENDING)
                  .values("leaves__pk", "leaves__hours", "leaves__reason", "cadre__name"))
    context = {
        "c": training_class, "roster": roster, "mine": mine, "can_enrol": can_enrol,
        "candidates": candidates, "leaves": leaves, "ratings": selectors.class_ratings(training_class=training_class),
        "organiser": perms.is_organiser(user),
    }
    if perms.is_organiser(user):
        context["qr"] = qr_svg(check_in_url(request, training_class), title=_("签到二维码"))
        context["check_in_link"] = check_in_url(request, training_class)
    return render(request, "training/class_detail.html", context)


@require_POST
@guarded(perms.can_enrol)
def class_enrol(request, class_id: int):
    ids = [i for i in request.POST.getlist("cadres") if i.isdigit()]
    try:
        done = services.enrol_cadres(actor=request.user, class_id=class_id, cadre_ids=ids)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已报名 {n} 人").format(n=len(done)))
    return redirect("training:class_detail", class_id=class_id)


@require_POST
@guarded(perms.is_organiser)
def leave_decide(request, class_id: int, leave_id: int):
    try:
        services.leave_decide(actor=request.user, leave_id=leave_id,
                              approve=request.POST.get("approve") == "1")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("training:class_detail", class_id=class_id)


@guarded(perms.can_read_ledgers)
def ledger(request):
    user = request.user
    year = _year(request)
    cadres = selectors.cadres_visible_to(user).filter(active=True)
    units = selectors.units_visible_to(user)
    unit = request.GET.get("unit", "")
    if unit.isdigit():
        cadres = cadres.filter(unit_id=int(unit))
    name = request.GET.get("name", "").strip()[:50]
    if name:
        cadres = cadres.filter(name__contains=name)
    rows = annual_ledger(cadres=cadres, year=year)
    missing = request.GET.get("missing") == "1"
    if missing:
        rows = [r for r in rows if not r.year.met]
    met = sum(1 for r in rows if r.year.met)
    page, query = paginate(request, rows, page_size=30)
    return render(request, "training/ledger.html", {
        "page": page, "query": query, "year": year, "units": units, "unit": unit, "name": name,
        "missing": missing, "met": met, "total": len(rows), "sources": CreditSource.choices,
    })


@guarded(perms.can_read_ledgers)
def ledger_download(request):
    year = _year(request)
    unit = request.GET.get("unit", "")
    filename, handle = ledger_export(
        actor=request.user, year=year, unit_id=int(unit) if unit.isdigit() else None, request=request
    )
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


@guarded(perms.can_use_training)
def cadre_detail(request, cadre_id: int):
    user = request.user
    cadre = selectors.cadre_get_for_user(user=user, cadre_id=cadre_id)
    return _cadre_page(request, cadre)


def _cadre_page(request, cadre, template="training/cadre.html"):
    this = clock.today().year
    years = cadre_ledger(cadre=cadre, years=[this - 2, this - 1, this])
    enrolments = cadre.enrolments.select_related("training_class").order_by("-training_class__start")[:50]
    credits = cadre.credits.order_by("-date")[:50]
    form = None
    if perms.can_enrol(request.user) and request.user != cadre.user:
        form = CreditForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.credit_record_add(
                    actor=request.user, cadre_id=cadre.pk, source=data["source"], on=data["date"],
                    title=data["title"], hours=data["hours"], minutes=data["minutes"],
                )
            except ApplicationError as exc:
                _fail(form, exc)
            else:
                messages.success(request, _("已登记学时"))
                return redirect("training:cadre", cadre_id=cadre.pk)
    return render(request, template, {
        "cadre": cadre, "years": list(reversed(years)), "sources": CreditSource.choices,
        "enrolments": enrolments, "credits": credits, "form": form,
    })


@guarded(perms.can_use_training)
def needs(request):
    user = request.user
    units = list(selectors.units_visible_to(user)) if perms.can_read_ledgers(user) else []
    if not units and not perms.is_cadre(user):
        raise Http404
    form = NeedForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.need_submit(actor=user, category_id=data["category"].pk, text=data["text"],
                                 source=form.source, unit_id=int(data["unit"]) if data.get("unit") else None)
        except ApplicationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("已提交培训需求，谢谢！"))
            return redirect("training:needs")
    listing = selectors.needs_visible_to(user).select_related("category", "course").order_by("-created_at")
    category = request.GET.get("category", "")
    if category.isdigit():
        listing = listing.filter(category_id=int(category))
    page, query = paginate(request, listing)
    return render(request, "training/needs.html", {
        "form": form, "page": page, "query": query, "counts": selectors.need_counts(user=user),
        "categories": NeedCategory.objects.all(), "category": category,
        "show_list": perms.can_read_ledgers(user),
    })


@guarded(perms.can_use_training)
def courses(request):
    user = request.user
    form = None
    if perms.is_organiser(user):
        form = CourseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.course_create(actor=user, topic=data["topic"], category_id=data["category"].pk,
                                       lecturer=data["lecturer"], hours=data["hours"],
                                       lecturer_cadre_id=data["lecturer_cadre"])
            except ApplicationError as exc:
                _fail(form, exc)
            else:
                messages.success(request, _("已添加课程"))
                return redirect("training:courses")
    listing = Course.objects.select_related("category").order_by("-excellent", "topic")
    q = request.GET.get("q", "").strip()[:50]
    if q:
        listing = listing.filter(topic__contains=q)
    page, query = paginate(request, listing)
    return render(request, "training/courses.html", {
        "form": form, "page": page, "query": query, "q": q, "organiser": perms.is_organiser(user),
    })


@require_POST
@guarded(perms.is_organiser)
def course_excellent(request, course_id: int):
    try:
        services.course_mark_excellent(actor=request.user, course_id=course_id,
                                       excellent=request.POST.get("excellent") == "1")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("training:courses"))


def excellent(request):
    """The public page: courses the organisers selected as excellent (no account)."""
    return render(request, "training/excellent.html", {"courses": selectors.excellent_courses()[:100]})
