"""Read-only back office for the census, scoped like the pages, for district and city
officers (every write goes through the services and the pages). Workers show masked;
their ciphertexts and blind indexes are never on a form."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wangge.accounts.backoffice import ScopedModelAdmin
from wangge.accounts.models import Role

from .models import Branch, Company, ServiceRecord, Worker

ADMIN_READ_ROLES = frozenset({Role.DISTRICT_OFFICER, Role.CITY_OFFICER})


class ReadOnlyEmploymentAdmin(ScopedModelAdmin):
    read_roles = ADMIN_READ_ROLES
    write_roles = frozenset()
    allow_add = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Company)
class CompanyAdmin(ReadOnlyEmploymentAdmin):
    list_display = ["name", "platform", "outlet", "industry", "credit_code", "alliance"]
    list_select_related = ["alliance"]
    list_filter = ["industry"]
    search_fields = ["name", "platform", "credit_code"]


@admin.register(Worker)
class WorkerAdmin(ReadOnlyEmploymentAdmin):
    list_display = ["name_masked_display", "worker_type", "company", "phone_masked_display", "consent_on",
                    "is_party_member"]
    list_select_related = ["company"]
    list_filter = ["worker_type", "is_party_member"]
    exclude = ["name", "id_number_enc", "id_number_index", "phone_enc", "phone_index"]
    readonly_fields = ["name_masked_display", "phone_masked_display"]

    @admin.display(description=_("姓名"))
    def name_masked_display(self, obj):
        return obj.name_masked

    @admin.display(description=_("联系电话"))
    def phone_masked_display(self, obj):
        return obj.phone_masked


@admin.register(Branch)
class BranchAdmin(ReadOnlyEmploymentAdmin):
    list_display = ["org", "founded_on"]
    list_select_related = ["org"]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyEmploymentAdmin):
    list_display = ["date", "kind", "company", "people", "provider"]
    list_select_related = ["company"]
    list_filter = ["kind"]
