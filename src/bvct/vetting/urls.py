from django.urls import include, path

app_name = "vetting"
urlpatterns = [
    path("", include("bvct.vetting.urls_rules")),
    path("", include("bvct.vetting.urls_cases")),
    path("", include("bvct.vetting.urls_reports")),
]
