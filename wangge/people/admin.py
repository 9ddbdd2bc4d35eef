from django.contrib import admin

from wangge.accounts.permissions import AREA_ADMIN_ROLES
from wangge.core.admin import RoleGatedModelAdmin, ScopedModelAdmin
from wangge.people.models import CareTag, Household, Resident


@admin.register(CareTag)
class CareTagAdmin(RoleGatedModelAdmin):
    roles = AREA_ADMIN_ROLES
    list_display = ["code", "name", "cadence", "sensitive"]


@admin.register(Household)
class HouseholdAdmin(ScopedModelAdmin):
    list_display = ["code", "address", "grid"]
    search_fields = ["code", "address"]
    raw_id_fields = ["grid", "building"]
    readonly_fields = ["area_path"]
    allow_add = False  # created through the registry pages so scope and audit apply


@admin.register(Resident)
class ResidentAdmin(ScopedModelAdmin):
    """Protected fields are shown masked and cannot be edited here."""

    list_display = ["name", "gender", "masked_id_number", "masked_phone", "residence_status"]
    list_filter = ["residence_status", "gender", "care_tags"]
    search_fields = ["name"]
    exclude = ["id_number_enc", "id_number_index", "phone_enc", "phone_index"]
    readonly_fields = ["masked_id_number", "masked_phone", "area_path", "household"]
    allow_add = False

    @admin.display(description="证件号码")
    def masked_id_number(self, obj):
        return obj.id_number_masked

    @admin.display(description="联系电话")
    def masked_phone(self, obj):
        return obj.phone_masked
