from functools import wraps

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts import permissions
from wangge.accounts.backends import login_refusal_message
from wangge.accounts.ratelimit import RateLimited, bulk_read_charge
from wangge.accounts.scope import filter_to_scope
from wangge.areas.models import Area
from wangge.audit.selectors import audit_event_list
from wangge.audit.services import ACTION_LABELS, audit_access_denied, audit_record
from wangge.core.errors import NotFoundOrForbidden, PermissionRefused
from wangge.core.inputs import page_number
from wangge.people.selectors import (
    care_tag_counts,
    household_list_visible_to,
    resident_get_for_user,
    resident_list_visible_to,
)
from wangge.people.services import REVEALABLE_FIELDS, resident_reveal
from wangge.web.forms import AuditFilterForm, LoginForm, ResidentFilterForm

PAGE_SIZE = 20


def guarded(predicate=None):
    """Login required; a failed predicate or an out-of-scope object answers 404/403 and is
    audited as a denial."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if predicate is not None and not predicate(request.user):
                audit_access_denied(request)
                raise Http404
            try:
                return view(request, *args, **kwargs)
            except NotFoundOrForbidden as exc:
                audit_access_denied(request)
                raise Http404(exc.message) from exc
            except RateLimited as exc:
                return rate_limited_response(request, exc)

        return wrapper

    return decorator


def rate_limited_response(request, exc: RateLimited) -> HttpResponse:
    """429 with the reason; htmx swaps only 2xx answers, so it gets the message as 200."""
    if request.headers.get("HX-Request"):
        return render(request, "web/_rate_limited.html", {"message": exc.message})
    return render(request, "web/rate_limited.html", {"message": exc.message}, status=429)


def paginate(request, queryset):
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(page_number(request.GET.get("page")))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


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


@login_required
def home(request):
    user = request.user
    context = {"roles": user.role_assignments.current().select_related("area", "department")}
    if permissions.can_read_registry(user):
        context["resident_total"] = resident_list_visible_to(user=user).count()
        context["household_total"] = household_list_visible_to(user=user).count()
        context["grid_total"] = filter_to_scope(
            Area.objects.filter(kind="grid"), user, field="path"
        ).count()
    return render(request, "web/home.html", context)


@guarded(permissions.can_read_registry)
def resident_list(request):
    form = ResidentFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    residents = resident_list_visible_to(
        user=request.user,
        area=filters.get("area"),
        name=filters.get("name", ""),
        care_tag=filters.get("care_tag", ""),
        residence_status=filters.get("residence_status", ""),
        id_number=filters.get("id_number", ""),
    ).select_related("household__grid")
    page, query = paginate(request, residents)
    bulk_read_charge(user=request.user, rows=len(page), request=request)
    template = "web/_resident_rows.html" if request.headers.get("HX-Request") else "web/resident_list.html"
    return render(request, template, {"form": form, "page": page, "query": query})


@guarded(permissions.can_read_registry)
def resident_detail(request, resident_id: int):
    resident = resident_get_for_user(user=request.user, resident_id=resident_id)
    bulk_read_charge(user=request.user, rows=1, request=request)
    return render(request, "web/resident_detail.html", {
        "resident": resident,
        "can_reveal": permissions.can_reveal_personal_data(request.user),
        "tags": resident.care_tags.all(),
    })


@require_POST
@guarded(permissions.can_read_registry)
def resident_reveal_view(request, resident_id: int, field: str):
    if field not in REVEALABLE_FIELDS:
        raise Http404
    resident = resident_get_for_user(user=request.user, resident_id=resident_id)
    try:
        value = resident_reveal(actor=request.user, resident=resident, field=field, request=request)
    except PermissionRefused as exc:
        return HttpResponseForbidden(exc.message)
    except RateLimited as exc:
        return HttpResponse(exc.message, status=429, content_type="text/plain; charset=utf-8")
    return render(request, "web/_revealed.html", {"value": value, "field": field})


@guarded(permissions.can_read_registry)
def household_list(request):
    q = request.GET.get("q", "")[:50]
    households = household_list_visible_to(user=request.user, q=q)
    page, query = paginate(request, households)
    bulk_read_charge(user=request.user, rows=len(page), request=request, what="household")
    return render(request, "web/household_list.html", {"page": page, "query": query, "q": q})


@guarded(permissions.can_read_registry)
def care_tag_counts_view(request):
    form = ResidentFilterForm(request.GET or None, user=request.user)
    area = form.cleaned_data.get("area") if form.is_valid() else None
    rows = care_tag_counts(user=request.user, area=area)
    return render(request, "web/care_tag_counts.html", {"rows": rows, "form": form, "area": area})


@guarded(permissions.can_read_audit)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_event_list(
        user=request.user,
        username=filters.get("username", ""),
        action=filters.get("action", ""),
        outcome=filters.get("outcome", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page, query = paginate(request, events)
    return render(request, "web/audit_list.html", {
        "form": form, "page": page, "query": query, "labels": ACTION_LABELS,
    })


