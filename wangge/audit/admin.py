from django.contrib import admin

from wangge.accounts.backoffice import RoleGatedModelAdmin
from wangge.accounts.permissions import AUDIT_READ_ROLES
from wangge.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(RoleGatedModelAdmin):
    roles = AUDIT_READ_ROLES
    read_only = True
    list_display = ["at", "actor_username", "role", "action", "object_type", "object_id",
                    "outcome", "ip"]
    list_filter = ["action", "outcome"]
    search_fields = ["actor_username", "object_id"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
