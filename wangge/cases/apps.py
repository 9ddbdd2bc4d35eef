from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "wangge.cases"
    label = "cases"
    verbose_name = "事件闭环"
    # Mounted by config/urls.py: (path prefix, URLconf module).
    urls = [("cases/", "wangge.cases.urls"), ("open311/v2/", "wangge.cases.open311.urls")]
    # Input refused before any view (wangge.core.middleware) is answered under these
    # paths in the GeoReport error format: (path prefix, answer(request, refusal)).
    input_refusal_formats = [("/open311/", "wangge.cases.open311.formats.input_refusal_response")]
