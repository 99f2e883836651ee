from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "bvct.orgs"
    label = "orgs"
    verbose_name = "Tổ chức"
