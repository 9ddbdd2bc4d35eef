"""Back office for the closed loop's configuration.

Routing rules are edited by street, district and city staff within their subtree; the
category tree, deadlines, the holiday calendar and KPI weights by city officers and
system administrators. Cases themselves are read-only here: only the workflow service
changes them.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from wangge.accounts.backoffice import (
    ReferenceDataAdminMixin,
    RoleGatedModelAdmin,
    ScopedModelAdmin,
)
from wangge.accounts.models import Department, Role
from wangge.accounts.scope import filter_to_scope, path_in_scope
from wangge.areas.models import Area
from wangge.cases.models import CalendarDay, Case, Category, KpiWeights, RoutingRule, SlaPolicy

CONFIG_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.CITY_OFFICER})
ROUTING_ROLES = frozenset({Role.STREET_STAFF, Role.DISTRICT_OFFICER, Role.CITY_OFFICER})


@admin.register(Category)
class CategoryAdmin(ReferenceDataAdminMixin, TreeAdmin, RoleGatedModelAdmin):
    roles = CONFIG_ROLES
    form = movenodeform_factory(
        Category, fields=["code", "name", "default_priority", "open311_enabled", "public", "active"]
    )
    list_display = ["name", "code", "default_priority", "open311_enabled", "public", "active"]
    search_fields = ["name", "code"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(RoleGatedModelAdmin):
    roles = CONFIG_ROLES
    list_display = ["__str__", "sign_minutes", "resolve_minutes", "working_time"]
    list_filter = ["priority", "working_time"]
    raw_id_fields = ["category"]


@admin.register(CalendarDay)
class CalendarDayAdmin(RoleGatedModelAdmin):
    """Each year's official arrangement: enter every weekday holiday and every working
    weekend day. A year with no row is counted with plain weekends."""

    roles = CONFIG_ROLES
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(KpiWeights)
class KpiWeightsAdmin(RoleGatedModelAdmin):
    roles = CONFIG_ROLES
    list_display = ["__str__", "response", "resolution", "satisfaction"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not KpiWeights.objects.exists()


@admin.register(RoutingRule)
class RoutingRuleAdmin(ReferenceDataAdminMixin, ScopedModelAdmin):
    scope_field = "area__path"
    read_roles = ROUTING_ROLES
    write_roles = ROUTING_ROLES
    allow_delete = True
    list_display = ["category", "area", "handler_department", "handler_area"]
    list_filter = ["category"]
    search_fields = ["category__name", "area__name", "handler_department__name"]
    autocomplete_fields = []
    # A rule may hand cases to a department above the editor's subtree (a district bureau).
    unscoped_related_fields = ("handler_department",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("area", "handler_area"):
            kwargs["queryset"] = filter_to_scope(
                Area.objects.order_by("path"), request.user, field="path", roles=ROUTING_ROLES
            )
        elif db_field.name == "handler_department":
            kwargs["queryset"] = Department.objects.select_related("area").order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The form's choices are scoped, but a crafted POST must not escape the subtree.
        if not path_in_scope(request.user, obj.area.path, ROUTING_ROLES):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(Case)
class CaseAdmin(ScopedModelAdmin):
    read_roles = frozenset(
        {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_OFFICER, Role.CITY_OFFICER}
    )
    write_roles = frozenset()
    allow_add = False
    list_display = ["number", "category", "status", "priority", "created_at", "resolve_due_at"]
    list_filter = ["status", "priority", "source"]
    search_fields = ["number"]
    # Reporter contact never appears here: anonymous reports stay anonymous.
    exclude = ["reporter", "reporter_name", "reporter_phone_enc", "token"]
    ordering = ["-created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude]
