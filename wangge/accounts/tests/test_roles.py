"""Role is assembled from the installed apps' declarations (accounts.roles)."""

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from wangge.accounts.models import Role, RoleAssignment
from wangge.accounts.roles import PLATFORM_ROLES, build_role_enum, declared_roles


def _config(label, roles):
    return SimpleNamespace(label=label, roles=roles)


def test_role_holds_the_platform_roles_under_their_old_names():
    # given the installed apps / then every platform role is a Role member as before, first
    # (the domain apps' own roles follow them)
    members = [(m.name, m.value, m.label) for m in Role]
    assert members[: len(PLATFORM_ROLES)] == list(PLATFORM_ROLES)
    assert Role.GRID_WORKER == "grid_worker"
    assert Role("org_dept").label == "组织部门"


def test_a_domain_app_adds_a_role_by_declaring_it_on_its_app_config():
    # given the installed apps plus a party-affairs app that declares one role
    party = _config("party", [("PARTY_WORKER", "party_worker", "党务工作者")])
    # when Role is assembled
    role = build_role_enum(declared_roles([*apps.get_app_configs(), party]))
    # then the new role is there, after the platform's, and the old ones are untouched
    assert role.PARTY_WORKER == "party_worker"
    assert role.PARTY_WORKER.label == "党务工作者"
    assert role.values[-1] == "party_worker"
    assert role.GRID_WORKER == Role.GRID_WORKER


@pytest.mark.parametrize(
    "clash", [("GRID_WORKER", "party_worker", "甲"), ("PARTY_WORKER", "grid_worker", "乙")]
)
def test_a_role_declared_twice_is_a_configuration_error(clash):
    # given an app that reuses a platform role's name or stored value
    party = _config("party", [clash])
    # when assembled / then refused, naming who declared it first
    with pytest.raises(ImproperlyConfigured, match="accounts"):
        declared_roles([*apps.get_app_configs(), party])


def test_the_role_field_reads_its_choices_from_the_assembled_role():
    # given the role field / then its choices are Role's, read when used
    assert RoleAssignment._meta.get_field("role").choices == Role.choices
