from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bvct.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

