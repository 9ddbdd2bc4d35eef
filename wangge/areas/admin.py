from django.contrib import admin

from wangge.accounts.permissions import AREA_ADMIN_ROLES, REGISTRY_READ_ROLES
from wangge.areas.models import Area, Building, Estate
from wangge.core.admin import ReferenceDataAdminMixin, ScopedModelAdmin


@admin.register(Area)
class AreaAdmin(ReferenceDataAdminMixin, ScopedModelAdmin):
    scope_field = "path"
    read_roles = REGISTRY_READ_ROLES | AREA_ADMIN_ROLES
    write_roles = AREA_ADMIN_ROLES
    allow_add = False  # nodes are added through the tree service so paths stay valid
    list_display = ["name", "code", "kind", "depth"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth", "numchild", "min_lat", "max_lat", "min_lng", "max_lng"]
    ordering = ["path"]


@admin.register(Estate)
class EstateAdmin(ScopedModelAdmin):
    list_display = ["name", "grid", "has_property_management"]
    search_fields = ["name"]
    raw_id_fields = ["grid"]


@admin.register(Building)
class BuildingAdmin(ScopedModelAdmin):
    list_display = ["name", "estate", "grid", "address"]
    search_fields = ["name", "address"]
    raw_id_fields = ["grid", "estate"]
