"""Read-only back office: every write goes through the services (scope, locks, audit)."""

from django.contrib import admin

from wangge.accounts.backoffice import ScopedModelAdmin
from wangge.property.models import (
    CaseEstate,
    EstateProfile,
    FeeRecord,
    OwnersCommittee,
    PropertyCompany,
)
from wangge.property.permissions import READ_ROLES


class ReadOnlyScopedAdmin(ScopedModelAdmin):
    read_roles = READ_ROLES
    write_roles = frozenset()
    allow_add = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PropertyCompany)
class PropertyCompanyAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "credit_code", "contact_name", "created_at"]
    search_fields = ["name", "credit_code"]
    exclude = ["contact_phone_enc"]


@admin.register(EstateProfile)
class EstateProfileAdmin(ReadOnlyScopedAdmin):
    list_display = ["estate", "mode", "company", "fee_per_m2"]
    list_select_related = ["estate", "company"]
    list_filter = ["mode"]


@admin.register(OwnersCommittee)
class OwnersCommitteeAdmin(ReadOnlyScopedAdmin):
    list_display = ["estate", "kind", "chair_name", "members", "term_ends"]
    list_select_related = ["estate"]
    list_filter = ["kind"]


@admin.register(FeeRecord)
class FeeRecordAdmin(ReadOnlyScopedAdmin):
    list_display = ["estate", "period", "amount_due", "amount_paid", "households_due", "households_paid"]
    list_select_related = ["estate"]


@admin.register(CaseEstate)
class CaseEstateAdmin(ReadOnlyScopedAdmin):
    list_display = ["case", "estate", "company", "linked_at"]
    list_select_related = ["case", "estate", "company"]
