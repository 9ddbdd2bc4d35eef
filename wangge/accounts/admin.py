from django import forms
from django.contrib import admin
from django.contrib.auth import password_validation
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from wangge.accounts.backoffice import RoleGatedModelAdmin, ScopedInlineMixin
from wangge.accounts.models import Department, LoginThrottle, Role, RoleAssignment, User
from wangge.accounts.permissions import AREA_ADMIN_ROLES, USER_ADMIN_ROLES, has_any_role
from wangge.accounts.services import role_assign, role_revoke, roles_separation_check
from wangge.audit.services import audit_record
from wangge.core import clock
from wangge.core.errors import ApplicationError

# Roles are RoleAssignments on the area tree; Django's groups and model permissions are
# not used, so their admin (which no role gates) is not offered.
admin.site.unregister(Group)
# TOTP devices hold secrets; the security admin resets a user's second factor from the
# role page (otp_reset, audited), so django-otp's own admin is not offered.
admin.site.unregister(TOTPDevice)

GLOBAL_ROLES = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}


class _AsStaff:
    """The user as the password validators see it in the back office: always staff, so
    the staff character-class rule applies to every password set here."""

    is_staff = True

    def __init__(self, user):
        self._user = user

    def __getattr__(self, name):
        return getattr(self._user, name)


class StaffPasswordMixin:
    def validate_password_for_user(self, user, password_field_name="password2", **kwargs):  # noqa: S107
        password = self.cleaned_data.get(password_field_name)
        if password and self.cleaned_data.get("set_usable_password", True):
            try:
                password_validation.validate_password(password, _AsStaff(user))
            except ValidationError as error:
                self.add_error(password_field_name, error)


class StaffUserCreationForm(StaffPasswordMixin, AdminUserCreationForm):
    """Accounts made in the back office are staff accounts, with the staff password rule."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.is_staff = True


class StaffPasswordChangeForm(StaffPasswordMixin, AdminPasswordChangeForm):
    pass


class RoleAssignmentForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if (
            role
            and role not in GLOBAL_ROLES
            and not (cleaned.get("area") or cleaned.get("department"))
        ):
            raise ValidationError(_("该角色必须指定区域或部门"))
        if cleaned.get("area") and cleaned.get("department"):
            raise ValidationError(_("区域和部门只能选择其一"))
        if role == Role.DEPARTMENT_HANDLER and not cleaned.get("department"):
            self.add_error("department", _("职能部门办理人必须指定部门"))
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("失效日期不能早于生效日期"))
        elif self.has_changed() and valid_until and valid_until < clock.today():
            self.add_error("valid_until", _("失效日期不能早于今天"))
        return cleaned


class RoleAssignmentFormSet(BaseInlineFormSet):
    """The roles the account holds once saved keep three-role separation (三员分立); the
    refusal is a form error here, so ``role_assign`` in write_formset does not meet it."""

    request = None  # set per request by RoleAssignmentInline.get_formset

    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        shown = {form.instance.pk for form in self.forms if form.instance.pk}
        roles = set(
            RoleAssignment.objects.filter(user=self.instance)
            .exclude(pk__in=shown)
            .values_list("role", flat=True)
        )
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("role") and not self._should_delete_form(form):
                roles.add(data["role"])
        try:
            roles_separation_check(
                actor=getattr(self.request, "user", None),
                user=self.instance,
                roles=roles,
                request=self.request,
            )
        except ApplicationError as exc:
            raise ValidationError(exc.message) from exc


class RoleAssignmentInline(ScopedInlineMixin, admin.TabularInline):
    """Grants go through ``role_assign``; nobody grants or revokes their own roles."""

    model = RoleAssignment
    form = RoleAssignmentForm
    formset = RoleAssignmentFormSet
    extra = 0
    raw_id_fields = ["area", "department"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)  # a new class on each call
        formset.request = request
        return formset

    def has_view_permission(self, request, obj=None):
        return has_any_role(request.user, USER_ADMIN_ROLES)

    def _may_edit(self, request, obj):
        # Django's model permissions are not used; the role decides, and never on oneself.
        return has_any_role(request.user, USER_ADMIN_ROLES) and (
            obj is None or obj.pk != request.user.pk
        )

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj)


def _changed_fields(formset, instance) -> list[str]:
    for form in formset.forms:
        if form.instance is instance:
            return form.changed_data
    return []


@admin.register(User)
class UserAdmin(RoleGatedModelAdmin, DjangoUserAdmin):
    """Security admins manage accounts and roles; every change is audited."""

    roles = USER_ADMIN_ROLES
    add_form = StaffUserCreationForm
    change_password_form = StaffPasswordChangeForm
    inlines = [RoleAssignmentInline]
    list_display = ["username", "display_name", "is_active", "last_login"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("display_name", "email")}),
        (_("状态"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def write_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().write_formset(request, form, formset, change)
        user = form.instance
        assignments = formset.save(commit=False)
        for assignment in formset.deleted_objects:
            role_revoke(actor=request.user, assignment=assignment, request=request)
        for assignment in assignments:
            if assignment.pk is not None and {"role", "area", "department"} & set(
                _changed_fields(formset, assignment)
            ):
                # A grant moved elsewhere is a revoke of the old one and a new grant.
                role_revoke(
                    actor=request.user,
                    assignment=RoleAssignment.objects.get(pk=assignment.pk),
                    request=request,
                )
            role_assign(
                actor=request.user,
                user=user,
                role=assignment.role,
                area=assignment.area,
                department=assignment.department,
                valid_from=assignment.valid_from,
                valid_until=assignment.valid_until,
                request=request,
            )

    def save_model(self, request, obj, form, change):
        if not change and obj.has_usable_password():
            obj.password_temporary = True  # set by someone else: changed at first sign-in
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        # Success redirects to the user's page; a refusal re-renders or comes back here.
        if (
            request.method == "POST"
            and response.status_code == 302
            and (response["Location"] != request.get_full_path())
        ):
            # Another person's password set here is temporary (changed at next sign-in).
            User.objects.filter(pk=id).exclude(pk=request.user.pk).update(password_temporary=True)
            audit_record(
                action="update",
                request=request,
                object_type="accounts.user",
                object_id=id,
                detail={"via": "admin", "changes": {"password": "******"}},
            )
        return response


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

    @admin.action(description=_("解除锁定"))
    def unlock(self, request, queryset):
        from wangge.accounts.backends import account_unlock

        for throttle in queryset:
            account_unlock(actor=request.user, username=throttle.username, request=request)
