from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.audit.services import audit_record
from wangge.core import clock

_TOUCH_EVERY_SECONDS = 30


class SessionLifetimeMiddleware:
    """Idle timeout and absolute lifetime of a signed-in session (docs/security.md)."""

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
                messages.info(request, _("登录已超时，请重新登录"))
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            if now - last_seen > _TOUCH_EVERY_SECONDS or "wangge_last_seen" not in session:
                session["wangge_last_seen"] = now
        return self.get_response(request)


# Pages a signed-in user may reach before passing the second factor (the code page) or
# before changing an expired password (the change page, after the second factor), and
# signing out, static files, the language switch.
_ALWAYS_OPEN = ("/logout/", "/login/", "/static/", "/i18n/")
_BEFORE_OTP = ("/account/otp/", *_ALWAYS_OPEN)
_BEFORE_PASSWORD_CHANGE = ("/account/password/", *_BEFORE_OTP)


class AccountGateMiddleware:
    """Nothing works until the session passed the second factor (for the roles that need
    one) and a staff password older than the maximum age was changed. Pages redirect to
    the step; the API answers 401/403 with the reason. Also hands out the known-device
    cookie after a full sign-in (accounts.backends)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self._refusal(request)
        response = refusal or self.get_response(request)
        username = getattr(request, "_wangge_known_device", None)
        if username:
            from wangge.accounts.backends import (
                known_device_cookie_name,
                known_device_cookie_value,
            )

            response.set_cookie(
                known_device_cookie_name(username), known_device_cookie_value(username),
                max_age=settings.WANGGE_KNOWN_DEVICE_DAYS * 86400, httponly=True,
                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def _refusal(self, request):
        user = request.user
        if not user.is_authenticated or request.path.startswith(_BEFORE_OTP):
            return None
        from wangge.accounts.otp import otp_required, otp_session_verified
        from wangge.accounts.permissions import must_change_password

        if otp_required(user) and not otp_session_verified(request):
            return self._answer(request, 401, "otp_required",
                                _("请先输入动态口令完成双因素验证"), "accounts:otp")
        if not request.path.startswith(_BEFORE_PASSWORD_CHANGE) and must_change_password(user):
            if user.password_temporary:
                return self._answer(request, 403, "password_temporary",
                                    _("当前密码由他人设置，请先修改密码"),
                                    "accounts:password_change")
            days = settings.WANGGE_PASSWORD_MAX_AGE_DAYS
            return self._answer(request, 403, "password_expired",
                                _("密码已超过 %(days)s 天未修改，请先修改密码") % {"days": days},
                                "accounts:password_change")
        return None

    @staticmethod
    def _answer(request, status, code, message, url_name):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": [{"loc": [], "msg": message, "type": code}]},
                                status=status)
        if request.method == "GET" and not request.headers.get("HX-Request"):
            return redirect(f"{reverse(url_name)}?next={quote(request.get_full_path())}")
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
        response["HX-Redirect"] = reverse(url_name)
        return response
