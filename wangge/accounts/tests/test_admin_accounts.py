"""The Django admin's accounts pages: the same password rule everywhere, role grants
through the service, and every page a role is offered renders."""

import pytest
from django.contrib import admin

from wangge.accounts.models import Role, RoleAssignment, User
from wangge.accounts.tests.admin_support import STRONG, client_for, node
from wangge.areas.models import AreaKind, Building
from wangge.audit.models import AuditEvent
from wangge.people.models import Household, Resident
from wangge.testing import make_household, make_resident, make_user

# --- accounts: the same password rule everywhere, grants through the service -----------


def _user_add(client, password: str):
    return client.post(
        "/admin/accounts/user/add/",
        {
            "username": "wg150202001001001",
            "usable_password": "true",
            "password1": password,
            "password2": password,
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
        },
    )


def test_users_created_in_the_admin_follow_the_staff_password_rule(db):
    client = client_for(make_user(Role.SECURITY_ADMIN, username="aq"))
    # when a user is created with a password of two character classes only
    weak = _user_add(client, "mountainriver42")
    # then it is refused like every staff password
    assert weak.status_code == 200
    assert "至少 3 类" in weak.content.decode()
    assert not User.objects.filter(username="wg150202001001001").exists()
    # and a strong one creates a staff account, audited without the password
    assert _user_add(client, STRONG).status_code == 302
    user = User.objects.get(username="wg150202001001001")
    assert user.is_staff and user.check_password(STRONG)
    row = AuditEvent.objects.get(action="create", object_type="accounts.user")
    assert STRONG not in str(row.detail) and "mountain" not in str(row.detail)


def test_password_set_in_the_admin_follows_the_staff_rule_even_for_a_non_staff_user(db):
    client = client_for(make_user(Role.SECURITY_ADMIN, username="aq"))
    target = User.objects.create_user(username="plain", password=STRONG)
    assert not target.is_staff
    weak = client.post(
        f"/admin/accounts/user/{target.pk}/password/",
        {"password1": "mountainriver42", "password2": "mountainriver42"},
    )
    assert weak.status_code == 200 and "至少 3 类" in weak.content.decode()
    ok = client.post(
        f"/admin/accounts/user/{target.pk}/password/",
        {"password1": "Nn8&" + STRONG, "password2": "Nn8&" + STRONG},
    )
    assert ok.status_code == 302
    row = AuditEvent.objects.get(object_type="accounts.user", object_id=str(target.pk))
    assert row.detail["changes"] == {"password": "******"}


def test_ones_own_password_changed_in_the_admin_follows_the_rule_and_is_audited(db):
    secadmin = make_user(Role.SECURITY_ADMIN, username="aq", password=STRONG)
    client = client_for(secadmin)
    weak = client.post(
        "/admin/password_change/",
        {
            "old_password": STRONG,
            "new_password1": "mountainriver42",
            "new_password2": "mountainriver42",
        },
    )
    assert weak.status_code == 200 and "至少 3 类" in weak.content.decode()
    ok = client.post(
        "/admin/password_change/",
        {
            "old_password": STRONG,
            "new_password1": "Nn8&" + STRONG,
            "new_password2": "Nn8&" + STRONG,
        },
    )
    assert ok.status_code == 302
    row = AuditEvent.objects.get(action="update", object_type="accounts.user")
    assert row.object_id == str(secadmin.pk) and row.detail["changes"] == {"password": "******"}


def test_roles_granted_in_the_admin_go_through_role_assign_and_not_to_oneself(city):
    secadmin = make_user(Role.SECURITY_ADMIN, username="aq")
    target = User.objects.create_user(username="wg1", password=STRONG)
    client = client_for(secadmin)
    grid = node(AreaKind.GRID)

    def change(user, rows):
        data = {
            "username": user.username,
            "display_name": "",
            "email": "",
            "is_active": "on",
            "role_assignments-TOTAL_FORMS": str(len(rows)),
            "role_assignments-INITIAL_FORMS": "0",
        }
        for i, row in enumerate(rows):
            data.update({f"role_assignments-{i}-{k}": v for k, v in row.items()})
        return client.post(f"/admin/accounts/user/{user.pk}/change/", data)

    # when the security administrator gives the user a grid worker role
    response = change(target, [{"role": Role.GRID_WORKER, "area": grid.pk}])
    # then role_assign made the user staff and wrote its permission_change row
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_staff and target.role_assignments.get().area_id == grid.pk
    assert AuditEvent.objects.filter(
        action="permission_change", object_id=str(target.pk), detail__granted=Role.GRID_WORKER
    ).exists()
    # and a grant to themselves is not accepted
    change(secadmin, [{"role": Role.SYSTEM_ADMIN}])
    assert list(secadmin.role_assignments.values_list("role", flat=True)) == [Role.SECURITY_ADMIN]


