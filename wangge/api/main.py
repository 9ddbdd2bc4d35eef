from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from wangge.api.errors import application_error_response
from wangge.audit.services import audit_access_denied
from wangge.core.errors import ApplicationError, NotFoundOrForbidden
from wangge.core.nav import app_modules


def _docs_for_signed_in_users(view):
    """The API's docs and schema: anonymous callers get them only where
    WANGGE_API_DOCS_PUBLIC says so (not in production)."""

    @wraps(view, assigned=())
    def guarded(request, *args, **kwargs):
        if settings.WANGGE_API_DOCS_PUBLIC or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse({"detail": "Unauthorized"}, status=401)
        return redirect_to_login(request.get_full_path())

    return guarded


api = NinjaAPI(
    title="Wangge API",
    version="1",
    description="网格化基层治理平台 JSON API。所有列表按用户的区域范围过滤。",
    auth=django_auth,
    urls_namespace="api",
    docs_decorator=_docs_for_signed_in_users,
)


@api.exception_handler(ApplicationError)
def _application_error(request, exc):
    if isinstance(exc, NotFoundOrForbidden):
        # Out of scope answers like missing, and is audited exactly as the pages do.
        audit_access_denied(request)
    return application_error_response(api, request, exc)


def _register_routers() -> None:
    """Every installed app's ``api.py``: its ``router`` under its ``API_PREFIX`` (issue 11:
    no shared file names a domain), in INSTALLED_APPS order."""
    for module in app_modules("api"):
        router = getattr(module, "router", None)
        prefix = getattr(module, "API_PREFIX", None)
        if router is not None and prefix is not None:
            api.add_router(prefix, router)


_register_routers()
