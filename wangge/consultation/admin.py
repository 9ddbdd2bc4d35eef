"""Read-only back office: every write goes through the services (scope, locks, audit)."""

from django.contrib import admin

from wangge.accounts.backoffice import ScopedModelAdmin
from wangge.consultation.models import Deliberation, Meeting, Proposal, Resolution
from wangge.consultation.permissions import READ_ROLES


class ReadOnlyScopedAdmin(ScopedModelAdmin):
    read_roles = READ_ROLES
    write_roles = frozenset()
    allow_add = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "community", "source", "status", "support_count", "created_at"]
    list_select_related = ["community"]
    list_filter = ["status", "source"]
    search_fields = ["title"]
    exclude = ["raiser_phone_enc", "client_key"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "community", "kind", "date", "held"]
    list_select_related = ["community"]
    list_filter = ["kind", "held"]
    exclude = ["checkin_token"]


@admin.register(Resolution)
class ResolutionAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "community", "owner", "due_date", "status", "progress"]
    list_select_related = ["community"]
    list_filter = ["status"]


@admin.register(Deliberation)
class DeliberationAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "community", "created_at"]
    list_select_related = ["community"]
