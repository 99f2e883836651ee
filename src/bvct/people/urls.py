from django.urls import path

from bvct.people import views, views_export

app_name = "people"
urlpatterns = [
    path("", views.dossier_search_view, name="search"),
    path("xuat-excel/", views_export.dossier_export_view, name="export"),
    path("nhap/", views.dossier_import_view, name="import"),
    path("lap-moi/", views.dossier_new_view, name="new"),
    path("<uuid:public_id>/khai-moi/", views.declaration_new_view, name="declaration_new"),
    path("nhap/tep-mau.xlsx", views.import_template_view, name="import_template"),
    path("<uuid:public_id>/ban-in/", views.dossier_print_view, name="print"),
    path("lien-ket/<uuid:public_id>/", views.person_link_decide_view, name="link_decide"),
    path("<uuid:public_id>/sua/", views.dossier_update_view, name="update"),
    path("<uuid:public_id>/", views.dossier_detail_view, name="detail"),
    path("<uuid:public_id>/so-sanh/<int:a>/<int:b>/", views.declaration_diff_view, name="diff"),
]
