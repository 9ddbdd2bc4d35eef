"""Read-only back office for party rows, scoped like the pages: every write goes through
the services. Party secretaries and grid workers reach none of it (BACK_OFFICE_ROLES
holds no party role but street staff and above, and ``read_roles`` names only the
area-scoped party roles)."""

from django.contrib import admin

from wangge.accounts.backoffice import ScopedModelAdmin
from wangge.party.models import Meeting, Member, PartyOrg, Transfer
from wangge.party.permissions import AREA_PARTY_ROLES


class ReadOnlyPartyAdmin(ScopedModelAdmin):
    read_roles = AREA_PARTY_ROLES
    write_roles = frozenset()
    allow_add = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PartyOrg)
class PartyOrgAdmin(ReadOnlyPartyAdmin):
    list_display = ["code", "name", "level", "kind", "secretary_name", "term_started"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]


@admin.register(Member)
class MemberAdmin(ReadOnlyPartyAdmin):
    list_display = ["name", "stage", "status", "org", "admitted_on"]
    list_select_related = ["org"]
    list_filter = ["stage", "status"]
    exclude = ["id_number_enc", "id_number_index", "phone_enc"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyPartyAdmin):
    list_display = ["letter_no", "member", "from_org", "to_org", "issued_on", "valid_until", "status"]
    list_select_related = ["member", "from_org", "to_org"]
    list_filter = ["status", "scope"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyPartyAdmin):
    list_display = ["date", "org", "kind", "topic", "attended", "expected", "valid"]
    list_select_related = ["org"]
    list_filter = ["kind", "valid"]
    date_hierarchy = "date"
