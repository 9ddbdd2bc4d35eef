from django.urls import path

from . import views, views_credit

app_name = "finance"

urlpatterns = [
    path("", views.home, name="home"),
    path("demands/", views.demands, name="demands"),
    path("demands/new/", views.demand_new, name="demand_new"),
    path("demands/<int:demand_id>/", views.demand, name="demand"),
    path("products/", views.products, name="products"),
    path("villages/", views_credit.villages, name="villages"),
    path("villages/<int:village_id>/", views_credit.village, name="village"),
    path("households/<int:household_id>/rating/", views_credit.rate, name="rate"),
    path("credit/", views_credit.credit, name="credit"),
    path("postings/", views_credit.postings, name="postings"),
]
