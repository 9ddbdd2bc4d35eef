from django.db import transaction

from wangge.accounts.models import Department, Role, RoleAssignment, User
from wangge.accounts.permissions import forget_role_assignments
from wangge.areas.models import Area
from wangge.audit.services import audit_record
from wangge.core.errors import ApplicationError


@transaction.atomic
def role_assign(
    *, actor, user: User, role: str, area: Area | None = None,
    department: Department | None = None, request=None,
) -> RoleAssignment:
    """Give ``user`` a role on an area subtree or a department; audited."""
    if role not in Role.values:
        raise ApplicationError("未知角色", field="role")
    admin_roles = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
    if role not in admin_roles and area is None and department is None:
        raise ApplicationError("该角色必须指定区域或部门", field="area")
    assignment, _ = RoleAssignment.objects.get_or_create(
        user=user, role=role, area=area, department=department
    )
    if role != Role.RESIDENT and not user.is_staff:
        user.is_staff = True  # lets them into the scoped Django admin
        user.save(update_fields=["is_staff"])
    forget_role_assignments(user)
    audit_record(action="permission_change", actor=actor, request=request, obj=user,
                 detail={"granted": role, "area": area.code if area else None,
                         "department": department.code if department else None})
    return assignment
