from django import forms
from django.contrib import admin

from wangge.accounts.backoffice import ReferenceDataAdminMixin, ScopedModelAdmin
from wangge.accounts.permissions import AREA_ADMIN_ROLES, AREA_STAFF_ROLES
from wangge.areas.models import Area
from wangge.areas.services import area_set_polygon, polygon_check
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


# Estates and buildings are registered by the people app (wangge/people/admin.py): moving
# one to another grid moves the households bound to it, which areas cannot name.
