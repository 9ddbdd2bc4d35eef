from django.urls import path

from wangge.web import views, views_registry

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("residents/", views.resident_list, name="resident_list"),
    path("residents/<int:resident_id>/", views.resident_detail, name="resident_detail"),
    path("residents/<int:resident_id>/reveal/<str:field>/", views.resident_reveal_view,
         name="resident_reveal"),
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views_registry.household_new, name="household_new"),
    path("households/<int:household_id>/", views_registry.household_detail,
         name="household_detail"),
    path("households/<int:household_id>/move/", views_registry.household_move_view,
         name="household_move"),
    path("households/<int:household_id>/residents/new/", views_registry.resident_new,
         name="resident_new"),
    path("residents/<int:resident_id>/edit/", views_registry.resident_edit, name="resident_edit"),
    path("care-tags/", views.care_tag_counts_view, name="care_tag_counts"),
    path("audit/", views.audit_list, name="audit_list"),
]
