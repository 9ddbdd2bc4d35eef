"""Sign-in throttling (docs/security.md, issue 9 item 11).

* Per username: WANGGE_LOCKOUT_FAILURES failures (passwords or second-factor codes) lock
  the username for WANGGE_LOCKOUT_MINUTES, as MLPS level 3 asks; the security
  administrator can unlock at once.
* The lockout is not a weapon: a browser that has signed in fully as that user before
  carries a signed "known device" cookie and is counted in a bucket of its own, so a
  stranger guessing ``wg<grid code>`` locks out only other strangers, not the worker on
  their own phone. A worker on a new device during a lock asks the security administrator.
* Per client IP: past WANGGE_LOGIN_IP_FAILURES_PER_HOUR failures in the hour, further
  sign-ins from that IP are refused without checking anything, except from a known
  device (an office behind one NAT address keeps working).
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.models import LoginThrottle
from wangge.accounts.ratelimit import login_ip_blocked, login_ip_failure
from wangge.audit.models import Outcome
from wangge.audit.services import audit_record, client_ip
from wangge.core import clock

KNOWN_DEVICE_BUCKET = "#known"  # "#" cannot occur in a username
_KNOWN_DEVICE_SALT = "wangge.accounts.known-device"


def known_device_cookie_name(username: str) -> str:
    digest = hashlib.sha256(username.encode()).hexdigest()[:16]
    return f"wangge_kd_{digest}"


def known_device_cookie_value(username: str) -> str:
    return signing.dumps(username, salt=_KNOWN_DEVICE_SALT)


def is_known_device(request, username: str) -> bool:
    if request is None:
        return False
    value = request.COOKIES.get(known_device_cookie_name(username))
    if not value:
        return False
    try:
        signed = signing.loads(value, salt=_KNOWN_DEVICE_SALT,
                               max_age=settings.WANGGE_KNOWN_DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return False
    return signed == username


def mark_known_device(request, username: str) -> None:
    """Fully signed in: the response gives this browser the known-device cookie
    (set by accounts.middleware.AccountGateMiddleware)."""
    if request is not None:
        request._wangge_known_device = username


def _bucket(request, username: str) -> str:
    return username + KNOWN_DEVICE_BUCKET if is_known_device(request, username) else username


def _throttle_for(bucket: str) -> LoginThrottle:
    throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(username=bucket)
    return throttle


def login_locked_until(request, username: str):
    """When the lock that applies to this request ends, or None."""
    throttle = LoginThrottle.objects.filter(username=_bucket(request, username)).first()
    if throttle and throttle.locked_until and throttle.locked_until > clock.now():
        return throttle.locked_until
    return None


def login_refusal_message(request, username: str) -> str | None:
    """Why a sign-in was refused other than a wrong password (for the login page)."""
    until = login_locked_until(request, username)
    if until is not None:
        minutes = int((until - clock.now()).total_seconds() // 60) + 1
        return _("登录失败次数过多，账号已锁定，请 %(minutes)s 分钟后再试或联系安全管理员解锁") % {
            "minutes": minutes
        }
    if not is_known_device(request, username) and login_ip_blocked(client_ip(request)):
        return _("本网络地址登录失败次数过多，请一小时后再试或联系安全管理员")
    return None


def login_failure_count(*, request, username: str) -> bool:
    """One more failure (password or second factor) for this username and client IP;
    True when it locked the username."""
    login_ip_failure(client_ip(request))
    with transaction.atomic():
        throttle = _throttle_for(_bucket(request, username))
        throttle.failures += 1
        throttle.last_failure_at = clock.now()
        locked_now = throttle.failures >= settings.WANGGE_LOCKOUT_FAILURES
        if locked_now:
            throttle.locked_until = clock.now() + timedelta(
                minutes=settings.WANGGE_LOCKOUT_MINUTES
            )
            throttle.failures = 0
        throttle.save()
    return locked_now


def login_success_reset(*, request, username: str) -> None:
    LoginThrottle.objects.filter(username=_bucket(request, username)).update(
        failures=0, locked_until=None
    )


class LockoutModelBackend(ModelBackend):
    """Django's backend plus the lockout and IP throttle above. Used by our login page
    and the admin alike."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if not username or password is None:
            return None
        username = username.strip()
        known = is_known_device(request, username)
        if not known and login_ip_blocked(client_ip(request)):
            audit_record(action="login_throttled", outcome=Outcome.DENIED, username=username,
                         request=request)
            raise PermissionDenied("throttled")
        if login_locked_until(request, username) is not None:
            audit_record(action="login_locked", outcome=Outcome.DENIED, username=username,
                         request=request, detail={"known_device": known})
            raise PermissionDenied("locked")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            login_success_reset(request=request, username=username)
            audit_record(action="login", actor=user, request=request)
            from wangge.accounts.otp import otp_required

            if not otp_required(user):
                mark_known_device(request, username)
            return user
        locked_now = login_failure_count(request=request, username=username)
        audit_record(
            action="login_failed", outcome=Outcome.FAILURE, username=username, request=request,
            detail={"locked": locked_now, "known_device": known},
        )
        return None


def account_unlock(*, actor, username: str, request=None) -> None:
    """The security administrator lifts every lock of this username."""
    LoginThrottle.objects.filter(
        username__in=[username, username + KNOWN_DEVICE_BUCKET]
    ).update(failures=0, locked_until=None)
    audit_record(action="unlock", actor=actor, request=request, object_type="user",
                 object_id=username)
