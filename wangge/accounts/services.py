from datetime import date

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.models import Department, Role, RoleAssignment, User
from wangge.accounts.permissions import forget_role_assignments
from wangge.areas.models import Area
from wangge.audit.models import Outcome
from wangge.audit.services import audit_record
from wangge.core import clock
from wangge.core.errors import ApplicationError, PermissionRefused

ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


def _where(assignment: RoleAssignment) -> dict:
    return {
        "role": assignment.role,
        "area": assignment.area.code if assignment.area_id else None,
        "department": assignment.department.code if assignment.department_id else None,
        "valid_from": assignment.valid_from.isoformat() if assignment.valid_from else None,
        "valid_until": assignment.valid_until.isoformat() if assignment.valid_until else None,
    }


def _refuse_own(actor, user: User) -> None:
    if actor is not None and actor.pk == user.pk:
        raise PermissionRefused(_("不能授予或撤销自己的角色，请由其他安全管理员操作"))


ADMIN_ROLES_SEPARATE = gettext_lazy(
    "三员分立：系统管理员、安全管理员、审计管理员角色不能与其他任何角色由同一账号兼任")


def roles_separation_check(
    *, actor, user: User, roles: set[str], request=None, field: str = "role"
) -> None:
    """Three-role separation (三员分立): an account holding the system, security or audit
    admin role holds no other role at all. ``roles`` is every role the account would hold
    after the change; a refusal is audited (called outside any atomic block of ours, so the
    audit row outlives the refusal) and raised as a field error."""
    if not (roles & ADMIN_ROLES) or len(roles) <= 1:
        return
    audit_record(
        action="permission_change", outcome=Outcome.DENIED, actor=actor, request=request,
        obj=user, detail={"refused": sorted(roles), "reason": "admin_role_separation"},
    )
    raise ApplicationError(str(ADMIN_ROLES_SEPARATE), code="forbidden", field=field)


def role_assign(
    *, actor, user: User, role: str, area: Area | None = None,
    department: Department | None = None, valid_from: date | None = None,
    valid_until: date | None = None, request=None,
) -> RoleAssignment:
    """Give ``user`` a role on an area subtree or a department, from ``valid_from`` to
    ``valid_until`` (inclusive; empty means open-ended); audited. Granting the same role
    on the same place again sets its dates. ``actor`` None is the system (demo, tests).
    An admin role and any other role never meet on one account (roles_separation_check)."""
    _refuse_own(actor, user)
    held = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    roles_separation_check(actor=actor, user=user, roles=held | {role}, request=request)
    return _role_assign(actor=actor, user=user, role=role, area=area, department=department,
                        valid_from=valid_from, valid_until=valid_until, request=request)


@transaction.atomic
def _role_assign(*, actor, user, role, area, department, valid_from, valid_until, request):
    if role not in Role.values:
        raise ApplicationError(_("未知角色"), field="role")
    if area is not None and department is not None:
        raise ApplicationError(_("区域和部门只能选择其一"), field="department")
    if role == Role.DEPARTMENT_HANDLER and department is None:
        raise ApplicationError(_("职能部门办理人必须指定部门"), field="department")
    if role not in ADMIN_ROLES and area is None and department is None:
        raise ApplicationError(_("该角色必须指定区域或部门"), field="area")
    if valid_from and valid_until and valid_until < valid_from:
        raise ApplicationError(_("失效日期不能早于生效日期"), field="valid_until")
    if actor is not None and valid_until and valid_until < clock.today():
        raise ApplicationError(_("失效日期不能早于今天"), field="valid_until")
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, area=area, department=department,
        defaults={"valid_from": valid_from, "valid_until": valid_until},
    )
    before = None if created else _where(assignment)
    if not created and (assignment.valid_from, assignment.valid_until) != (valid_from, valid_until):
        assignment.valid_from, assignment.valid_until = valid_from, valid_until
        assignment.save(update_fields=["valid_from", "valid_until"])
    if role != Role.RESIDENT and not user.is_staff:
        user.is_staff = True  # lets them into the scoped Django admin
        user.save(update_fields=["is_staff"])
    forget_role_assignments(user)
    detail = {"granted": role, "area": area.code if area else None,
              "department": department.code if department else None,
              "valid_from": valid_from.isoformat() if valid_from else None,
              "valid_until": valid_until.isoformat() if valid_until else None}
    if before is not None:
        detail["before"] = before
    audit_record(action="permission_change", actor=actor, request=request, obj=user,
                 detail=detail)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment, request=None) -> None:
    """Take a role assignment away (the row goes; the audit row keeps what it was)."""
    user = assignment.user
    _refuse_own(actor, user)
    revoked = _where(assignment)
    assignment.delete()  # the post_delete signal bumps the user's roles_version
    forget_role_assignments(user)
    audit_record(action="permission_change", actor=actor, request=request, obj=user,
                 detail={"revoked": revoked})


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str, request=None) -> None:
    """The user changes their own password: the old one is checked, the new one passes
    every configured validator (the staff rule too) and differs from the old one."""
    if not user.check_password(old_password):
        raise ApplicationError(_("原密码不正确"), field="old_password")
    if old_password == new_password:
        raise ApplicationError(_("新密码不能与原密码相同"), field="new_password1")
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ApplicationError("；".join(exc.messages), field="new_password1") from exc
    user.set_password(new_password)  # records password_changed_at
    user.password_temporary = False
    user.save(update_fields=["password", "password_changed_at", "password_temporary"])
    audit_record(action="password_change", actor=user, request=request, obj=user)
