"""Casework pages: decisions and their requirement check, cases and the work in them, a
dossier's cases, conclusions and reported changes (under /tham-tra/)."""

from django.urls import path

from bvct.vetting import (
    views_case_settings,
    views_cases,
    views_casework,
    views_changes,
    views_conclusions,
    views_decisions,
)

CASE = "ho-so-tham-tra/<uuid:public_id>/"

urlpatterns = [
    path(
        "quyet-dinh/<uuid:public_id>/",
        views_decisions.decision_detail_view,
        name="decision_detail",
    ),
    path(
        "quyet-dinh/<uuid:public_id>/kiem-tra/",
        views_decisions.decision_check_view,
        name="decision_check",
    ),
    path("ho-so-tham-tra/", views_cases.case_list_view, name="case_list"),
    path(CASE, views_cases.case_detail_view, name="case_detail"),
    path(f"{CASE}chuyen-buoc/", views_cases.case_transition_view, name="case_transition"),
    path(f"{CASE}rut/", views_cases.case_withdraw_view, name="case_withdraw"),
    path(f"{CASE}phan-cong/", views_cases.case_assign_view, name="case_assign"),
    path(f"{CASE}thoi-phan-cong/", views_cases.case_unassign_view, name="case_unassign"),
    path(f"{CASE}mo-ho-so-moi/", views_cases.case_reopen_view, name="case_reopen"),
    path(f"{CASE}doi-han/", views_case_settings.case_deadline_view, name="case_deadline"),
    path(
        f"{CASE}gan-de-xuat/",
        views_case_settings.case_link_decision_view,
        name="case_link_decision",
    ),
    path(f"{CASE}han-che/", views_case_settings.case_restriction_view, name="case_restriction"),
    path(f"{CASE}tham-dinh/", views_casework.appraisal_record_view, name="appraisal_record"),
    path(f"{CASE}van-de/moi/", views_casework.finding_new_view, name="finding_new"),
    path("van-de/<uuid:public_id>/", views_casework.finding_update_view, name="finding_update"),
    path(f"{CASE}ket-qua-xac-minh/moi/", views_casework.result_new_view, name="result_new"),
    path(
        f"{CASE}bao-cao-tham-dinh/", views_casework.appraisal_report_view, name="appraisal_report"
    ),
    path(f"{CASE}ket-luan/", views_conclusions.conclusion_new_view, name="conclusion_new"),
    path("ho-so/<uuid:public_id>/", views_changes.dossier_cases_view, name="dossier_cases"),
]
