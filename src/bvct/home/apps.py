from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "bvct.home"
    label = "home"
    verbose_name = "Trang chủ"
