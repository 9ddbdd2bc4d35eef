from django.urls import path

from wangge.accounts import views

app_name = "accounts"

urlpatterns = [
    path("password/", views.password_change_view, name="password_change"),
    path("otp/", views.otp_view, name="otp"),
    path("roles/", views.role_user_list, name="role_user_list"),
    path("roles/<int:user_id>/", views.role_user_detail, name="role_user_detail"),
    path("roles/<int:user_id>/grant/", views.role_grant_view, name="role_grant"),
    path("roles/<int:user_id>/revoke/<int:assignment_id>/", views.role_revoke_view,
         name="role_revoke"),
    path("roles/<int:user_id>/unlock/", views.account_unlock_view, name="account_unlock"),
    path("roles/<int:user_id>/otp-reset/", views.otp_reset_view, name="otp_reset"),
]
