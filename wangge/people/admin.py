from django import forms
from django.contrib import admin

from wangge.accounts.backoffice import RoleGatedModelAdmin, ScopedModelAdmin
from wangge.accounts.permissions import AREA_ADMIN_ROLES, AREA_RECORD_WRITE_ROLES, AREA_STAFF_ROLES
from wangge.areas.models import Building, Estate
from wangge.people.models import CareTag, Household, Resident
from wangge.people.permissions import REGISTRY_READ_ROLES, REGISTRY_WRITE_ROLES
from wangge.people.services import (
    _UPDATABLE,
    building_move,
    estate_move,
    household_move,
    resident_update,
)


@admin.register(CareTag)
class CareTagAdmin(RoleGatedModelAdmin):
    roles = AREA_ADMIN_ROLES
    list_display = ["code", "name", "cadence", "sensitive"]


class HouseholdAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        grid, building = cleaned.get("grid"), cleaned.get("building")
        if grid is not None and building is not None and building.grid_id != grid.id:
            self.add_error("building", "楼栋不在该网格内")
        return cleaned


@admin.register(Household)
class HouseholdAdmin(ScopedModelAdmin):
    """A move to another grid goes through ``household_move`` like the page's, so the
    residents' scope follows."""

    read_roles = REGISTRY_READ_ROLES
    write_roles = REGISTRY_WRITE_ROLES

    form = HouseholdAdminForm
    list_display = ["code", "address", "grid"]
    search_fields = ["code", "address"]
    autocomplete_fields = ["grid", "building"]
    # The code is unique city-wide: editable here it would tell whether another area has
    # a household of that code ("already exists"); it is set once, on the pages.
    readonly_fields = ["code", "area_path"]
    allow_add = False  # created through the registry pages so scope and audit apply

    def write_object(self, request, obj, form, change):
        if change and "grid" in form.changed_data:
            household_move(
                actor=request.user,
                household=Household.objects.get(pk=obj.pk),
                grid=obj.grid,
                building=obj.building,
            )
        obj.area_path = obj.grid.path
        super().write_object(request, obj, form, change)


@admin.register(Resident)
class ResidentAdmin(ScopedModelAdmin):
    """Protected fields are shown masked and cannot be edited here; edits go through
    ``resident_update`` like the page's."""

    read_roles = REGISTRY_READ_ROLES
    write_roles = REGISTRY_WRITE_ROLES

    list_display = ["name", "gender", "masked_id_number", "masked_phone", "residence_status"]
    list_filter = ["residence_status", "gender", "care_tags"]
    search_fields = ["name"]
    exclude = ["id_number_enc", "id_number_index", "phone_enc", "phone_index"]
    readonly_fields = ["masked_id_number", "masked_phone", "area_path", "household", "doc_type"]
    allow_add = False

    @admin.display(description="证件号码")
    def masked_id_number(self, obj):
        return obj.id_number_masked

    @admin.display(description="联系电话")
    def masked_phone(self, obj):
        return obj.phone_masked

    def write_object(self, request, obj, form, change):
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in _UPDATABLE
        }
        care_tags = form.cleaned_data["care_tags"] if "care_tags" in form.changed_data else None
        resident_update(
            actor=request.user,
            resident=Resident.objects.get(pk=obj.pk),
            care_tags=care_tags,
            **changes,
        )

    def save_related(self, request, form, formsets, change):
        # Care tags were set by resident_update; the form's own m2m save is skipped.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


# --- estates and buildings ---------------------------------------------------------------
# The areas app's models, registered here: moving one to another grid moves the
# households (and their residents' scope) bound to it, which the areas app cannot name.


class _GridBoundForm(forms.ModelForm):
    """The related objects the admin lists are scoped already; these are the checks
    between fields that the pages' services make too."""

    def _grid(self):
        return self.cleaned_data.get("grid") or getattr(self.instance, "grid", None)


class EstateAdminForm(_GridBoundForm):
    def clean(self):
        cleaned = super().clean()
        grid = cleaned.get("grid")
        if self.instance.pk and grid is not None and "grid" in self.changed_data:
            # The buildings move along; all of them must be the editor's to move.
            outside = (
                Building.objects.filter(estate=self.instance)
                .exclude(area_path__in=self._write_paths())
                .exists()
            )
            if outside:
                self.add_error("grid", "该小区有不在您管辖范围内的楼栋，不能整体迁移")
        return cleaned

    def _write_paths(self):
        return list(self.fields["grid"].queryset.values_list("path", flat=True))


class BuildingAdminForm(_GridBoundForm):
    def clean(self):
        cleaned = super().clean()
        grid, estate = cleaned.get("grid"), cleaned.get("estate")
        if grid is not None and estate is not None and estate.grid_id != grid.id:
            self.add_error("estate", "小区不在该网格内")
        return cleaned


@admin.register(Estate)
class EstateAdmin(ScopedModelAdmin):
    """Moving an estate to another grid moves its buildings, households and residents."""

    read_roles = AREA_STAFF_ROLES
    write_roles = AREA_RECORD_WRITE_ROLES

    form = EstateAdminForm
    list_display = ["name", "grid", "has_property_management"]
    search_fields = ["name"]
    autocomplete_fields = ["grid"]

    def write_object(self, request, obj, form, change):
        if change and "grid" in form.changed_data:
            estate_move(actor=request.user, estate=Estate.objects.get(pk=obj.pk), grid=obj.grid)
        super().write_object(request, obj, form, change)


@admin.register(Building)
class BuildingAdmin(ScopedModelAdmin):
    """Moving a building to another grid moves its households and their residents."""

    read_roles = AREA_STAFF_ROLES
    write_roles = AREA_RECORD_WRITE_ROLES

    form = BuildingAdminForm
    list_display = ["name", "estate", "grid", "address"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["grid", "estate"]

    def write_object(self, request, obj, form, change):
        if change and "grid" in form.changed_data:
            building_move(
                actor=request.user, building=Building.objects.get(pk=obj.pk), grid=obj.grid
            )
        super().write_object(request, obj, form, change)
