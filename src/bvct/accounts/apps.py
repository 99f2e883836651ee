from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bvct.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from bvct.accounts.middleware import start_session_clock

        # Every login() (the login page, tests' force_login) starts the session clocks; a
        # session without them is treated as expired by SessionLifetimeMiddleware.
        user_logged_in.connect(start_session_clock, dispatch_uid="bvct_session_clock")
