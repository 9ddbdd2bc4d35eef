from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from wangge.api.main import api
from wangge.core.health import healthz

admin.site.site_header = "网格化基层治理平台 · 后台管理"
admin.site.site_title = "网格后台"
admin.site.index_title = "后台管理"
# Input refused while middleware parsed it (wangge.core.middleware) is answered in words.
handler400 = "wangge.core.middleware.bad_request"
# Error pages in the site's layout and in Chinese (never Django's English debug pages).
handler403 = "wangge.web.errors.permission_denied"
handler404 = "wangge.web.errors.page_not_found"
handler500 = "wangge.web.errors.server_error"


def app_urlpatterns() -> list:
    """Every installed app's pages, from its AppConfig ``urls = [(prefix, module), …]``
    (issue 11: no shared file names a domain). Apps mounted at the site root come after
    the prefixed ones, each group in INSTALLED_APPS order."""
    mounts = [
        (prefix, module)
        for config in apps.get_app_configs()
        for prefix, module in getattr(config, "urls", ())
    ]
    mounts.sort(key=lambda mount: mount[0] == "")
    return [path(prefix, include(module)) for prefix, module in mounts]


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    *app_urlpatterns(),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
