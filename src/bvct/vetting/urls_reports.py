"""Casework reports (under /tham-tra/)."""

from django.urls import path

from bvct.vetting import views_reports

urlpatterns = [
    path("bao-cao/thoi-han/", views_reports.timeliness_view, name="report_timeliness"),
]
