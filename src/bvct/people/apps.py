from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "bvct.people"
    label = "people"
    verbose_name = "Hồ sơ"
