from ninja import NinjaAPI
from ninja.security import django_auth

from wangge.api.errors import application_error_response
from wangge.audit.services import audit_access_denied
from wangge.core.errors import ApplicationError, NotFoundOrForbidden

api = NinjaAPI(
    title="Wangge API",
    version="1",
    description="网格化基层治理平台 JSON API。所有列表按用户的区域范围过滤。",
    auth=django_auth,
    urls_namespace="api",
)


@api.exception_handler(ApplicationError)
def _application_error(request, exc):
    if isinstance(exc, NotFoundOrForbidden):
        # Out of scope answers like missing, and is audited exactly as the pages do.
        audit_access_denied(request)
    return application_error_response(api, request, exc)


def _register_routers() -> None:
    from wangge.areas.api import router as areas_router
    from wangge.cases.api import router as cases_router
    from wangge.patrols.api import router as patrols_router
    from wangge.people.api import router as people_router

    api.add_router("/areas", areas_router)
    api.add_router("/people", people_router)
    api.add_router("/cases", cases_router)
    api.add_router("/patrols", patrols_router)


_register_routers()
