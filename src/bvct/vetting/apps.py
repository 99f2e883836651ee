from django.apps import AppConfig


class VettingConfig(AppConfig):
    name = "bvct.vetting"
    label = "vetting"
    verbose_name = "Thẩm định, thẩm tra, kết luận"

    def ready(self) -> None:
        from bvct.audit.labels import add_values
        from bvct.vetting import constants
        from bvct.vetting.rules import SECTIONS

        # The codes this app's events hold, in words on the auditors' pages.
        add_values("status", constants.RulePackStatus.choices)
        add_values("kind", constants.CalendarDayKind.choices)
        add_values("section", SECTIONS.items())
