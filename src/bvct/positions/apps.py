from django.apps import AppConfig


class PositionsConfig(AppConfig):
    name = "bvct.positions"
    label = "positions"
    verbose_name = "Chức vụ, danh mục trọng yếu, quyết định nhân sự"

    def ready(self) -> None:
        from bvct.audit.labels import add_values
        from bvct.positions import constants

        # The codes this app's events hold, in words on the auditors' pages.
        for kind in (constants.HoldingKind, constants.DecisionKind, constants.CatalogueKind):
            add_values("kind", kind.choices)
        add_values("tier", constants.Tier.choices)
        add_values("status", constants.DecisionStatus.choices)
