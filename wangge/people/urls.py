from django.urls import path

from wangge.imports import views as import_views
from wangge.people import views

app_name = "people"

urlpatterns = [
    path("import/", import_views.import_page, name="import"),
    path("import/template/<str:kind>/", import_views.import_template, name="import_template"),
    path("import/report/<str:token>/", import_views.import_report, name="import_report"),
    path("export/<str:kind>/", views.export, name="export"),
]
