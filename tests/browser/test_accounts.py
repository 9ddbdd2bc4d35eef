"""The security administrator's role page and the second factor in a real browser."""

import pytest
from playwright.sync_api import expect

from wangge.accounts.models import RoleAssignment
from wangge.testing import Role, otp_token
from wangge.testing.worlds import RoleAdminWorld, build_role_admin_world

pytestmark = pytest.mark.browser

PASSWORD = "Secret-pass-123"


@pytest.fixture
def world(base_url) -> RoleAdminWorld:
    return build_role_admin_world()


def test_security_admin_grants_a_role_with_htmx_and_sees_field_errors(
    page, login, base_url, world, browser_log
):
    # given
    login(page, "secadmin", PASSWORD)
    page.get_by_role("link", name="账号与角色").click()
    page.get_by_role("link", name="wg001").first.click()
    # when the form is sent without a role
    page.get_by_role("button", name="授予").click()
    # then the error sits on the field, in Chinese
    expect(page.locator(".field.has-error")).to_contain_text("请选择角色")
    # when a grid-worker role on a grid is granted
    page.select_option("#id_role", Role.GRID_WORKER)
    page.fill("#id_area", world.grid.code)
    page.get_by_role("button", name="授予").click()
    # then the panel shows it without a page load, and it is stored
    expect(page.locator("#role-panel table")).to_contain_text(world.grid.code)
    assert RoleAssignment.objects.filter(user=world.newcomer, role=Role.GRID_WORKER).exists()
    # when it is revoked
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="撤销").click()
    expect(page.locator("#role-panel")).to_contain_text("尚未分配角色")
    assert not RoleAssignment.objects.filter(user=world.newcomer).exists()


def test_a_new_worker_enrols_the_second_factor_at_first_sign_in(page, base_url, world):
    # given the worker was just given the role
    from wangge.accounts.services import role_assign

    role_assign(actor=world.secadmin, user=world.newcomer, role=Role.GRID_WORKER, area=world.grid)
    # when they sign in
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", "wg001")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    # then they see the enrolment page with a QR code and the secret
    expect(page.get_by_role("heading", name="绑定动态口令验证器")).to_be_visible()
    expect(page.locator(".otp-qr svg")).to_be_visible()
    # when they enter the code of their new device
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=world.newcomer, confirmed=False)
    page.fill("#id_token", otp_token(device))
    with page.expect_navigation():
        page.click("#otp-form button[type=submit]")
    # then the workbench opens
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def test_a_password_the_security_admin_set_is_changed_at_the_next_sign_in(
    page, login, base_url, world
):
    # given the security admin sets the newcomer's password in the back office
    login(page, "secadmin", PASSWORD)
    page.goto(f"{base_url}/admin/accounts/user/{world.newcomer.pk}/password/")
    page.fill("#id_password1", "Temp-pass-2026x")
    page.fill("#id_password2", "Temp-pass-2026x")
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.context.clear_cookies()
    # when the newcomer signs in with it
    login(page, "wg001", "Temp-pass-2026x")
    # then they are on the change page, told the password is temporary
    assert "/account/password/" in page.url
    expect(page.locator(".msg-warning")).to_contain_text("临时密码")
    # when they choose their own
    page.fill("#id_old_password", "Temp-pass-2026x")
    page.fill("#id_new_password1", "Own-pass-2026y")
    page.fill("#id_new_password2", "Own-pass-2026y")
    with page.expect_navigation():
        page.get_by_role("button", name="修改密码").click()
    # then they are in, and the password is theirs
    assert "/account/password/" not in page.url
    page.goto(f"{base_url}/account/password/")
    expect(page.locator(".msg-warning")).to_have_count(0)
