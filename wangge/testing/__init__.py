"""Builders for tests, shared by every app's tests and the browser tests.

- ``wangge.testing`` (this module): areas, users, people — ``build_city``, ``grids``,
  ``make_user``, ``make_household``/``HouseholdFactory``, ``make_resident``/``ResidentFactory``,
  ``valid_id_number``, the second factor, the audit-trigger flush helper.
- ``wangge.testing.worlds``: ready-made worlds (areas + users with roles) for the
  closed loop, Open311, patrols, and the browser tests.
- ``wangge.testing.cases``: cases in any workflow state, images, report forms.
- ``wangge.testing.patrols``: households with a registration date and tags, past visits.
- ``wangge.testing.clock``: the ``frozen`` clock fixture (a plugin of the root conftest).
"""

from wangge.accounts.models import Role
from wangge.testing.areas import areas, build_city, grids, square
from wangge.testing.db import allow_audit_truncate_once
from wangge.testing.people import (
    HouseholdFactory,
    ResidentFactory,
    make_household,
    make_resident,
    valid_id_number,
)
from wangge.testing.users import (
    PASSWORD,
    make_user,
    otp_device_ensure,
    otp_session_verify,
    otp_token,
    reload,
)

__all__ = [
    "PASSWORD",
    "HouseholdFactory",
    "ResidentFactory",
    "Role",
    "allow_audit_truncate_once",
    "areas",
    "build_city",
    "grids",
    "make_household",
    "make_resident",
    "make_user",
    "otp_device_ensure",
    "otp_session_verify",
    "otp_token",
    "reload",
    "square",
    "valid_id_number",
]
