"""Routes of the rule pack and working-day calendar pages (included from vetting/urls.py)."""

from django.urls import path

from bvct.vetting import views_rules as views

urlpatterns = [
    path("bo-quy-tac/", views.rules_current_view, name="rules_current"),
    path("bo-quy-tac/phien-ban/", views.rules_version_list_view, name="rules_versions"),
    path("bo-quy-tac/phien-ban/<int:version>/", views.rules_version_view, name="rules_version"),
    path("bo-quy-tac/ban-nhap/", views.rules_draft_view, name="rules_draft"),
    path("bo-quy-tac/ban-nhap/lap/", views.rules_draft_create_view, name="rules_draft_create"),
    path(
        "bo-quy-tac/ban-nhap/sua/<slug:section>/",
        views.rules_draft_section_view,
        name="rules_draft_section",
    ),
    path("bo-quy-tac/ban-nhap/cong-bo/", views.rules_publish_view, name="rules_publish"),
    path("bo-quy-tac/ban-nhap/huy/", views.rules_discard_view, name="rules_discard"),
    path("ngay-lam-viec/", views.calendar_view, name="calendar"),
    path("ngay-lam-viec/<str:date>/xoa/", views.calendar_remove_view, name="calendar_remove"),
]
