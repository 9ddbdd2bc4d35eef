"""Every role a user can hold, assembled from the installed apps.

The platform's roles are declared here (``PLATFORM_ROLES``, on ``AccountsConfig.roles``).
A domain app that needs a role of its own declares it on its AppConfig, next to its code:

    class PartyConfig(AppConfig):
        name = "wangge.party"
        roles = [("PARTY_WORKER", "party_worker", "党务工作者")]

and ``Role.PARTY_WORKER`` exists from then on, in the role admin, ``user_create --role``,
the demo accounts and the audit labels. Which roles may do what is the domain's business
too: its role sets and predicates live in ``<app>/permissions.py``.

Roles are read from the AppConfigs (not from a module of the app) because ``Role`` is
built while the models load, when every AppConfig exists but no app's models module may
be imported yet. The database field takes the choices through ``role_choices`` (a
callable), so the migrations do not change when an app adds a role.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

# (Python name, stored value, label). The order is the order of every role list.
PLATFORM_ROLES = (
    ("RESIDENT", "resident", _("居民")),
    ("GRID_WORKER", "grid_worker", _("网格员")),
    ("COMMUNITY_STAFF", "community_staff", _("社区工作人员")),
    ("STREET_STAFF", "street_staff", _("街道工作人员")),
    ("DEPARTMENT_HANDLER", "department_handler", _("职能部门办理人")),
    ("DISTRICT_OFFICER", "district_officer", _("区级管理人员")),
    ("CITY_OFFICER", "city_officer", _("市级管理人员")),
    # The organisation department (组织部门); its module will declare its own roles.
    ("ORG_DEPT", "org_dept", _("组织部门")),
    ("SYSTEM_ADMIN", "system_admin", _("系统管理员")),
    ("SECURITY_ADMIN", "security_admin", _("安全管理员")),
    ("AUDIT_ADMIN", "audit_admin", _("审计管理员")),
)

ROLE_MAX_LENGTH = 30  # RoleAssignment.role


def declared_roles(app_configs) -> list[tuple[str, str, str]]:
    """The ``roles`` of every app config in INSTALLED_APPS order; a name or value
    declared twice is a configuration error, not a silent override."""
    declared: list[tuple[str, str, str]] = []
    names: dict[str, str] = {}
    values: dict[str, str] = {}
    for config in app_configs:
        for name, value, label in getattr(config, "roles", ()):
            for seen, key in ((names, name), (values, value)):
                if key in seen:
                    raise ImproperlyConfigured(
                        f"Role {key!r} of {config.label} is declared by {seen[key]} already."
                    )
                seen[key] = config.label
            if len(value) > ROLE_MAX_LENGTH:
                raise ImproperlyConfigured(f"Role value {value!r} is over {ROLE_MAX_LENGTH}.")
            declared.append((name, value, label))
    return declared


def build_role_enum(declarations) -> type[models.TextChoices]:
    return models.TextChoices(
        "Role",
        [(name, (value, label)) for name, value, label in declarations],
        module="wangge.accounts.models",
    )


def role_choices():
    """``RoleAssignment.role``'s choices, read when used."""
    from wangge.accounts.models import Role

    return Role.choices
