"""Pages of devolved powers: the streets, a street's catalogue, its exercise records, its
assessment of stationed offices (prefilled from what the system knows), the results."""

from __future__ import annotations

import tempfile
from datetime import date

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wangge.accounts.guards import guarded
from wangge.audit.services import audit_record
from wangge.core import clock
from wangge.core.errors import ApplicationError
from wangge.core.inputs import int_param
from wangge.core.paging import paginate
from wangge.imports.excel import XlsxWriter

from . import permissions as perms
from . import selectors, services
from .models import Assessment, CriterionSource, PowerKind, StreetPower
from .scoring import criteria_in_force, system_figures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request) -> int:
    this = clock.today().year
    return int_param(request.GET.get("year"), default=this, low=2000, high=this)


def _may_write(user, street) -> bool:
    return selectors.streets_visible_to(user, write=True).filter(pk=street.pk).exists()


@guarded(perms.can_read_powers)
def home(request):
    streets = selectors.streets_visible_to(request.user)
    if perms.can_write_powers(request.user) and streets.count() == 1:
        return redirect("powers:street", street_id=streets.first().pk)
    taken = dict(
        StreetPower.objects.filter(street__in=streets).values_list("street_id").annotate(n=Count("pk"))
    )
    page, query = paginate(request, streets)
    rows = [(street, taken.get(street.pk, 0)) for street in page]
    return render(request, "powers/home.html", {"page": page, "query": query, "rows": rows})


def _street_context(request, street_id: int, tab: str) -> dict:
    street = selectors.street_get_for_user(user=request.user, street_id=street_id)
    return {"street": street, "tab": tab, "may_write": _may_write(request.user, street)}


@guarded(perms.can_read_powers)
def street(request, street_id: int):
    context = _street_context(request, street_id, "catalogue")
    street_area = context["street"]
    if request.method == "POST" and context["may_write"]:
        try:
            services.power_take_on(
                actor=request.user, street_id=street_area.pk, item_id=int_param(request.POST.get("item")),
                received_on=date.fromisoformat(request.POST.get("received_on") or clock.today().isoformat()),
                agreement=request.POST.get("agreement", ""),
            )
        except (ApplicationError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("日期格式有误")))
        else:
            messages.success(request, _("已登记承接"))
        return redirect("powers:street", street_id=street_area.pk)
    rows = selectors.catalogue(street=street_area)
    kind = request.GET.get("kind", "")
    if kind:
        rows = [r for r in rows if r["item"].kind == kind]
    shown = request.GET.get("taken", "")
    if shown == "1":
        rows = [r for r in rows if r["taken"]]
    page, query = paginate(request, rows, page_size=30)
    everything = selectors.catalogue(street=street_area)
    context.update({
        "page": page, "query": query, "kinds": PowerKind.choices, "kind": kind, "taken": shown,
        "count": sum(1 for r in everything if r["taken"]),
        "open_items": [r["item"] for r in everything if not r["taken"]],
        "today": clock.today(),
    })
    return render(request, "powers/street.html", context)


@guarded(perms.can_read_powers)
def exercises(request, street_id: int):
    context = _street_context(request, street_id, "exercises")
    street_area = context["street"]
    powers = StreetPower.objects.filter(street=street_area).select_related("item").order_by("item__code")
    if request.method == "POST" and context["may_write"]:
        try:
            services.exercise_record(
                actor=request.user, power_id=int_param(request.POST.get("power")),
                on=date.fromisoformat(request.POST.get("date") or ""), matter=request.POST.get("matter", ""),
                outcome=request.POST.get("outcome", ""), documents=request.POST.get("documents", ""),
                key=request.POST.get("key", ""),
            )
        except ValueError:
            messages.error(request, _("请填写日期"))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已记录行权"))
            return redirect("powers:exercises", street_id=street_area.pk)
    listing = (selectors.exercises_visible_to(request.user).filter(power__street=street_area)
               .select_related("power__item").order_by("-date", "-pk"))
    power = request.GET.get("power", "")
    if power.isdigit():
        listing = listing.filter(power_id=int(power))
    page, query = paginate(request, listing)
    import secrets

    context.update({"page": page, "query": query, "powers": powers, "power": power,
                    "key": secrets.token_hex(8), "today": clock.today()})
    return render(request, "powers/exercises.html", context)


