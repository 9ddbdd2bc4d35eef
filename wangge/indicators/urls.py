from django.urls import path

from wangge.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard_home, name="home"),
    path("<slug:code>/", views.area_dashboard, name="area"),
    path("<slug:code>/data.json", views.area_data, name="area_data"),
    path("<slug:code>/screen/", views.area_screen, name="screen"),
    path("<slug:code>/map/", views.area_map, name="map"),
    path("<slug:code>/map.json", views.area_map_data, name="map_data"),
    path("<slug:code>/briefing/", views.area_briefing, name="briefing"),
    path("<slug:code>/briefing.xlsx", views.area_briefing_xlsx, name="briefing_xlsx"),
    path("<slug:code>/briefing.docx", views.area_briefing_docx, name="briefing_docx"),
]
