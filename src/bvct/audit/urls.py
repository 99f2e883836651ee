from django.urls import path

from bvct.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.AuditEventListView.as_view(), name="event_list"),
    path("<uuid:public_id>/", views.AuditEventDetailView.as_view(), name="event_detail"),
]
