from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from wangge.audit.services import audit_record
from wangge.core import clock

_TOUCH_EVERY_SECONDS = 30


class SessionLifetimeMiddleware:
    """Idle timeout and absolute lifetime of a signed-in session (security.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = clock.now().timestamp()
            session = request.session
            started = session.setdefault("wangge_login_at", now)
            last_seen = session.get("wangge_last_seen", now)
            idle_limit = settings.WANGGE_SESSION_IDLE_MINUTES * 60
            absolute_limit = settings.WANGGE_SESSION_ABSOLUTE_HOURS * 3600
            if now - last_seen > idle_limit or now - started > absolute_limit:
                audit_record(action="session_expired", actor=request.user, request=request)
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(request, "登录已超时，请重新登录")
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            if now - last_seen > _TOUCH_EVERY_SECONDS or "wangge_last_seen" not in session:
                session["wangge_last_seen"] = now
        return self.get_response(request)
