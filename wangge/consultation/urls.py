from django.urls import path

from wangge.consultation import views, views_public

app_name = "consultation"

urlpatterns = [
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/qr.svg", views.meeting_qr, name="meeting_qr"),
    path("meetings/<int:pk>/photos/<str:token>/", views.meeting_photo, name="meeting_photo"),
    path("meetings/<int:pk>/photos/<str:token>/thumb/", views.meeting_photo, {"size": "thumb"},
         name="meeting_photo_thumb"),
    path("meetings/<int:meeting_pk>/resolution/", views.resolution_new, name="resolution_new"),
    path("resolutions/", views.resolution_list, name="resolution_list"),
    path("resolutions/<int:pk>/", views.resolution_detail, name="resolution_detail"),
    path("deliberations/", views.deliberation_list, name="deliberation_list"),
    path("deliberations/new/", views.deliberation_new, name="deliberation_new"),
    path("deliberations/<int:pk>/", views.deliberation_detail, name="deliberation_detail"),
    path("compliance/", views.compliance, name="compliance"),
    # public (no account)
    path("c/", views_public.public_index, name="public_index"),
    path("c/<str:code>/", views_public.board, name="board"),
    path("c/<str:code>/raise/", views_public.raise_proposal, name="raise"),
    path("c/<str:code>/publicity/", views_public.publicity, name="publicity"),
    path("support/<int:pk>/", views_public.support, name="support"),
    path("checkin/<str:token>/", views_public.checkin, name="checkin"),
]
