from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bvct.audit"
    label = "audit"
    verbose_name = "Nhật ký"
