from django.urls import path

from wangge.patrols import views

app_name = "patrols"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("overdue/", views.overdue, name="overdue"),
    path("tracks/", views.tracks, name="tracks"),
    path("tracks/data.json", views.track_data, name="track_data"),
    path("assignments/", views.assignments, name="assignments"),
    path("assignments/<str:action>/", views.assignment_change, name="assignment_change"),
    # The grid worker app: the service worker sits inside the app's URL so its scope covers it.
    path("app/", views.app, name="app"),
    path("app/sw.js", views.service_worker, name="service_worker"),
    path("app/manifest.webmanifest", views.manifest, name="manifest"),
]
