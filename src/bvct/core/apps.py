from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bvct.core"
    label = "core"
    verbose_name = "Lõi hệ thống"
