"""Back office: city officers keep the standard list and the assessment criteria; the
streets' catalogues, records and assessments are read-only here (the pages write them)."""

from django.contrib import admin

from wangge.accounts.backoffice import RoleGatedModelAdmin, ScopedModelAdmin
from wangge.accounts.models import Role

from .models import Assessment, Criterion, PowerExercise, PowerItem, StreetPower
from .permissions import READ_ROLES

CONFIG_ROLES = frozenset({Role.CITY_OFFICER, Role.SYSTEM_ADMIN})


@admin.register(PowerItem)
class PowerItemAdmin(RoleGatedModelAdmin):
    roles = CONFIG_ROLES
    list_display = ["code", "name", "kind", "department", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["department"]


@admin.register(Criterion)
class CriterionAdmin(RoleGatedModelAdmin):
    roles = CONFIG_ROLES
    list_display = ["name", "source", "weight", "order"]


class ReadOnlyScopedAdmin(ScopedModelAdmin):
    read_roles = READ_ROLES
    write_roles = frozenset()
    allow_add = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StreetPower)
class StreetPowerAdmin(ReadOnlyScopedAdmin):
    list_display = ["street", "item", "received_on", "agreement"]
    list_select_related = ["street", "item"]
    search_fields = ["item__name", "item__code"]


@admin.register(PowerExercise)
class PowerExerciseAdmin(ReadOnlyScopedAdmin):
    list_display = ["date", "power", "matter"]
    list_select_related = ["power__item"]
    date_hierarchy = "date"


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyScopedAdmin):
    list_display = ["year", "street", "department", "total", "status"]
    list_select_related = ["street", "department"]
    list_filter = ["year", "status"]
