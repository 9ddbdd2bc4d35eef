from django.apps import apps
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.accounts.roles import ROLE_MAX_LENGTH, build_role_enum, declared_roles, role_choices
from wangge.areas.models import Area
from wangge.core import clock

# Every role: the platform's (accounts.roles.PLATFORM_ROLES) and those the installed
# domain apps declare on their AppConfig (``roles``). Role.GRID_WORKER etc. as ever.
Role = build_role_enum(declared_roles(apps.get_app_configs()))


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # Set when someone else set the password (the admin's add and password forms,
    # user_create): the user changes it at the next sign-in before anything else
    # (AccountGateMiddleware); cleared by their own password_change.
    password_temporary = models.BooleanField(_("临时密码"), default=False, editable=False)
    # Bumped whenever a role assignment of this user is added, changed or removed: the
    # row is read on every request anyway, so a cached copy of the roles keyed by it can
    # never outlive a change (accounts.permissions.role_assignments_of).
    roles_version = models.PositiveIntegerField(default=0, editable=False, verbose_name=_("角色版本"))

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password):
        # Every way of setting a password (our page, the admin, create_user, the shell)
        # passes here, so the password's age is always known (WANGGE_PASSWORD_MAX_AGE_DAYS).
        super().set_password(raw_password)
        self.password_changed_at = clock.now()


class Department(models.Model):
    """A functional department (职能部门) or stationed agency, anchored on an area node."""

    name = models.CharField(_("部门名称"), max_length=100)
    code = models.CharField(_("部门编码"), max_length=30, unique=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="departments", verbose_name=_("所属区域"))

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")

    def __str__(self) -> str:
        return self.name


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self, on=None):
        """Assignments in force on ``on`` (today, local time): from and until inclusive."""
        day = on or clock.today()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day),
        )


class RoleAssignment(models.Model):
    """A user holds a role on an area node (and its subtree) or on a department, from
    ``valid_from`` to ``valid_until`` (both inclusive; empty means open-ended)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=ROLE_MAX_LENGTH, choices=role_choices)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="role_assignments"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "area", "department"], name="role_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        where = self.department or self.area or _("全局")
        return f"{self.get_role_display()} @ {where}"

    def in_force(self, on=None) -> bool:
        day = on or clock.today()
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until >= day
        )


class LoginThrottle(models.Model):
    """Failed-login counter per username, known or not, so a lockout reveals nothing."""

    username = models.CharField(max_length=150, unique=True, verbose_name=_("账号"))
    failures = models.PositiveIntegerField(default=0, verbose_name=_("失败次数"))
    locked_until = models.DateTimeField(null=True, blank=True, verbose_name=_("锁定至"))
    last_failure_at = models.DateTimeField(null=True, blank=True, verbose_name=_("最近失败时间"))

    class Meta:
        verbose_name = _("登录锁定")
        verbose_name_plural = _("登录锁定")

    def __str__(self) -> str:
        return self.username
