from django.urls import path

from . import views

app_name = "powers"

urlpatterns = [
    path("", views.home, name="home"),
    path("results/", views.results, name="results"),
    path("results/export/", views.results_export, name="results_export"),
    path("streets/<int:street_id>/", views.street, name="street"),
    path("streets/<int:street_id>/exercises/", views.exercises, name="exercises"),
    path("streets/<int:street_id>/assessments/", views.assessments, name="assessments"),
    path("streets/<int:street_id>/assessments/<int:department_id>/", views.assess, name="assess"),
]
