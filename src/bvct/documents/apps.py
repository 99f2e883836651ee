from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "bvct.documents"
    label = "documents"
    verbose_name = "Văn bản"

    def ready(self) -> None:
        from bvct.audit.labels import add_values
        from bvct.documents.constants import DocumentType

        add_values("doc_type", DocumentType.choices)
