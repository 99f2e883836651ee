from django.urls import path

from bvct.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.organisation_list_view, name="list"),
    path("chon/", views.organisation_choices_view, name="choices"),
    path("<uuid:public_id>/", views.organisation_detail_view, name="detail"),
    path("<uuid:public_id>/doi-ten/", views.organisation_rename_view, name="rename"),
    path(
        "<uuid:public_id>/them-truc-thuoc/",
        views.organisation_child_create_view,
        name="child_create",
    ),
]
