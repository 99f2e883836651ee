from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "bvct.documents"
    label = "documents"
    verbose_name = "Văn bản"

    def ready(self) -> None:
        from bvct.audit.labels import add_values
        from bvct.documents.constants import DocumentType

        add_values("doc_type", DocumentType.choices)
        _resolvers()


def _resolvers() -> None:
    """The rows this app's events name by id, shown by what they are called."""
    from bvct.audit.labels import add_resolver, by_public_id
    from bvct.documents.models import Term
    from bvct.orgs.models import Organisation

    add_resolver(("issuer",), by_public_id(Organisation, lambda o: o.name))
    add_resolver(("term",), by_public_id(Term, lambda t: f"{t.name} ({t.issuer.name})"))
