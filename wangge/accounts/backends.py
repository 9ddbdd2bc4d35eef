from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction

from wangge.accounts.models import LoginThrottle
from wangge.audit.models import Outcome
from wangge.audit.services import audit_record
from wangge.core import clock


def _throttle_for(username: str) -> LoginThrottle:
    throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(username=username)
    return throttle


class LockoutModelBackend(ModelBackend):
    """Django's backend plus a per-username lockout (never per IP: a whole office can
    sit behind one NAT address). Used by our login page and the admin alike."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if not username or password is None:
            return None
        username = username.strip()
        with transaction.atomic():
            throttle = _throttle_for(username)
            locked = bool(throttle.locked_until and throttle.locked_until > clock.now())
            if not locked:
                return self._check_password(request, throttle, username, password, **kwargs)
        # Outside the transaction so the denial's audit row survives the refusal.
        audit_record(
            action="login_locked", outcome=Outcome.DENIED, username=username, request=request
        )
        raise PermissionDenied("locked")

    def _check_password(self, request, throttle, username, password, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            throttle.failures = 0
            throttle.locked_until = None
            throttle.save()
            audit_record(action="login", actor=user, request=request)
            return user
        throttle.failures += 1
        throttle.last_failure_at = clock.now()
        locked_now = throttle.failures >= settings.WANGGE_LOCKOUT_FAILURES
        if locked_now:
            throttle.locked_until = clock.now() + timedelta(
                minutes=settings.WANGGE_LOCKOUT_MINUTES
            )
            throttle.failures = 0
        throttle.save()
        audit_record(
            action="login_failed", outcome=Outcome.FAILURE, username=username, request=request,
            detail={"locked": locked_now},
        )
        return None


def account_unlock(*, actor, username: str, request=None) -> None:
    LoginThrottle.objects.filter(username=username).update(failures=0, locked_until=None)
    audit_record(action="unlock", actor=actor, request=request, object_type="user",
                 object_id=username)
