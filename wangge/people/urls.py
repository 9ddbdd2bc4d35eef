from django.urls import path

from wangge.people import views

app_name = "people"

urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("import/template/<str:kind>/", views.import_template, name="import_template"),
    path("import/report/<str:token>/", views.import_report, name="import_report"),
    path("export/<str:kind>/", views.export, name="export"),
]
