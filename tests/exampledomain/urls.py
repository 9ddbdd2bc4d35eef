from django.urls import path

from . import views

app_name = "exampledomain"

urlpatterns = [
    path("", views.bench_list, name="bench_list"),
    path("report/", views.bench_report, name="bench_report"),
]
