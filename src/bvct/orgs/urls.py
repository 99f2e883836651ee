from django.urls import path

from bvct.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.organisation_list_view, name="list"),
    path("<uuid:public_id>/", views.organisation_detail_view, name="detail"),
]
