"""Read-only back office for patrol records: every write goes through the services (and the
pages), so that assignments keep roles in step and visits keep their window."""

from django.contrib import admin

from wangge.accounts.backoffice import ScopedModelAdmin
from wangge.patrols.models import GridAssignment, Patrol, Visit
from wangge.patrols.permissions import SUPERVISE_ROLES


class ReadOnlyScopedAdmin(ScopedModelAdmin):
    read_roles = SUPERVISE_ROLES
    write_roles = frozenset()  # read-only: every write goes through the services
    allow_add = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(GridAssignment)
class GridAssignmentAdmin(ReadOnlyScopedAdmin):
    list_display = ["grid", "worker", "since", "until"]
    list_select_related = ["grid", "worker"]
    list_filter = ["until"]
    search_fields = ["worker__username", "grid__name", "grid__code"]


@admin.register(Patrol)
class PatrolAdmin(ReadOnlyScopedAdmin):
    list_display = ["date", "worker", "grid", "started_at", "ended_at", "auto_closed"]
    list_select_related = ["grid", "worker"]
    list_filter = ["date", "auto_closed"]
    search_fields = ["worker__username", "grid__name"]
    date_hierarchy = "date"


@admin.register(Visit)
class VisitAdmin(ReadOnlyScopedAdmin):
    list_display = ["date", "household", "worker", "mode", "outcome", "cadence", "timing"]
    list_select_related = ["household", "worker"]
    list_filter = ["mode", "outcome", "timing", "cadence"]
    search_fields = ["household__code", "worker__username"]
    date_hierarchy = "date"
