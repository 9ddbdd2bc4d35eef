from django.urls import path

from wangge.cases import views, views_intake, views_residents

app_name = "cases"

urlpatterns = [
    # Public: residents report and follow their case without an account.
    path("report/", views.report, name="report"),
    path("report/locate/", views.report_locate, name="report_locate"),
    path("report/where/", views_residents.report_where, name="report_where"),
    path("report/places/", views_residents.place_search_view, name="place_search"),
    path("report/nearby/", views_residents.report_nearby, name="report_nearby"),
    path("report/follow/", views_residents.report_follow, name="report_follow"),
    path("mine/", views_residents.my_reports, name="my_reports"),
    path("mine/status/", views_residents.my_reports_status_view, name="my_reports_status"),
    path("followed/<str:token>/", views_residents.followed_case, name="followed"),
    path(
        "followed/<str:token>/photos/<int:attachment_id>/",
        views_residents.followed_photo,
        name="followed_photo",
    ),
    path("track/", views.track, name="track"),
    path("track/<str:token>/", views.track_case, name="track_case"),
    path("track/<str:token>/evaluate/", views.track_evaluate, name="track_evaluate"),
    path(
        "track/<str:token>/photos/<int:attachment_id>/",
        views.track_photo,
        name="track_photo",
    ),
    # Staff: intake (a call, a visit, a patrol, a letter), work lists and the case page.
    path("intake/", views_intake.intake, name="intake"),
    path("", views.work_list, name="work_list"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/act/<str:action>/", views.case_act, name="act"),
    path("<int:case_id>/summon/", views.case_summon, name="summon"),
    path(
        "<int:case_id>/summons/<int:response_id>/check-in/",
        views.summons_check_in_view,
        name="summons_check_in",
    ),
    path(
        "<int:case_id>/summons/<int:response_id>/rate/",
        views.summons_rate_view,
        name="summons_rate",
    ),
    path("<int:case_id>/photos/<int:attachment_id>/", views.case_photo, name="photo"),
]
