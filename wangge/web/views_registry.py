"""Registry editing pages: households and residents, through the people services."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from wangge.accounts import permissions
from wangge.accounts.ratelimit import bulk_read_charge
from wangge.core.errors import ApplicationError
from wangge.core.identity import birth_date_from_id, gender_from_id, normalize_id_number
from wangge.people.selectors import household_get_for_user, resident_get_for_user
from wangge.people.services import (
    household_create,
    household_move,
    resident_create,
    resident_update,
)
from wangge.web.forms_registry import HouseholdForm, HouseholdMoveForm, ResidentForm
from wangge.web.views import guarded


def _apply_error(form, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@guarded(permissions.can_read_registry)
def household_detail(request, household_id: int):
    household = household_get_for_user(user=request.user, household_id=household_id)
    bulk_read_charge(user=request.user, rows=1, request=request, what="household")
    return render(request, "web/household_detail.html", {
        "household": household,
        "residents": household.residents.order_by("id"),
        "can_write": permissions.can_write_registry(request.user),
        "move_form": HouseholdMoveForm(user=request.user),
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
            messages.success(request, f"已新增户 {household.code}")
            return redirect("web:household_detail", household.id)
    return render(request, "web/form_page.html", {"form": form, "title": "新增户",
                                                  "back": "web:household_list"})


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
            messages.success(request, f"已迁入 {form.cleaned_data['grid'].name}")
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("web:household_detail", household.id)


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
            messages.success(request, f"已登记居民 {resident.name}")
            return redirect("web:household_detail", household.id)
    return render(request, "web/form_page.html", {
        "form": form, "title": f"登记居民 · {household.address}", "back": "web:household_list",
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
            messages.success(request, "已保存")
            return redirect("web:resident_detail", resident.id)
    return render(request, "web/form_page.html", {"form": form, "title": f"编辑 · {resident.name}",
                                                  "back": "web:resident_list"})
