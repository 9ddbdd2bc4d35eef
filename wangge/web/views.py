"""The shell's own pages: the front door / workbench, login and logout."""

from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts import permissions
from wangge.accounts.backends import login_refusal_message
from wangge.accounts.guards import guarded, rate_limited_response  # noqa: F401  (re-exported)
from wangge.audit.services import audit_record
from wangge.core.paging import PAGE_SIZE, paginate  # noqa: F401  (re-exported)
from wangge.web.forms import LoginForm
from wangge.web.shell import public_links, workbench_tiles


def login_view(request):
    if request.user.is_authenticated:
        return redirect("web:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is not None:
            login(request, user)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = "web:home"
            return redirect(target)
        form.add_error(None, login_refusal_message(request, username) or _("用户名或密码不正确"))
    return render(request, "web/login.html", {"form": form})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit_record(action="logout", request=request)
    logout(request)
    # Nothing of this user stays on the device: the browser clears the site's storage
    # (the grid worker app's IndexedDB, caches and service worker) and HTTP cache, and
    # the page's script does the same where the header is not honoured (plain HTTP).
    response = render(request, "web/logged_out.html")
    response["Clear-Site-Data"] = '"cache", "storage"'
    response["Cache-Control"] = "no-store"
    return response


def home(request):
    """``/``: staff get their workbench; visitors and residents (signed in without a staff
    role) get the public front door."""
    user = request.user
    if not user.is_authenticated or not permissions.is_staff_user(user):
        return render(request, "web/front.html", {"links": public_links()})
    return render(request, "web/home.html", {
        "tiles": workbench_tiles(user),
        "roles": user.role_assignments.current().select_related("area", "department"),
    })
