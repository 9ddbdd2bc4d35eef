import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from wangge.accounts.models import Department, Role, User
from wangge.areas.models import Area


def test_no_demo_account_exists_unless_demo_settings_are_on(city):
    with pytest.raises(CommandError, match="演示模式"):
        call_command("demo_logins")
    assert User.objects.count() == 0


@override_settings(WANGGE_DEMO=True)
def test_demo_logins_cover_every_role(city, capsys):
    Department.objects.create(name="城管局", code="CG", area=city)
    call_command("demo_logins")
    out = capsys.readouterr().out
    roles = set(User.objects.values_list("role_assignments__role", flat=True))
    assert roles == set(Role.values)
    assert "gridworker" in out and "auditadmin" in out
    grid_worker = User.objects.get(username="gridworker")
    assert grid_worker.role_assignments.get().area.kind == "grid"
    assert Area.objects.count() > 0
    # the demo logins work as printed (no temporary password) and keep three-role separation
    assert not User.objects.filter(password_temporary=True).exists()
    admin_roles = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
    for user in User.objects.all():
        held = set(user.role_assignments.values_list("role", flat=True))
        assert not (held & admin_roles) or len(held) == 1, user.username


def test_changing_the_password_ends_other_sessions(client, db):
    from wangge.testing import make_user

    user = make_user(username="carol")
    client.force_login(user)
    assert client.get("/account/password/").status_code == 200
    user.set_password("A-new-Password-42")
    user.save()
    # ("/" is the public front door: a signed-in-only page shows the session ended)
    response = client.get("/account/password/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
