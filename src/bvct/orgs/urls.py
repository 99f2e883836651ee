from django.urls import path

from bvct.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.organisation_list_view, name="list"),
    path("chon/", views.organisation_choices_view, name="choices"),
    path("<uuid:public_id>/", views.organisation_detail_view, name="detail"),
]
