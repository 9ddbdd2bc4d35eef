from django.urls import path

from . import views, views_station

app_name = "employment"

urlpatterns = [
    path("", views.home, name="home"),
    path("companies/", views.companies, name="companies"),
    path("companies/<int:company_id>/", views.company_detail, name="company"),
    path("workers/", views.workers, name="workers"),
    path("workers/<int:worker_id>/", views.worker_detail, name="worker"),
    path("workers/<int:worker_id>/reveal/<str:field>/", views.worker_reveal, name="worker_reveal"),
    path("workers/<int:worker_id>/withdraw/", views.worker_withdraw, name="worker_withdraw"),
    path("branches/", views.branches, name="branches"),
    path("services/", views.service_list, name="services"),
    path("reports/", views.reports, name="reports"),
    path("stations/", views_station.stations, name="stations"),
    path("stations/<int:facility_id>/", views_station.station, name="station"),
    path("stations/<int:facility_id>/log/", views_station.station_log, name="station_log"),
]
