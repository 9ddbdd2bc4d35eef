"""Django admin is the back office, scoped exactly like the pages and the API."""

from django.conf import settings
from django.contrib import admin, messages

from wangge.accounts.permissions import REGISTRY_READ_ROLES, REGISTRY_WRITE_ROLES, has_any_role
from wangge.accounts.scope import filter_to_scope, path_in_scope


class ScopedModelAdmin(admin.ModelAdmin):
    """Rows filtered to the user's subtrees; role predicates replace Django model perms."""

    scope_field = "area_path"
    read_roles = REGISTRY_READ_ROLES
    write_roles = REGISTRY_WRITE_ROLES
    allow_add = True
    allow_delete = False

    def get_queryset(self, request):
        return filter_to_scope(
            super().get_queryset(request), request.user, field=self.scope_field,
            roles=self.read_roles,
        )

    def _object_path(self, obj) -> str:
        value = obj
        for part in self.scope_field.split("__"):
            value = getattr(value, part)
        return value

    def has_module_permission(self, request):
        return request.user.is_active and has_any_role(request.user, self.read_roles)

    def has_view_permission(self, request, obj=None):
        if not has_any_role(request.user, self.read_roles):
            return False
        return obj is None or path_in_scope(request.user, self._object_path(obj), self.read_roles)

    def has_change_permission(self, request, obj=None):
        if not has_any_role(request.user, self.write_roles):
            return False
        return obj is None or path_in_scope(
            request.user, self._object_path(obj), self.write_roles
        )

    def has_add_permission(self, request):
        return self.allow_add and has_any_role(request.user, self.write_roles)

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and self.has_change_permission(request, obj)


class RoleGatedModelAdmin(admin.ModelAdmin):
    """Whole-table admin for configuration that only certain roles may touch."""

    roles: frozenset = frozenset()
    read_only = False

    def has_module_permission(self, request):
        return request.user.is_active and has_any_role(request.user, self.roles)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return not self.read_only and self.has_module_permission(request)

    def has_add_permission(self, request):
        return not self.read_only and self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class ReferenceDataAdminMixin:
    """Admin of data that workers keep a copy of (core.refcache): say when an edit
    reaches every worker, so nobody wonders why another screen still shows the old."""

    def _say_when_it_applies(self, request) -> None:
        self.message_user(
            request,
            f"修改已生效于本服务进程；其他服务进程最迟 {settings.WANGGE_REFCACHE_SECONDS}"
            " 秒后使用新设置。",
            messages.INFO,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._say_when_it_applies(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._say_when_it_applies(request)
