"""The security administrator's role-assignment page (issue 9 item 10)."""

from datetime import timedelta

import pytest

from wangge.accounts.models import Department, Role, RoleAssignment, User
from wangge.accounts.permissions import user_roles
from wangge.accounts.scope import scope_paths
from wangge.accounts.services import role_assign
from wangge.audit.models import AuditEvent, Outcome
from wangge.core import clock
from wangge.people.permissions import can_read_registry
from wangge.testing import grids, make_user


@pytest.fixture
def secadmin(city):
    return make_user(Role.SECURITY_ADMIN, username="secadmin")


@pytest.fixture
def newcomer(city):
    return make_user(username="wg150202001001001")


def _grant(client, user, **data):
    return client.post(f"/account/roles/{user.pk}/grant/", data)


def test_security_admin_grants_a_grid_worker_role_that_takes_effect_and_is_audited(
    client, secadmin, newcomer
):
    # given
    grid = grids()[0]
    client.force_login(secadmin)
    # when
    response = _grant(client, newcomer, role=Role.GRID_WORKER, area=grid.code)
    # then the worker holds the role on that grid and sees it at once
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=newcomer)
    assert (assignment.role, assignment.area_id) == (Role.GRID_WORKER, grid.pk)
    newcomer = User.objects.get(pk=newcomer.pk)
    assert scope_paths(newcomer) == [grid.path]
    event = AuditEvent.objects.get(action="permission_change", object_id=str(newcomer.pk))
    assert event.actor_id == secadmin.pk
    assert event.detail["granted"] == Role.GRID_WORKER and event.detail["area"] == grid.code


def test_the_page_lists_users_with_filters_and_shows_their_roles(client, secadmin, newcomer):
    # given
    grid = grids()[0]
    other = make_user(Role.GRID_WORKER, grid, username="wg-other")
    client.force_login(secadmin)
    # when
    by_name = client.get("/account/roles/", {"q": "150202001"}).content.decode()
    by_role = client.get("/account/roles/", {"role": Role.GRID_WORKER}).content.decode()
    by_area = client.get("/account/roles/", {"area": grid.code}).content.decode()
    detail = client.get(f"/account/roles/{other.pk}/").content.decode()
    # then
    assert newcomer.username in by_name and "wg-other" not in by_name
    assert "wg-other" in by_role and newcomer.username not in by_role
    assert "wg-other" in by_area
    assert "网格员" in detail and grid.code in detail and "撤销" in detail


def test_the_security_admin_has_a_menu_entry_and_others_do_not(client, secadmin, city):
    client.force_login(secadmin)
    assert "/account/roles/" in client.get("/").content.decode()
    client.force_login(make_user(Role.CITY_OFFICER, city))
    assert "/account/roles/" not in client.get("/").content.decode()


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.CITY_OFFICER, Role.COMMUNITY_STAFF,
                                  Role.AUDIT_ADMIN])
def test_other_roles_get_not_found_and_the_attempt_is_audited(client, city, newcomer, role):
    # given
    client.force_login(make_user(role, city if role not in (Role.AUDIT_ADMIN,) else None))
    # when
    listing = client.get("/account/roles/")
    grant = _grant(client, newcomer, role=Role.CITY_OFFICER, area=city.code)
    # then
    assert listing.status_code == 404 and grant.status_code == 404
    assert not RoleAssignment.objects.filter(user=newcomer).exists()
    assert AuditEvent.objects.filter(action="access_denied", outcome=Outcome.DENIED).count() == 2


def test_anonymous_is_sent_to_the_login_page(client, newcomer):
    assert client.get("/account/roles/")["Location"].startswith("/login/")


def test_nobody_grants_or_revokes_their_own_roles(client, secadmin, city):
    # given
    client.force_login(secadmin)
    own = RoleAssignment.objects.get(user=secadmin)
    # when
    grant = _grant(client, secadmin, role=Role.CITY_OFFICER, area=city.code)
    revoke = client.post(f"/account/roles/{secadmin.pk}/revoke/{own.pk}/")
    # then
    assert "不能授予或撤销自己的角色" in grant.content.decode()
    assert revoke.status_code == 302
    assert user_roles(secadmin) == {Role.SECURITY_ADMIN}
    assert RoleAssignment.objects.filter(user=secadmin).count() == 1


def test_revoke_removes_the_role_at_once_and_is_audited(client, secadmin):
    # given
    grid = grids()[0]
    worker = make_user(Role.GRID_WORKER, grid)
    assert can_read_registry(worker)
    assignment = RoleAssignment.objects.get(user=worker)
    client.force_login(secadmin)
    # when
    response = client.post(f"/account/roles/{worker.pk}/revoke/{assignment.pk}/",
                           HTTP_HX_REQUEST="true")
    # then
    assert response.status_code == 200 and "尚未分配角色" in response.content.decode()
    worker = User.objects.get(pk=worker.pk)
    assert not can_read_registry(worker)
    event = AuditEvent.objects.filter(action="permission_change").latest("id")
    assert event.detail["revoked"]["role"] == Role.GRID_WORKER
    assert event.detail["revoked"]["area"] == grid.code


