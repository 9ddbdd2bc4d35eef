"""WANGGE_PASSWORD_MAX_AGE_DAYS is enforced (issue 9 item 10)."""

from datetime import timedelta

import pytest
from django.test import override_settings

from wangge.accounts.models import Role, User
from wangge.audit.models import AuditEvent
from wangge.core import clock
from wangge.testing import make_user

PASSWORD = "Secret-pass-123"
NEW_PASSWORD = "Another-pass-456"


def _age(user, days):
    User.objects.filter(pk=user.pk).update(password_changed_at=clock.now() - timedelta(days=days))


@pytest.fixture
def officer(city):
    return make_user(Role.CITY_OFFICER, city, username="officer")


def test_setting_a_password_records_when(db):
    # given
    user = make_user(username="fresh")
    before = clock.now()
    # when
    user.set_password(NEW_PASSWORD)
    user.save()
    # then
    assert User.objects.get(pk=user.pk).password_changed_at >= before


def test_staff_with_an_old_password_must_change_it_before_anything_else(client, officer):
    # given a password 91 days old
    _age(officer, 91)
    client.force_login(officer)
    # when
    page = client.get("/residents/?page=2")
    api = client.get("/api/people/residents")
    admin = client.get("/admin/")
    # then pages go to the change page, the API says why
    assert page.status_code == 302
    assert page["Location"].startswith("/account/password/?next=")
    assert api.status_code == 403
    assert api.json()["detail"][0]["type"] == "password_expired"
    assert "请先修改密码" in api.json()["detail"][0]["msg"]
    assert admin.status_code == 302 and admin["Location"].startswith("/account/password/")
    assert "超过规定期限" in client.get("/account/password/").content.decode()


def test_changing_the_password_lets_them_in_again_and_is_audited(client, officer):
    # given
    _age(officer, 91)
    client.force_login(officer)
    # when
    response = client.post("/account/password/?next=/residents/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD, "next": "/residents/",
    })
    # then
    assert response.status_code == 302 and response["Location"] == "/residents/"
    assert client.get("/").status_code == 200
    assert User.objects.get(pk=officer.pk).check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="password_change", actor=officer).exists()


def test_the_change_page_checks_the_old_password_and_the_staff_rule(client, officer):
    _age(officer, 91)
    client.force_login(officer)
    cases = [
        ({"old_password": "wrong-one-1", "new_password1": NEW_PASSWORD,
          "new_password2": NEW_PASSWORD}, "原密码不正确"),
        ({"old_password": PASSWORD, "new_password1": "onlylowercaseletters",
          "new_password2": "onlylowercaseletters"}, "至少 3 类"),
        ({"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
         "不能与原密码相同"),
        ({"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
          "new_password2": NEW_PASSWORD + "x"}, "两次输入的新密码不一致"),
    ]
    for data, message in cases:
        body = client.post("/account/password/", data).content.decode()
        assert message in body and "has-error" in body, data
    assert User.objects.get(pk=officer.pk).check_password(PASSWORD)


def test_a_recent_password_and_residents_are_not_held_back(client, officer, city):
    # given
    _age(officer, 89)
    resident = make_user(Role.RESIDENT, city)
    _age(resident, 400)
    # then
    client.force_login(officer)
    assert client.get("/").status_code == 200
    client.force_login(resident)
    assert client.get("/").status_code == 200


@override_settings(WANGGE_PASSWORD_MAX_AGE_DAYS=0)
def test_zero_days_turns_the_rule_off(client, officer):
    _age(officer, 4000)
    client.force_login(officer)
    assert client.get("/").status_code == 200


@override_settings(WANGGE_PASSWORD_MAX_AGE_DAYS=30)
def test_the_age_is_configurable_and_a_never_changed_password_counts_from_joining(
    client, officer
):
    # given a password never recorded, on an account made 31 days ago
    User.objects.filter(pk=officer.pk).update(
        password_changed_at=None, date_joined=clock.now() - timedelta(days=31))
    client.force_login(officer)
    # then
    assert client.get("/")["Location"].startswith("/account/password/")


def test_a_password_set_by_someone_else_is_changed_at_the_next_sign_in(client, officer):
    # given a recent password that a security administrator set (temporary)
    User.objects.filter(pk=officer.pk).update(password_temporary=True)
    client.force_login(officer)
    # when
    page = client.get("/residents/")
    api = client.get("/api/people/residents")
    # then nothing works but the change page, whatever the password's age
    assert page.status_code == 302 and page["Location"].startswith("/account/password/")
    assert api.status_code == 403 and api.json()["detail"][0]["type"] == "password_temporary"
    assert "临时密码" in client.get("/account/password/").content.decode()
    # and once the user changed it themselves, they are in and it is no longer temporary
    response = client.post("/account/password/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert client.get("/residents/").status_code == 200
    assert not User.objects.get(pk=officer.pk).password_temporary


@override_settings(WANGGE_PASSWORD_MAX_AGE_DAYS=0)
def test_a_temporary_password_is_changed_even_without_a_maximum_age(client, city):
    # given a resident whose password someone else set
    resident = make_user(Role.RESIDENT, city, username="jm")
    User.objects.filter(pk=resident.pk).update(password_temporary=True)
    client.force_login(resident)
    # when / then
    assert client.get("/")["Location"].startswith("/account/password/")


def test_accounts_made_by_code_are_not_temporary(db):
    assert not make_user(username="plain").password_temporary
