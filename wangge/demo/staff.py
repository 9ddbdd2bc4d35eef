"""Generated staff accounts for a domain's roles (``city_staff``), in bulk, with an unusable
password like every generated account: the security administrator activates them."""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password

from wangge.accounts.models import RoleAssignment, User
from wangge.core import clock
from wangge.demo.bulk import next_id
from wangge.demo.names import person_name


def staff_accounts(build, key: str, plan: list[tuple[str, str, int | None, int | None]]) -> dict[str, int]:
    """Create one user and one role assignment per ``(username, role, area id, department
    id)``; returns username → user id. ``key`` seeds the names (stable per city seed)."""
    rng = random.Random(f"wangge-city:{build.seed}:{key}")
    now, unusable = clock.now(), make_password(None)
    user_id, assignment_id = next_id(User), next_id(RoleAssignment)
    users, assignments, ids = [], [], {}
    for username, role, area_id, department_id in plan:
        users.append(User(id=user_id, username=username, display_name=person_name(rng, rng.random() < 0.5),
                          password=unusable, is_staff=True, is_active=True, date_joined=now))
        assignments.append(RoleAssignment(id=assignment_id, user_id=user_id, role=role, area_id=area_id,
                                          department_id=department_id, created_at=now))
        ids[username] = user_id
        user_id += 1
        assignment_id += 1
    User.objects.bulk_create(users, batch_size=2000)
    RoleAssignment.objects.bulk_create(assignments, batch_size=2000)
    build.wrote([User, RoleAssignment])
    return ids
