"""TOTP second factor for administrators and the roles that may reveal (issue 9 item 10)."""

import pytest
from django.conf import settings
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from wangge.accounts.models import LoginThrottle, Role, User
from wangge.accounts.otp import SESSION_KEY
from wangge.audit.models import AuditEvent
from wangge.people.permissions import REVEAL_ROLES
from wangge.testing import grids, make_user, otp_device_ensure, otp_token

PASSWORD = "Secret-pass-123"


def _login(client, username, password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def _wrong(token: str) -> str:
    return f"{(int(token) + 1) % 1_000_000:06d}"


@pytest.fixture
def worker(city):
    return make_user(Role.GRID_WORKER, grids()[0], username="wg001")


@pytest.fixture
def sysadmin(city):
    return make_user(Role.SYSTEM_ADMIN, city, username="sysadmin")


def test_the_default_covers_the_three_admins_and_every_role_that_may_reveal():
    required = set(settings.WANGGE_OTP_REQUIRED_ROLES)
    assert {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN} <= required
    assert set(REVEAL_ROLES) <= required


def test_after_the_password_nothing_works_until_the_code_is_entered(client, worker):
    # given an enrolled worker who gave the right password
    device = otp_device_ensure(worker)
    response = _login(client, "wg001")
    assert response.status_code == 302
    # then pages lead to the code page and the API refuses
    assert client.get("/residents/")["Location"].startswith("/account/otp/?next=")
    api = client.get("/api/people/residents")
    assert api.status_code == 401 and api.json()["detail"][0]["type"] == "otp_required"
    assert client.get("/admin/")["Location"].startswith("/account/otp/")
    # and the password cannot be changed with the password alone
    response = client.post("/account/password/", {
        "old_password": PASSWORD, "new_password1": "Another-pass-456",
        "new_password2": "Another-pass-456"})
    assert response.status_code == 401 and response["HX-Redirect"] == "/account/otp/"
    assert User.objects.get(pk=worker.pk).check_password(PASSWORD)
    # when the code is entered
    response = client.post("/account/otp/?next=/residents/",
                           {"token": otp_token(device), "next": "/residents/"})
    # then everything works
    assert response.status_code == 302 and response["Location"] == "/residents/"
    assert client.get("/residents/").status_code == 200
    assert client.get("/api/people/residents").status_code == 200
    assert AuditEvent.objects.filter(action="otp_verified", actor=worker).exists()


def test_a_user_without_a_device_enrols_with_a_qr_code_and_the_secret(client, sysadmin):
    # given
    _login(client, "sysadmin")
    # when
    page = client.get("/account/otp/").content.decode()
    # then the page shows an inline SVG QR code, the secret and the otpauth URL
    assert "<svg" in page and "otpauth://totp/" in page and 'id="otp-secret"' in page
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", "")
    device = TOTPDevice.objects.get(user=sysadmin, confirmed=False)
    # when a wrong code and then the right one are entered
    wrong = client.post("/account/otp/", {"token": _wrong(otp_token(device))})
    assert "动态口令不正确" in wrong.content.decode()
    assert client.post("/account/otp/", {"token": otp_token(device)}).status_code == 302
    # then the device is confirmed and the session verified
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.session[SESSION_KEY] == device.pk
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="otp_enrol", actor=sysadmin).exists()


def test_wrong_codes_count_toward_the_lockout_and_are_audited(client, worker):
    # given
    device = otp_device_ensure(worker)
    _login(client, "wg001")
    wrong = _wrong(otp_token(device))
    # when five wrong codes are entered
    for _ in range(4):
        assert "动态口令不正确" in client.post("/account/otp/", {"token": wrong}).content.decode()
    response = client.post("/account/otp/", {"token": wrong})
    # then the account is locked, the half-open session ended, and the password alone
    # no longer signs in
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="otp_failed", actor=worker).count() == 5
    assert LoginThrottle.objects.get(username="wg001").locked_until is not None
    assert "账号已锁定" in _login(client, "wg001").content.decode()


def test_a_code_is_accepted_once(client, worker):
    # given a code already used to sign in
    device = otp_device_ensure(worker)
    _login(client, "wg001")
    token = otp_token(device)
    client.post("/account/otp/", {"token": token})
    client.post("/logout/")
    # when the same code is replayed
    _login(client, "wg001")
    response = client.post("/account/otp/", {"token": token})
    # then
    assert "动态口令不正确" in response.content.decode()


def test_roles_without_the_requirement_sign_in_with_the_password(client, city):
    make_user(Role.CITY_OFFICER, city, username="officer")
    _login(client, "officer")
    assert client.get("/").status_code == 200


@override_settings(WANGGE_OTP_REQUIRED_ROLES=["none"])
def test_the_setting_can_turn_it_off(client, worker):
    _login(client, "wg001")
    assert client.get("/residents/").status_code == 200


def test_the_security_admin_resets_a_lost_device(client, worker, city):
    # given
    otp_device_ensure(worker)
    client.force_login(make_user(Role.SECURITY_ADMIN, username="sec"))
    # when
    client.post(f"/account/roles/{worker.pk}/otp-reset/")
    # then the worker enrols again at the next sign-in
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert AuditEvent.objects.filter(action="otp_reset", object_id=str(worker.pk)).exists()


def test_the_admin_login_needs_the_code_too(client, sysadmin):
    otp_device_ensure(sysadmin)
    client.post("/admin/login/", {"username": "sysadmin", "password": PASSWORD})
    assert client.get("/admin/")["Location"].startswith("/account/otp/")
