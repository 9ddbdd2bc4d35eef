"""Users with roles, and their second factor."""

from wangge.accounts.models import Department, Role, User
from wangge.accounts.services import role_assign
from wangge.areas.models import Area
from wangge.testing.sequence import seq

PASSWORD = "Secret-pass-123"  # noqa: S105 — the test users' password


def make_user(
    role: str | None = None,
    area: Area | None = None,
    *,
    username: str | None = None,
    department: Department | None = None,
    password: str = PASSWORD,
) -> User:
    user = User.objects.create_user(username=username or f"user{next(seq)}", password=password)
    if role:
        role_assign(actor=None, user=user, role=role, area=area, department=department)
    return User.objects.get(pk=user.pk)


def reload(user: User) -> User:
    return User.objects.get(pk=user.pk)


def otp_device_ensure(user: User):
    """A confirmed TOTP device for ``user`` (tests read its codes with ``otp_token``)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def otp_token(device) -> str:
    """The device's current code, or the next step's when the current one was used
    already (a device accepts each step once and tolerates one step of drift)."""
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.drift += device.last_t - totp.t() + 1
    return f"{totp.token():0{device.digits}d}"


def otp_session_verify(client, user: User) -> None:
    """Mark a test client's session as past the second factor, when the user needs one
    (conftest does this after every ``client.force_login``)."""
    from wangge.accounts.otp import SESSION_KEY, otp_required

    if not otp_required(user):
        return
    session = client.session
    session[SESSION_KEY] = otp_device_ensure(user).pk
    session.save()


__all__ = ["PASSWORD", "Role", "make_user", "otp_device_ensure", "otp_session_verify", "otp_token"]
