from django.urls import path

from . import views, views_cadre

app_name = "training"

urlpatterns = [
    path("", views.home, name="home"),
    path("classes/", views.class_list, name="classes"),
    path("classes/<int:class_id>/", views.class_detail, name="class_detail"),
    path("classes/<int:class_id>/enrol/", views.class_enrol, name="class_enrol"),
    path("classes/<int:class_id>/leave/<int:leave_id>/", views.leave_decide, name="leave_decide"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/export/", views.ledger_download, name="ledger_export"),
    path("cadres/<int:cadre_id>/", views.cadre_detail, name="cadre"),
    path("needs/", views.needs, name="needs"),
    path("courses/", views.courses, name="courses"),
    path("courses/<int:course_id>/excellent/", views.course_excellent, name="course_excellent"),
    path("excellent/", views.excellent, name="excellent"),
    path("me/", views_cadre.mine, name="mine"),
    path("me/classes/<int:class_id>/", views_cadre.my_class, name="my_class"),
    path("me/classes/<int:class_id>/enrol/", views_cadre.enrol_self, name="enrol_self"),
    path("check-in/<str:token>/", views_cadre.check_in, name="check_in"),
]