@guarded(perms.can_read_powers)
def assessments(request, street_id: int):
    context = _street_context(request, street_id, "assessments")
    street_area = context["street"]
    year = _year(request)
    done = {a.department_id: a for a in Assessment.objects.filter(street=street_area, year=year)}
    departments = selectors.stationed_departments(street=street_area)
    context.update({"year": year, "rows": [(d, done.get(d.pk)) for d in departments]})
    return render(request, "powers/assessments.html", context)


@guarded(perms.can_read_powers)
def assess(request, street_id: int, department_id: int):
    context = _street_context(request, street_id, "assessments")
    street_area = context["street"]
    year = _year(request)
    department = selectors.stationed_departments(street=street_area).filter(pk=department_id).first()
    if department is None:
        from django.http import Http404

        raise Http404
    criteria = criteria_in_force()
    assessment = Assessment.objects.filter(street=street_area, department=department, year=year).first()
    figures = system_figures(user=request.user, street=street_area, year=year).get(department.pk, {})
    saved = assessment.scores if assessment else {}
    error = None
    if request.method == "POST" and context["may_write"]:
        scores = {str(c.pk): request.POST.get(f"c{c.pk}", "") for c in criteria}
        try:
            services.assessment_save(
                actor=request.user, street_id=street_area.pk, department_id=department.pk, year=year,
                scores=scores, comment=request.POST.get("comment", ""),
                submit=request.POST.get("submit") == "1",
                version=int_param(request.POST.get("version"), default=None, low=0),
            )
        except ApplicationError as exc:
            error = exc.message
            saved = scores
        else:
            messages.success(request, _("已保存考核"))
            return redirect(f"{request.path}?year={year}")
    rows = []
    for c in criteria:
        system = figures.get(c.source)
        value = saved.get(str(c.pk)) if str(c.pk) in saved else system
        rows.append({"c": c, "system": system, "value": "" if value is None else value,
                     "automatic": c.source != CriterionSource.STREET})
    context.update({"year": year, "department": department, "rows": rows, "a": assessment,
                    "figures": figures, "error": error,
                    "editable": context["may_write"] and not (assessment and assessment.status == "submitted")})
    return render(request, "powers/assess.html", context)


def _results(request):
    year = _year(request)
    listing = (selectors.assessments_visible_to(request.user).filter(year=year)
               .select_related("street", "department").order_by("department__name", "street__path"))
    return year, listing


@guarded(perms.can_read_powers)
def results(request):
    year, listing = _results(request)
    page, query = paginate(request, listing, page_size=30)
    return render(request, "powers/results.html", {"page": page, "query": query, "year": year,
                                                   "criteria": criteria_in_force()})


@guarded(perms.can_read_powers)
def results_export(request):
    year, listing = _results(request)
    criteria = criteria_in_force()
    title = _("派驻机构考核")
    writer = XlsxWriter()
    writer.sheet(title, [_("派驻机构"), _("街道"), _("年度")] + [c.name for c in criteria]
                 + [_("总分"), _("状态"), _("评语")])
    count = 0
    for a in listing.iterator():
        writer.append(title, [a.department.name, a.street.name, a.year]
                      + [a.scores.get(str(c.pk)) for c in criteria]
                      + [float(a.total), a.get_status_display(), a.comment])
        count += 1
    handle = tempfile.TemporaryFile(prefix="wangge-powers-", suffix=".xlsx")  # noqa: SIM115
    writer.save(handle)
    handle.seek(0)
    audit_record(action="export", actor=request.user, request=request, object_type="powers.assessment",
                 detail={"year": year, "rows": count, "kind": "powers_assessment"})
    return FileResponse(handle, as_attachment=True, filename=f"{year}-{title}.xlsx", content_type=XLSX)
