from datetime import timedelta

import pytest
from django.test import override_settings

from wangge.accounts.models import LoginThrottle
from wangge.audit.models import AuditEvent
from wangge.core import clock
from wangge.testing import make_user

PASSWORD = "Secret-pass-123"


def _login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


@pytest.fixture
def alice(db):
    return make_user(username="alice")


def test_unknown_user_and_wrong_password_get_the_same_message(client, alice):
    unknown = _login(client, "nobody", "whatever1").content.decode()
    wrong = _login(client, "alice", "whatever1").content.decode()
    assert "用户名或密码不正确" in unknown and "用户名或密码不正确" in wrong


def test_five_failures_lock_that_username_only(client, alice):
    bob = make_user(username="bob")
    # given five wrong passwords for alice
    for _ in range(5):
        _login(client, "alice", "wrong-password")
    # when alice then uses the right password
    response = _login(client, "alice", PASSWORD)
    # then she is locked out, told so, and not logged in
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # and bob, from the same address, is not affected
    assert _login(client, "bob", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(bob.pk)
    assert AuditEvent.objects.filter(action="login_failed", actor_username="alice").count() == 5
    assert AuditEvent.objects.filter(action="login_locked", actor_username="alice").count() == 1


def test_lock_expires_after_the_configured_time(client, alice):
    for _ in range(5):
        _login(client, "alice", "wrong-password")
    LoginThrottle.objects.filter(username="alice").update(
        locked_until=clock.now() - timedelta(seconds=1))
    assert _login(client, "alice", PASSWORD).status_code == 302


@override_settings(WANGGE_LOCKOUT_FAILURES=2)
def test_failure_threshold_is_configurable(client, alice):
    _login(client, "alice", "x-wrong-1")
    _login(client, "alice", "x-wrong-2")
    assert "账号已锁定" in _login(client, "alice", PASSWORD).content.decode()


def test_admin_login_uses_the_same_lockout(client, alice):
    for _ in range(5):
        client.post("/admin/login/", {"username": "alice", "password": "wrong-password"})
    assert LoginThrottle.objects.get(username="alice").locked_until is not None


def test_successful_login_is_audited_with_ip(client, alice):
    _login(client, "alice", PASSWORD)
    event = AuditEvent.objects.get(action="login")
    assert event.actor_username == "alice" and event.ip == "127.0.0.1"


def test_idle_session_expires(client, alice):
    assert _login(client, "alice", PASSWORD).status_code == 302
    session = client.session
    session["wangge_last_seen"] = clock.now().timestamp() - 31 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="session_expired").count() == 1


def test_absolute_session_lifetime(client, alice):
    _login(client, "alice", PASSWORD)
    session = client.session
    session["wangge_login_at"] = clock.now().timestamp() - 12 * 3600 - 1
    session.save()
    assert client.get("/").status_code == 302


def test_disabling_a_user_ends_their_session(client, alice):
    _login(client, "alice", PASSWORD)
    alice.is_active = False
    alice.save()
    # ("/" is the public front door: a signed-in-only page shows the session ended)
    response = client.get("/account/password/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_staff_password_policy_needs_character_classes(alice):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    alice.is_staff = True
    with pytest.raises(ValidationError) as error:
        validate_password("onlylowercaseletters", alice)
    assert "至少 3 类" in str(error.value)
    validate_password("Mixed-Case-99", alice)
    with pytest.raises(ValidationError):
        validate_password("short1A", alice)
