"""Back office: the configurable catalogues (types, services) are edited here; facilities
are read-only here (their writes go through the services and the pages, which recompute
coverage)."""

from django.contrib import admin

from wangge.accounts.backoffice import RoleGatedModelAdmin, ScopedModelAdmin
from wangge.accounts.permissions import AREA_ADMIN_ROLES

from .models import Facility, FacilityType, Network, Service, ServiceLog
from .permissions import READ_ROLES


@admin.register(FacilityType)
class FacilityTypeAdmin(RoleGatedModelAdmin):
    roles = AREA_ADMIN_ROLES
    list_display = ["code", "name", "circle", "order", "active"]
    list_editable = ["circle", "order", "active"]


@admin.register(Service)
class ServiceAdmin(RoleGatedModelAdmin):
    roles = AREA_ADMIN_ROLES
    list_display = ["code", "name", "order"]


class ReadOnlyScopedAdmin(ScopedModelAdmin):
    read_roles = READ_ROLES
    write_roles = frozenset()
    allow_add = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Facility)
class FacilityAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "facility_type", "area", "active"]
    list_select_related = ["facility_type", "area"]
    list_filter = ["facility_type", "active"]
    search_fields = ["name", "address"]


@admin.register(ServiceLog)
class ServiceLogAdmin(ReadOnlyScopedAdmin):
    list_display = ["date", "facility", "service", "people"]
    list_select_related = ["facility", "service"]
    date_hierarchy = "date"


@admin.register(Network)
class NetworkAdmin(RoleGatedModelAdmin):
    roles = AREA_ADMIN_ROLES
    list_display = ["name", "nodes", "edges", "synthetic", "loaded_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
