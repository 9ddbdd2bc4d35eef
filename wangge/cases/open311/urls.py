from django.urls import path, re_path

from wangge.cases.open311 import views

app_name = "open311"

# GeoReport v2 names every resource with its format: services.json, requests/42.xml …
FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(
        r"^services/(?P<service_code>[\w.-]+?)" + FMT, views.service_definition, name="service"
    ),
    re_path(r"^requests" + FMT, views.requests_view, name="requests"),
    re_path(r"^requests/(?P<request_id>[\w-]+?)" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[\w-]+?)" + FMT, views.token_detail, name="token"),
    path("media/<str:token>", views.media, name="media"),
]
