from django.urls import path

from wangge.property import views

app_name = "property"

urlpatterns = [
    path("estates/", views.estate_list, name="estate_list"),
    path("estates/<int:pk>/", views.estate_detail, name="estate_detail"),
    path("estates/<int:estate_pk>/committee/", views.committee_new, name="committee_new"),
    path("companies/", views.company_list, name="company_list"),
    path("companies/new/", views.company_new, name="company_new"),
    path("companies/<int:pk>/", views.company_detail, name="company_detail"),
    path("meetings/", views.company_meetings, name="company_meetings"),
    path("meetings/<int:pk>/", views.company_meeting_detail, name="company_meeting_detail"),
    path("committees/", views.committee_list, name="committee_list"),
    path("fees/", views.fee_list, name="fee_list"),
    path("opinions/", views.opinion_list, name="opinion_list"),
    path("opinions/<int:pk>/", views.opinion_detail, name="opinion_detail"),
    # public (no account)
    path("e/", views.public_estates, name="public_estates"),
    path("e/<int:estate_pk>/opinions/", views.opinion_book, name="opinion_book"),
    path("e/<int:estate_pk>/rate/", views.rate, name="rate"),
]
