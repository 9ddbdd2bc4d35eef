"""Account pages: the security administrator's role assignments, the password change
that an expired password leads to, and the second factor (TOTP) after the password."""

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts import permissions
from wangge.accounts.backends import account_unlock, login_locked_until, mark_known_device
from wangge.accounts.forms import OtpForm, PasswordChangeForm, RoleGrantForm, UserFilterForm
from wangge.accounts.guards import guarded
from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.otp import (
    otp_device_of,
    otp_pending_device,
    otp_qr_svg,
    otp_required,
    otp_reset,
    otp_secret_text,
    otp_session_verified,
    otp_verify,
)
from wangge.accounts.selectors import login_locks_of, role_assignments_for_admin, user_list
from wangge.accounts.services import password_change, role_assign, role_revoke
from wangge.areas.models import Area
from wangge.core.errors import ApplicationError
from wangge.core.paging import paginate

_PANEL = "accounts/_role_panel.html"


def _next_url(request, default: str = "web:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return default


# ---------------------------------------------------------------- role assignments


@guarded(permissions.can_admin_users)
def role_user_list(request):
    form = UserFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    area = None
    if filters.get("area"):
        area = Area.objects.filter(code=filters["area"].strip()).first()
        if area is None:
            form.add_error("area", _("该区域编码不存在"))
    active = {"1": True, "0": False}.get(filters.get("is_active", ""))
    users = user_list(q=filters.get("q", "").strip(), role=filters.get("role", ""),
                      area=area, is_active=active)
    if form.errors:
        users = users.none()
    page, query = paginate(request, users)
    return render(request, "accounts/role_user_list.html",
                  {"form": form, "page": page, "query": query})


def _panel_context(request, target: User, form=None) -> dict:
    return {
        "target": target,
        "assignments": role_assignments_for_admin(user=target),
        "form": form or RoleGrantForm(),
        "is_self": target.pk == request.user.pk,
        "locks": login_locks_of(user=target),
        "has_device": otp_device_of(target) is not None,
        "needs_otp": otp_required(target),
    }


def _panel_response(request, target: User, form=None):
    template = _PANEL if request.headers.get("HX-Request") else "accounts/role_user_detail.html"
    return render(request, template, _panel_context(request, target, form))


@guarded(permissions.can_admin_users)
def role_user_detail(request, user_id: int):
    target = get_object_or_404(User, pk=user_id)
    return _panel_response(request, target)


@require_POST
@guarded(permissions.can_admin_users)
def role_grant_view(request, user_id: int):
    target = get_object_or_404(User, pk=user_id)
    form = RoleGrantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            role_assign(actor=request.user, user=target, role=data["role"], area=data["area"],
                        department=data["department"], valid_from=data["valid_from"],
                        valid_until=data["valid_until"], request=request)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已授予角色"))
            if not request.headers.get("HX-Request"):
                return redirect("accounts:role_user_detail", user_id=target.pk)
            return _panel_response(request, target)
    return _panel_response(request, target, form)


@require_POST
@guarded(permissions.can_admin_users)
def role_revoke_view(request, user_id: int, assignment_id: int):
    target = get_object_or_404(User, pk=user_id)
    assignment = get_object_or_404(RoleAssignment, pk=assignment_id, user=target)
    try:
        role_revoke(actor=request.user, assignment=assignment, request=request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销角色"))
    if not request.headers.get("HX-Request"):
        return redirect("accounts:role_user_detail", user_id=target.pk)
    return _panel_response(request, target)


@require_POST
@guarded(permissions.can_admin_users)
def account_unlock_view(request, user_id: int):
    target = get_object_or_404(User, pk=user_id)
    account_unlock(actor=request.user, username=target.username, request=request)
    messages.success(request, _("已解除登录锁定"))
    return redirect("accounts:role_user_detail", user_id=target.pk)


@require_POST
@guarded(permissions.can_admin_users)
def otp_reset_view(request, user_id: int):
    target = get_object_or_404(User, pk=user_id)
    try:
        otp_reset(actor=request.user, user=target, request=request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已重置动态口令，该用户下次登录时重新绑定"))
    return redirect("accounts:role_user_detail", user_id=target.pk)


# ---------------------------------------------------------------- own account


@login_required
def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    expired = permissions.must_change_password(request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            password_change(user=request.user, old_password=data["old_password"],
                            new_password=data["new_password1"], request=request)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            update_session_auth_hash(request, request.user)  # other sessions end
            messages.success(request, _("密码已修改"))
            return redirect(_next_url(request))
    return render(request, "accounts/password_change.html",
                  {"form": form, "expired": expired, "next": _next_url(request, "")})


@login_required
def otp_view(request):
    """Enter the code after the password; without a device, enrol one first."""
    user = request.user
    if otp_session_verified(request):
        return redirect(_next_url(request))
    device = otp_device_of(user)
    enrolling = device is None
    if enrolling:
        device = otp_pending_device(user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp_verify(request=request, user=user, device=device,
                      token=form.cleaned_data["token"]):
            mark_known_device(request, user.get_username())
            return redirect(_next_url(request))
        if login_locked_until(request, user.get_username()) is not None:
            logout(request)
            messages.error(request, _("动态口令错误次数过多，账号已锁定，请稍后再试或联系安全管理员解锁"))
            return redirect("web:login")
        form.add_error("token", _("动态口令不正确或已过期，请输入验证器上当前的 6 位数字"))
    context = {"form": form, "enrolling": enrolling, "next": _next_url(request, "")}
    if enrolling:
        context.update(qr_svg=otp_qr_svg(device), secret=otp_secret_text(device),
                       otpauth_url=device.config_url)
    return render(request, "accounts/otp.html", context)
