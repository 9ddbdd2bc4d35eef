"""Every people page, mounted at the site root (``PeopleConfig.urls``): the import and
export pages under ``people/`` (wangge.people.urls), the registry pages at their short
paths. One URL namespace, ``people``."""

from django.urls import include, path

from wangge.people import urls as people_urls
from wangge.people import views_registry

app_name = "people"

urlpatterns = [
    path("people/", include(people_urls.urlpatterns)),
    path("residents/", views_registry.resident_list, name="resident_list"),
    path("residents/<int:resident_id>/", views_registry.resident_detail, name="resident_detail"),
    path("residents/<int:resident_id>/reveal/<str:field>/", views_registry.resident_reveal_view,
         name="resident_reveal"),
    path("residents/<int:resident_id>/edit/", views_registry.resident_edit, name="resident_edit"),
    path("households/", views_registry.household_list, name="household_list"),
    path("households/new/", views_registry.household_new, name="household_new"),
    path("households/<int:household_id>/", views_registry.household_detail,
         name="household_detail"),
    path("households/<int:household_id>/move/", views_registry.household_move_view,
         name="household_move"),
    path("households/<int:household_id>/residents/new/", views_registry.resident_new,
         name="resident_new"),
    path("care-tags/", views_registry.care_tag_counts_view, name="care_tag_counts"),
]
