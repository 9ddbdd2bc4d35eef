"""The lockout cannot be used to lock staff out, and one IP cannot guess on and on
(issue 9 item 11)."""

import pytest
from django.test import Client, override_settings

from wangge.accounts.backends import known_device_cookie_name
from wangge.accounts.models import LoginThrottle
from wangge.audit.models import AuditEvent, Outcome
from wangge.testing import make_user

PASSWORD = "Secret-pass-123"
ATTACKER = "203.0.113.9"
OFFICE = "198.51.100.20"


def _login(client, username, password, ip=OFFICE):
    return client.post("/login/", {"username": username, "password": password},
                       REMOTE_ADDR=ip)


@pytest.fixture
def worker(db):
    return make_user(username="wg150202001001001")


def test_a_stranger_cannot_lock_out_staff_on_their_usual_browser(worker):
    # given the worker signed in before on their own phone
    phone = Client()
    assert _login(phone, worker.username, PASSWORD).status_code == 302
    assert known_device_cookie_name(worker.username) in phone.cookies
    phone.post("/logout/")
    # when a stranger guesses the predictable username five times
    stranger = Client()
    for _ in range(5):
        _login(stranger, worker.username, "guess-123", ip=ATTACKER)
    # then the stranger is locked out
    assert "账号已锁定" in _login(stranger, worker.username, PASSWORD, ip=ATTACKER).content.decode()
    # but the worker signs in on their phone as usual, even from the same address
    assert _login(phone, worker.username, PASSWORD, ip=ATTACKER).status_code == 302
    assert phone.session["_auth_user_id"] == str(worker.pk)


def test_the_known_device_has_its_own_lockout(worker):
    # given a stolen known-device cookie, guessing still locks after five failures
    phone = Client()
    _login(phone, worker.username, PASSWORD)
    phone.post("/logout/")
    for _ in range(5):
        _login(phone, worker.username, "guess-123")
    assert "账号已锁定" in _login(phone, worker.username, PASSWORD).content.decode()
    assert LoginThrottle.objects.get(username=f"{worker.username}#known").locked_until


def test_a_forged_cookie_is_not_a_known_device(worker):
    stranger = Client()
    stranger.cookies[known_device_cookie_name(worker.username)] = "forged:value"
    for _ in range(5):
        _login(stranger, worker.username, "guess-123", ip=ATTACKER)
    assert LoginThrottle.objects.get(username=worker.username).locked_until is not None


@override_settings(WANGGE_LOGIN_IP_FAILURES_PER_HOUR=6)
def test_one_ip_failing_on_many_usernames_is_throttled(db):
    # given failures spread over usernames so that none is locked
    make_user(username="alice")
    stranger = Client()
    for name in ["a1", "a2", "a3", "a4", "a5", "a6"]:
        _login(stranger, name, "guess-123", ip=ATTACKER)
    # when that IP tries once more, even with a right password
    response = _login(stranger, "alice", PASSWORD, ip=ATTACKER)
    # then it is refused, said so and audited, and alice's own lockout is untouched
    assert "本网络地址登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in stranger.session
    assert AuditEvent.objects.filter(action="login_throttled", outcome=Outcome.DENIED,
                                     ip=ATTACKER).count() == 1
    assert not LoginThrottle.objects.filter(username="alice").exists()
    # and another address signs in normally
    assert _login(Client(), "alice", PASSWORD, ip=OFFICE).status_code == 302


@override_settings(WANGGE_LOGIN_IP_FAILURES_PER_HOUR=3)
def test_a_known_device_behind_a_throttled_ip_still_signs_in(db):
    # given alice signed in before from the office, then someone there failed a lot
    make_user(username="alice")
    alice = Client()
    _login(alice, "alice", PASSWORD)
    alice.post("/logout/")
    for name in ["b1", "b2", "b3"]:
        _login(Client(), name, "guess-123")
    assert "本网络地址" in _login(Client(), "nobody", "x-123456").content.decode()
    # then alice's browser still signs in from that address
    assert _login(alice, "alice", PASSWORD).status_code == 302


def test_the_admin_login_counts_the_same_failures(db):
    make_user(username="bob")
    stranger = Client()
    for _ in range(5):
        stranger.post("/admin/login/", {"username": "bob", "password": "guess-123"},
                      REMOTE_ADDR=ATTACKER)
    assert LoginThrottle.objects.get(username="bob").locked_until is not None
