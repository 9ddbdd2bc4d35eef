from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from wangge.accounts.models import Department, LoginThrottle, RoleAssignment, User
from wangge.accounts.permissions import AREA_ADMIN_ROLES, USER_ADMIN_ROLES
from wangge.audit.services import audit_record
from wangge.core.admin import RoleGatedModelAdmin


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["area", "department"]


@admin.register(User)
class UserAdmin(RoleGatedModelAdmin, DjangoUserAdmin):
    """Security admins manage accounts and roles; every change is audited."""

    roles = USER_ADMIN_ROLES
    inlines = [RoleAssignmentInline]
    list_display = ["username", "display_name", "is_active", "last_login"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("display_name", "email")}),
        ("状态", {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(action="permission_change", request=request, obj=obj,
                     detail={"changed": list(form.changed_data)})

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            audit_record(action="permission_change", request=request, obj=form.instance,
                         detail={"roles": [str(a) for a in form.instance.role_assignments.all()]})


@admin.register(Department)
class DepartmentAdmin(RoleGatedModelAdmin):
    roles = AREA_ADMIN_ROLES
    list_display = ["name", "code", "area"]
    raw_id_fields = ["area"]


@admin.register(LoginThrottle)
class LoginThrottleAdmin(RoleGatedModelAdmin):
    roles = USER_ADMIN_ROLES
    list_display = ["username", "failures", "locked_until", "last_failure_at"]
    actions = ["unlock"]

    @admin.action(description="解除锁定")
    def unlock(self, request, queryset):
        from wangge.accounts.backends import account_unlock

        for throttle in queryset:
            account_unlock(actor=request.user, username=throttle.username, request=request)
