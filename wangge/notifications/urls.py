from django.urls import path

from wangge.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:notice_id>/read/", views.notice_read, name="read"),
    path("read-all/", views.notice_read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("outbox/", views.outbox_page, name="outbox"),
    path("outbox/<int:delivery_id>/retry/", views.outbox_retry, name="outbox_retry"),
]
