from django.urls import path

from bvct.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list_view, name="list"),
    path("<uuid:public_id>/tai-ve/", views.document_download_view, name="download"),
    path("nhiem-ky/", views.term_list_view, name="term_list"),
    path("nhiem-ky/<uuid:public_id>/", views.term_edit_view, name="term_edit"),
    path("mau/", views.template_list_view, name="template_list"),
    path("mau/<slug:type_slug>/thay-the/", views.template_replace_view, name="template_replace"),
    path(
        "mau/<slug:type_slug>/mac-dinh.docx", views.template_default_view, name="template_default"
    ),
    path("mau/tep/<uuid:public_id>/", views.template_file_view, name="template_file"),
]
