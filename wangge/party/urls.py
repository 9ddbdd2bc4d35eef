from django.urls import path

from wangge.party import views, views_community, views_manage, views_meetings

app_name = "party"

urlpatterns = [
    path("", views.home, name="home"),
    path("orgs/", views.org_list, name="org_list"),
    path("orgs/<int:org_id>/", views.org_detail, name="org_detail"),
    path("orgs/new/", views_manage.org_create, name="org_create"),
    path("orgs/<int:org_id>/edit/", views_manage.org_edit, name="org_edit"),
    path("orgs/<int:org_id>/transfer-in/", views_manage.transfer_in, name="transfer_in"),
    path("members/export/", views_manage.member_export, name="member_export"),
    path("meetings/<int:meeting_id>/", views_manage.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/photos/<str:token>/", views_manage.meeting_photo, name="meeting_photo"),
    path("meetings/<int:meeting_id>/photos/<str:token>/thumb/", views_manage.meeting_photo, {"size": "thumb"},
         name="meeting_photo_thumb"),
    path("dual/<int:registration_id>/feedback/", views_manage.dual_feedback, name="dual_feedback"),
    path("dual/<int:registration_id>/feedback/sent/", views_manage.dual_feedback_sent, name="dual_feedback_sent"),
    path("orgs/<int:org_id>/meetings/new/", views_meetings.meeting_create, name="meeting_create"),
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<int:member_id>/", views.member_detail, name="member_detail"),
    path("members/<int:member_id>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:member_id>/reveal/<str:field>/", views.member_reveal, name="member_reveal"),
    path("members/<int:member_id>/transfer/", views.transfer_issue, name="transfer_issue"),
    path("members/<int:member_id>/dual/", views_community.member_dual, name="member_dual"),
    path("members/<int:member_id>/flow/", views.flow_out, name="flow_out"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/<int:transfer_id>/<str:action>/", views.transfer_action, name="transfer_action"),
    path("meetings/", views_meetings.meeting_list, name="meeting_list"),
    path("health/", views_meetings.health, name="health"),
    path("compliance/", views_meetings.compliance, name="compliance"),
    path("mobile/", views_meetings.mobile, name="mobile"),
    path("mobile/<int:flow_id>/contact/", views_meetings.flow_contact, name="flow_contact"),
    path("central/", views_meetings.central, name="central"),
    path("dual/", views_community.dual, name="dual"),
    path("dual/hours/<int:hours_id>/confirm/", views_community.hours_confirm, name="hours_confirm"),
    path("communities/", views_community.communities, name="communities"),
    path("alliances/", views_community.alliances, name="alliances"),
]
