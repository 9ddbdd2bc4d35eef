from django import forms
from django.contrib import admin

from wangge.accounts.permissions import AREA_ADMIN_ROLES, AREA_RECORD_WRITE_ROLES, AREA_STAFF_ROLES
from wangge.areas.models import Area, Building, Estate
from wangge.areas.services import area_set_polygon, polygon_check
from wangge.core.admin import ReferenceDataAdminMixin, ScopedModelAdmin
from wangge.core.errors import ApplicationError


class AreaAdminForm(forms.ModelForm):
    def clean_polygon(self):
        polygon = self.cleaned_data.get("polygon")
        try:
            polygon_check(polygon)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc
        return polygon


@admin.register(Area)
class AreaAdmin(ReferenceDataAdminMixin, ScopedModelAdmin):
    form = AreaAdminForm
    scope_field = "path"
    read_roles = AREA_STAFF_ROLES | AREA_ADMIN_ROLES
    write_roles = AREA_ADMIN_ROLES
    allow_add = False  # nodes are added through the tree service so paths stay valid
    list_display = ["name", "code", "kind", "depth"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    # The kind is fixed by the node's depth in the strict tree.
    readonly_fields = [
        "kind",
        "path",
        "depth",
        "numchild",
        "min_lat",
        "max_lat",
        "min_lng",
        "max_lng",
    ]
    ordering = ["path"]

    def write_object(self, request, obj, form, change):
        super().write_object(request, obj, form, change)
        if "polygon" in form.changed_data:
            area_set_polygon(area=obj, polygon=obj.polygon)  # keeps the bounding box right


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
        from wangge.people.services import estate_move

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
        from wangge.people.services import building_move

        if change and "grid" in form.changed_data:
            building_move(
                actor=request.user, building=Building.objects.get(pk=obj.pk), grid=obj.grid
            )
        super().write_object(request, obj, form, change)
