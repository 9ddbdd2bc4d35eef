"""Registry pages: residents and households (lists, details, editing) and the care-tag
counts, through the people selectors and services."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wangge.accounts.guards import guarded
from wangge.accounts.ratelimit import RateLimited, bulk_read_charge
from wangge.core.errors import ApplicationError, PermissionRefused
from wangge.core.identity import birth_date_from_id, gender_from_id, normalize_id_number
from wangge.core.nav import panels_html
from wangge.core.paging import paginate
from wangge.people import permissions
from wangge.people.forms import (
    HouseholdForm,
    HouseholdMoveForm,
    ResidentFilterForm,
    ResidentForm,
)
from wangge.people.selectors import (
    care_tag_counts,
    household_get_for_user,
    household_list_visible_to,
    resident_get_for_user,
    resident_list_visible_to,
)
from wangge.people.services import (
    REVEALABLE_FIELDS,
    household_create,
    household_move,
    resident_create,
    resident_reveal,
    resident_update,
)


def _apply_error(form, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@guarded(permissions.can_read_registry)
def resident_list(request):
    form = ResidentFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    residents = resident_list_visible_to(
        user=request.user,
        area=filters.get("area"),
        name=filters.get("name", ""),
        care_tag=filters.get("care_tag", ""),
        residence_status=filters.get("residence_status", ""),
        id_number=filters.get("id_number", ""),
    ).select_related("household__grid")
    page, query = paginate(request, residents)
    bulk_read_charge(user=request.user, rows=len(page), request=request)
    template = (
        "people/_resident_rows.html" if request.headers.get("HX-Request")
        else "people/resident_list.html"
    )
    return render(request, template, {
        "form": form, "page": page, "query": query,
        "can_export": permissions.can_export(request.user),
    })


@guarded(permissions.can_read_registry)
def resident_detail(request, resident_id: int):
    resident = resident_get_for_user(user=request.user, resident_id=resident_id)
    bulk_read_charge(user=request.user, rows=1, request=request)
    return render(request, "people/resident_detail.html", {
        "resident": resident,
        "can_reveal": permissions.can_reveal_personal_data(request.user),
        "tags": resident.care_tags.all(),
    })


@require_POST
@guarded(permissions.can_read_registry)
def resident_reveal_view(request, resident_id: int, field: str):
    if field not in REVEALABLE_FIELDS:
        raise Http404
    resident = resident_get_for_user(user=request.user, resident_id=resident_id)
    try:
        value = resident_reveal(actor=request.user, resident=resident, field=field, request=request)
    except PermissionRefused as exc:
        return HttpResponseForbidden(exc.message)
    except RateLimited as exc:
        return HttpResponse(exc.message, status=429, content_type="text/plain; charset=utf-8")
    return render(request, "people/_revealed.html", {"value": value, "field": field})


@guarded(permissions.can_read_registry)
def household_list(request):
    q = request.GET.get("q", "")[:50]
    households = household_list_visible_to(user=request.user, q=q)
    page, query = paginate(request, households)
    bulk_read_charge(user=request.user, rows=len(page), request=request, what="household")
    return render(request, "people/household_list.html", {
        "page": page, "query": query, "q": q,
        "can_write": permissions.can_write_registry(request.user),
        "can_export": permissions.can_export(request.user),
    })


@guarded(permissions.can_read_registry)
def care_tag_counts_view(request):
    form = ResidentFilterForm(request.GET or None, user=request.user)
    area = form.cleaned_data.get("area") if form.is_valid() else None
    rows = care_tag_counts(user=request.user, area=area)
    return render(request, "people/care_tag_counts.html", {"rows": rows, "form": form, "area": area})


@guarded(permissions.can_read_registry)
def household_detail(request, household_id: int):
    household = household_get_for_user(user=request.user, household_id=household_id)
    bulk_read_charge(user=request.user, rows=1, request=request, what="household")
    return render(request, "people/household_detail.html", {
        "household": household,
        "residents": household.residents.order_by("id"),
        "can_write": permissions.can_write_registry(request.user),
        "move_form": HouseholdMoveForm(user=request.user),
        # Sections other apps add (e.g. the household's 党员中心户), each checking its own scope.
        "panels": panels_html("people.household", request, household),
    })


@require_http_methods(["GET", "POST"])
@guarded(permissions.can_write_registry)
def household_new(request):
    form = HouseholdForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            household = household_create(
                actor=request.user, request=request, **form.cleaned_data
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("已新增户 %(code)s") % {"code": household.code})
            return redirect("people:household_detail", household.id)
    return render(request, "people/form_page.html", {"form": form, "title": _("新增户"),
                                                  "back": "people:household_list"})


@require_http_methods(["POST"])
@guarded(permissions.can_write_registry)
def household_move_view(request, household_id: int):
    household = household_get_for_user(user=request.user, household_id=household_id)
    form = HouseholdMoveForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            household_move(actor=request.user, household=household, grid=form.cleaned_data["grid"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已迁入 %(grid)s") % {"grid": form.cleaned_data["grid"].name})
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("people:household_detail", household.id)


@require_http_methods(["GET", "POST"])
@guarded(permissions.can_write_registry)
def resident_new(request, household_id: int):
    household = household_get_for_user(user=request.user, household_id=household_id)
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if data["doc_type"] == "id_card" and not data["birth_date"]:
                number = normalize_id_number(data["id_number"])
                data["birth_date"] = birth_date_from_id(number)
                data["gender"] = gender_from_id(number) or data["gender"]
            resident = resident_create(
                actor=request.user, household=household, request=request, **data
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("已登记居民 %(name)s") % {"name": resident.name})
            return redirect("people:household_detail", household.id)
    return render(request, "people/form_page.html", {
        "form": form, "title": _("登记居民 · %(address)s") % {"address": household.address}, "back": "people:household_list",
    })


@require_http_methods(["GET", "POST"])
@guarded(permissions.can_write_registry)
def resident_edit(request, resident_id: int):
    resident = resident_get_for_user(user=request.user, resident_id=resident_id)
    initial = {field: getattr(resident, field) for field in (
        "name", "gender", "birth_date", "relation", "residence_status", "ethnicity", "notes")}
    initial.update(phone=resident.phone_masked, care_tags=resident.care_tags.all())
    form = ResidentForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        phone = data.pop("phone")
        care_tags = data.pop("care_tags")
        try:
            resident_update(
                actor=request.user, resident=resident, care_tags=care_tags,
                # An unchanged masked value means "keep the stored phone".
                phone=None if phone == resident.phone_masked else phone, **data,
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("people:resident_detail", resident.id)
    return render(request, "people/form_page.html", {"form": form, "title": _("编辑 · %(name)s") % {"name": resident.name},
                                                  "back": "people:resident_list"})
