"""The TOTP second factor (django-otp's TOTP devices).

Users holding a role in WANGGE_OTP_REQUIRED_ROLES (administrators and the roles that may
reveal ID numbers, by default) enter a 6-digit code after their password before any page
or API call works (accounts.middleware.AccountGateMiddleware). A user without a device
enrols on first sign-in; the security administrator can reset a lost device. Wrong codes
count toward the same lockout as wrong passwords.
"""

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from wangge.accounts.permissions import has_any_role
from wangge.audit.models import Outcome
from wangge.audit.services import audit_record
from wangge.core.qr import qr_svg

SESSION_KEY = "wangge_otp_device"


def otp_required(user) -> bool:
    return has_any_role(user, settings.WANGGE_OTP_REQUIRED_ROLES)


def otp_session_verified(request) -> bool:
    """The session passed the second factor. Kept in the session only (no query per
    request): a device reset takes effect at the user's next sign-in."""
    return request.session.get(SESSION_KEY) is not None


def otp_device_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def otp_pending_device(user) -> TOTPDevice:
    """The device being enrolled (created unconfirmed on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="动态口令", confirmed=False)
    return device


def otp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth URL as an inline SVG QR code (made here; no external request)."""
    return qr_svg(device.config_url, scale=4)


def otp_secret_text(device: TOTPDevice) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def otp_verify(*, request, user, device: TOTPDevice, token: str) -> bool:
    """Check a code; on success mark the session verified (confirming an enrolment).
    A wrong code is audited and counts toward the account's lockout."""
    from wangge.accounts.backends import login_failure_count, login_success_reset

    token = (token or "").strip().replace(" ", "")
    enrolling = not device.confirmed
    if token.isdigit() and len(token) == device.digits and device.verify_token(token):
        with transaction.atomic():
            if enrolling:
                TOTPDevice.objects.filter(user=user, confirmed=True).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            request.session[SESSION_KEY] = device.pk
            login_success_reset(request=request, username=user.get_username())
        audit_record(action="otp_enrol" if enrolling else "otp_verified", actor=user,
                     request=request)
        return True
    locked = login_failure_count(request=request, username=user.get_username())
    audit_record(action="otp_failed", outcome=Outcome.FAILURE, actor=user, request=request,
                 detail={"locked": locked, "enrolling": enrolling})
    return False


def otp_reset(*, actor, user, request=None) -> int:
    """Remove the user's devices: they enrol again at their next sign-in."""
    from wangge.core.errors import PermissionRefused

    if actor is not None and actor.pk == user.pk:
        raise PermissionRefused("不能重置自己的动态口令")
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_record(action="otp_reset", actor=actor, request=request, obj=user,
                 detail={"devices": deleted})
    return deleted
