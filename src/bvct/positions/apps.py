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
        _resolvers()


def _resolvers() -> None:
    """The rows this app's events name by id, shown by what they are called."""
    from bvct.audit.labels import add_resolver, by_public_id
    from bvct.orgs.models import Organisation
    from bvct.positions.models import CatalogueEntry, Post

    add_resolver(("organisation", "deciding_org"), by_public_id(Organisation, lambda o: o.name))
    add_resolver(("post",), by_public_id(Post, lambda p: p.name))
    add_resolver(("catalogue_entry",), by_public_id(CatalogueEntry, lambda e: e.name))