def test_the_admin_inline_keeps_admin_roles_apart_as_a_form_error(city):
    secadmin = make_user(Role.SECURITY_ADMIN, username="aq")
    target = make_user(Role.DISTRICT_OFFICER, node(AreaKind.GRID), username="wg3")
    existing = target.role_assignments.get()
    # when an admin role is added next to the business role
    response = client_for(secadmin).post(
        f"/admin/accounts/user/{target.pk}/change/",
        {
            "username": "wg3",
            "is_active": "on",
            "role_assignments-TOTAL_FORMS": "2",
            "role_assignments-INITIAL_FORMS": "1",
            "role_assignments-0-id": existing.pk,
            "role_assignments-0-user": target.pk,
            "role_assignments-0-role": existing.role,
            "role_assignments-0-area": existing.area_id,
            "role_assignments-1-role": Role.SECURITY_ADMIN,
        },
    )
    # then the form says why (no 500), nothing changes, the refusal is on record
    assert response.status_code == 200 and "三员分立" in response.content.decode()
    assert list(target.role_assignments.values_list("role", flat=True)) == [Role.DISTRICT_OFFICER]
    assert AuditEvent.objects.filter(
        action="permission_change", outcome="denied", object_id=str(target.pk)
    ).exists()


def test_a_password_set_in_the_admin_for_someone_else_is_temporary(db):
    client = client_for(make_user(Role.SECURITY_ADMIN, username="aq"))
    # when an account is made with a password, and another one's password is set
    assert _user_add(client, STRONG).status_code == 302
    target = User.objects.create_user(username="plain", password=STRONG)
    ok = client.post(
        f"/admin/accounts/user/{target.pk}/password/",
        {"password1": "Nn8&" + STRONG, "password2": "Nn8&" + STRONG},
    )
    # then both passwords are temporary: changed by their holder at the next sign-in
    assert ok.status_code == 302
    assert User.objects.get(username="wg150202001001001").password_temporary
    assert User.objects.get(pk=target.pk).password_temporary


def test_a_department_handler_without_a_department_is_a_form_error_in_the_admin(city):
    client = client_for(make_user(Role.SECURITY_ADMIN, username="aq"))
    target = User.objects.create_user(username="wg4", password=STRONG)
    response = client.post(
        f"/admin/accounts/user/{target.pk}/change/",
        {
            "username": "wg4",
            "is_active": "on",
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-0-role": Role.DEPARTMENT_HANDLER,
            "role_assignments-0-area": node(AreaKind.GRID).pk,
        },
    )
    assert response.status_code == 200 and "必须指定部门" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=target).exists()
    # and a grant ending before today is a form error too (role_assign refuses it)
    from wangge.core import clock

    response = client.post(
        f"/admin/accounts/user/{target.pk}/change/",
        {
            "username": "wg4",
            "is_active": "on",
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-0-role": Role.GRID_WORKER,
            "role_assignments-0-area": node(AreaKind.GRID).pk,
            "role_assignments-0-valid_until": "2020-01-01",
        },
    )
    assert clock.today().year > 2020
    assert response.status_code == 200 and "失效日期不能早于今天" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_a_role_needing_an_area_is_refused_without_one(db):
    client = client_for(make_user(Role.SECURITY_ADMIN, username="aq"))
    target = User.objects.create_user(username="wg2", password=STRONG)
    response = client.post(
        f"/admin/accounts/user/{target.pk}/change/",
        {
            "username": "wg2",
            "is_active": "on",
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-0-role": Role.GRID_WORKER,
        },
    )
    assert response.status_code == 200 and "该角色必须指定区域或部门" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_residents_stay_out_of_household_scope_after_admin_building_add(tree):
    """Sanity: a building added in scope gets its grid's path even if a path is posted."""
    client = client_for(tree["street_staff"])
    client.post(
        "/admin/areas/building/add/",
        {"grid": tree["g2"].pk, "name": "9号楼", "area_path": tree["far"].path},
    )
    assert Building.objects.get(name="9号楼").area_path == tree["g2"].path
    assert not Resident.objects.exists() and not Household.objects.exists()


@pytest.mark.parametrize(
    ("role", "where"),
    [
        (Role.STREET_STAFF, AreaKind.STREET),
        (Role.CITY_OFFICER, AreaKind.CITY),
        (Role.SYSTEM_ADMIN, AreaKind.CITY),
        (Role.SECURITY_ADMIN, None),
        (Role.AUDIT_ADMIN, None),
    ],
)
def test_every_admin_page_a_role_is_offered_renders(city, role, where):
    # given a user of the role and a row of each registered model where one is cheap
    grid = node(AreaKind.GRID)
    household = make_household(grid)
    make_resident(household)
    Building.objects.create(grid=grid, name="1号楼")
    user = make_user(role, node(where) if where else None)
    client = client_for(user)
    # when they open each list, add form and first row the admin offers them
    index = client.get("/admin/")
    assert index.status_code == 200
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        listing = client.get(base)
        request = listing.wsgi_request
        # then each answers as its permissions say, never with a server error
        assert listing.status_code == (200 if model_admin.has_module_permission(request) else 403)
        if listing.status_code != 200:
            continue
        if model_admin.has_add_permission(request):
            assert client.get(base + "add/").status_code == 200, base
        first = model_admin.get_queryset(request).first()
        if first is not None:
            assert client.get(f"{base}{first.pk}/change/").status_code == 200, base


def test_the_staff_password_rule_follows_staff_roles_not_only_the_flag(city):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    # given a street officer whose is_staff flag was switched off
    user = make_user(Role.STREET_STAFF, node(AreaKind.STREET))
    User.objects.filter(pk=user.pk).update(is_staff=False)
    user = User.objects.get(pk=user.pk)
    # then a two-class password is still refused for them, but not for a resident
    with pytest.raises(ValidationError, match="至少 3 类"):
        validate_password("mountainriver42", user)
    validate_password("mountainriver42", make_user(Role.RESIDENT, node(AreaKind.GRID)))
