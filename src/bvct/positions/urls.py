from django.urls import path

from bvct.positions import views

app_name = "positions"
urlpatterns = [
    path("chuc-vu/", views.post_list_view, name="post_list"),
    path("chuc-vu/moi/", views.post_new_view, name="post_new"),
    path("chuc-vu/<uuid:public_id>/", views.post_detail_view, name="post_detail"),
    path("danh-muc-trong-yeu/", views.catalogue_list_view, name="catalogue_list"),
    path("danh-muc-trong-yeu/moi/", views.catalogue_new_view, name="catalogue_new"),
    path("danh-muc-trong-yeu/nhap/", views.catalogue_import_view, name="catalogue_import"),
    path(
        "danh-muc-trong-yeu/nhap/tep-mau.xlsx",
        views.catalogue_template_view,
        name="catalogue_template",
    ),
    path(
        "danh-muc-trong-yeu/<uuid:public_id>/",
        views.catalogue_detail_view,
        name="catalogue_detail",
    ),
    path("ho-so/<uuid:public_id>/chuc-vu/", views.dossier_positions_view, name="dossier_positions"),
    path("ho-so/<uuid:public_id>/quyet-dinh/moi/", views.decision_new_view, name="decision_new"),
    path("giu-chuc-vu/<uuid:public_id>/ket-thuc/", views.holding_end_view, name="holding_end"),
    path(
        "quyet-dinh/<uuid:public_id>/rut/", views.decision_withdraw_view, name="decision_withdraw"
    ),
]
