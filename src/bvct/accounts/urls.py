from django.urls import path

from bvct.accounts import admin_views, grant_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("giu-phien/", views.keepalive, name="keepalive"),
    path("doi-mat-khau/", views.password_change_view, name="password_change"),
    path("quan-ly/", admin_views.user_list_view, name="user_list"),
    path("quan-ly/tao-moi/", admin_views.user_create_view, name="user_create"),
    path("quan-ly/<uuid:public_id>/", admin_views.user_detail_view, name="user_detail"),
    path("quan-ly/<uuid:public_id>/trang-thai/", admin_views.user_active_view, name="user_active"),
    path("quan-ly/cap-quyen/", grant_views.grant_list_view, name="grant_list"),
    path(
        "quan-ly/cap-quyen/<uuid:public_id>/xac-nhan/",
        grant_views.grant_confirm_view,
        name="grant_confirm",
    ),
    path(
        "quan-ly/cap-quyen/<uuid:public_id>/tu-choi/",
        grant_views.grant_decline_view,
        name="grant_decline",
    ),
    path(
        "quan-ly/<uuid:public_id>/mat-khau/", admin_views.user_password_view, name="user_password"
    ),
]
