import io

import pytest
from django.core.management import CommandError, call_command

from wangge.accounts.models import Role, User
from wangge.areas.models import Area
from wangge.audit.models import AuditEvent


def _run(monkeypatch, *args, password: str):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("user_create", *args, "--password-stdin", stdout=out)
    return out.getvalue()


def test_user_create_makes_a_staff_user_with_an_audited_role(city, monkeypatch):
    # given a district of the city
    district = Area.objects.filter(kind="district").first()
    # when an operator creates its officer from the command line
    _run(
        monkeypatch,
        "qu01",
        "--role",
        Role.DISTRICT_OFFICER,
        "--area",
        district.code,
        password="Qu-officer-2026",
    )
    # then the account signs in with that password and holds the role there, on record
    user = User.objects.get(username="qu01")
    assert user.is_staff and user.check_password("Qu-officer-2026")
    assert list(user.role_assignments.values_list("role", "area")) == [
        (Role.DISTRICT_OFFICER, district.pk)
    ]
    assert AuditEvent.objects.filter(action="permission_change", object_id=str(user.pk)).exists()
    # and the password, chosen by the operator, is changed by its holder at first sign-in
    assert user.password_temporary


def test_user_create_applies_the_staff_password_rules(city, monkeypatch):
    district = Area.objects.filter(kind="district").first()
    with pytest.raises(CommandError):
        _run(
            monkeypatch,
            "qu02",
            "--role",
            Role.DISTRICT_OFFICER,
            "--area",
            district.code,
            password="password",
        )
    assert not User.objects.filter(username="qu02").exists()
