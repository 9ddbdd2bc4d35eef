"""Back office for cadre training: the rules (credit hours, requirements, need categories)
for city officers and system administrators; units, cadres and classes read-only within
the city officers' subtree. The organisation department and unit officers work on the
pages (they have no back office, wangge.accounts.backoffice.BACK_OFFICE_ROLES)."""

from django.contrib import admin

from wangge.accounts.backoffice import RoleGatedModelAdmin, ScopedModelAdmin
from wangge.accounts.models import Role

from .models import Cadre, CreditRules, NeedCategory, Requirement, TrainingClass, TrainingUnit

CONFIG_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.CITY_OFFICER})
READ_ROLES = frozenset({Role.CITY_OFFICER})


@admin.register(CreditRules)
class CreditRulesAdmin(RoleGatedModelAdmin):
    roles = CONFIG_ROLES
    list_display = ["__str__", "hours_per_day", "online_full_minutes", "teaching_multiplier", "carry_over_cap"]


@admin.register(Requirement)
class RequirementAdmin(RoleGatedModelAdmin):
    roles = CONFIG_ROLES
    list_display = ["group", "hours", "years", "days"]


@admin.register(NeedCategory)
class NeedCategoryAdmin(RoleGatedModelAdmin):
    roles = CONFIG_ROLES
    list_display = ["name", "order"]


class ReadOnlyScopedAdmin(ScopedModelAdmin):
    read_roles = READ_ROLES
    write_roles = frozenset()
    allow_add = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TrainingUnit)
class TrainingUnitAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "area", "department"]
    search_fields = ["name"]


@admin.register(Cadre)
class CadreAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "unit", "group", "is_party_member", "active"]
    list_select_related = ["unit"]
    list_filter = ["group", "active"]
    search_fields = ["name"]


@admin.register(TrainingClass)
class TrainingClassAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "kind", "start", "end", "hours", "full_time"]
    list_filter = ["kind", "full_time"]
    search_fields = ["title"]
    exclude = ["token"]
