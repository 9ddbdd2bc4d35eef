from django.urls import path

from . import views, views_public

app_name = "facilities"

urlpatterns = [
    path("", views.facility_list, name="list"),
    path("new/", views.facility_edit, name="create"),
    path("<int:pk>/", views.facility_detail, name="detail"),
    path("<int:pk>/edit/", views.facility_edit, name="edit"),
    path("<int:pk>/log/", views.service_log, name="log"),
    path("stations/", views.stations, name="stations"),
    path("usage/", views.usage, name="usage"),
    path("gaps/", views.gaps, name="gaps"),
    path("gaps/homes.json", views.gap_homes, name="gap_homes"),
    path("scenarios/", views.scenarios, name="scenarios"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario"),
    path("near/", views_public.near, name="near"),
    path("near/results/", views_public.near_results, name="near_results"),
    path("basemap.json", views_public.basemap, name="basemap"),
]