def test_validation_errors_are_shown_on_the_fields_in_chinese(client, secadmin, newcomer):
    # given
    client.force_login(secadmin)
    today = clock.today()
    cases = [
        ({"role": "", "area": ""}, "请选择角色"),
        ({"role": Role.GRID_WORKER, "area": "999999"}, "该区域编码不存在"),
        ({"role": Role.GRID_WORKER, "area": ""}, "该角色必须指定区域或部门"),
        ({"role": Role.DEPARTMENT_HANDLER, "area": grids()[0].code}, "必须指定部门"),
        ({"role": Role.GRID_WORKER, "area": grids()[0].code,
          "valid_from": today.isoformat(),
          "valid_until": (today - timedelta(days=2)).isoformat()}, "失效日期不能早于生效日期"),
        ({"role": Role.GRID_WORKER, "area": grids()[0].code, "valid_until": "2026-13-40"},
         "请输入有效的日期"),
    ]
    for data, message in cases:
        # when
        body = _grant(client, newcomer, **data).content.decode()
        # then the message sits on its field
        assert message in body, data
        assert 'class="field has-error"' in body, data
    assert not RoleAssignment.objects.filter(user=newcomer).exists()


def test_a_department_handler_is_granted_on_a_department(client, secadmin, newcomer, city):
    # given
    department = Department.objects.create(name="城管局", code="CG01", area=city)
    client.force_login(secadmin)
    # when
    response = client.post(
        f"/account/roles/{newcomer.pk}/grant/",
        {"role": Role.DEPARTMENT_HANDLER, "department": department.pk},
        HTTP_HX_REQUEST="true",
    )
    # then htmx gets the refreshed panel
    assert response.status_code == 200 and "城管局" in response.content.decode()
    assert RoleAssignment.objects.get(user=newcomer).department_id == department.pk


def test_a_role_counts_only_from_its_first_to_its_last_day(client, secadmin, newcomer,
                                                          monkeypatch):
    # given a role starting tomorrow and one ending today
    grid_a, grid_b = grids()[:2]
    today = clock.today()
    client.force_login(secadmin)
    _grant(client, newcomer, role=Role.GRID_WORKER, area=grid_a.code,
           valid_from=(today + timedelta(days=1)).isoformat())
    _grant(client, newcomer, role=Role.GRID_WORKER, area=grid_b.code,
           valid_until=today.isoformat())
    # then today only the second one counts, and the page says which is not in force
    assert scope_paths(User.objects.get(pk=newcomer.pk)) == [grid_b.path]
    assert "未生效或已过期" in client.get(f"/account/roles/{newcomer.pk}/").content.decode()
    # when the next day comes (the cached copy of the roles is keyed by the day)
    tomorrow = clock.now() + timedelta(days=1)
    monkeypatch.setattr(clock, "now", lambda: tomorrow)
    # then the first one counts and the second one no longer does
    assert scope_paths(User.objects.get(pk=newcomer.pk)) == [grid_a.path]


def test_an_expired_role_gives_no_access_to_pages_or_api(client, city):
    # given a worker whose role ended yesterday
    grid = grids()[0]
    worker = make_user()
    role_assign(actor=None, user=worker, role=Role.GRID_WORKER, area=grid,
                valid_until=clock.today() - timedelta(days=1))
    client.force_login(worker)
    # then
    assert client.get("/residents/").status_code == 404
    assert client.get("/api/people/residents").json()["count"] == 0


def test_the_unlock_action_lifts_a_lock(client, secadmin, newcomer):
    # given a locked account
    for _ in range(5):
        client.post("/login/", {"username": newcomer.username, "password": "wrong-pass-1"})
    client.force_login(secadmin)
    assert "已锁定至" in client.get(f"/account/roles/{newcomer.pk}/").content.decode()
    # when
    client.post(f"/account/roles/{newcomer.pk}/unlock/")
    client.logout()
    # then
    response = client.post("/login/", {"username": newcomer.username,
                                       "password": "Secret-pass-123"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="unlock", object_id=newcomer.username).exists()


@pytest.mark.parametrize(
    ("held", "granted"),
    [
        (Role.DISTRICT_OFFICER, Role.SECURITY_ADMIN),
        (Role.SECURITY_ADMIN, Role.CITY_OFFICER),
        (Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN),
        (Role.AUDIT_ADMIN, Role.GRID_WORKER),
    ],
)
def test_an_admin_role_and_any_other_role_never_meet_on_one_account(
    client, secadmin, city, held, granted
):
    # given an account holding one role
    area = None if held in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN) else grids()[0]
    target = make_user(held, area, username="wg-holder")
    client.force_login(secadmin)
    # when the security admin grants a second one where one of the two is an admin role
    body = _grant(client, target, role=granted,
                  area="" if granted in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
                  else grids()[0].code).content.decode()
    # then it is refused on the role field, in Chinese, and the refusal is on record
    assert "三员分立" in body and 'class="field has-error"' in body
    assert list(target.role_assignments.values_list("role", flat=True)) == [held]
    refusal = AuditEvent.objects.get(action="permission_change", outcome=Outcome.DENIED,
                                     object_id=str(target.pk))
    assert refusal.actor_id == secadmin.pk


def test_the_same_admin_role_may_be_granted_again(city):
    # given
    target = make_user(Role.SYSTEM_ADMIN, username="sys")
    # when the same admin role is granted on another place, nothing is refused
    role_assign(actor=None, user=target, role=Role.SYSTEM_ADMIN, area=grids()[0])
    # then
    assert target.role_assignments.count() == 2
