"""Reads of the documents app. Issued documents only through the gate, without their bytes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bvct.core.constants import Action
from bvct.core.gate import get_for_user
from bvct.documents.constants import DocumentType
from bvct.documents.models import DocumentTemplate, IssuedDocument, Term


def document_list(*, user: Any, doc_type: str = "") -> QuerySet[IssuedDocument]:
    """The documents the user may see, newest first (the stored bytes are not loaded)."""
    qs = IssuedDocument.objects.visible_to(user, Action.VIEW).defer("content")
    if doc_type in DocumentType.values:
        qs = qs.filter(doc_type=doc_type)
    return qs.select_related("issuer").order_by("-issued_on", "-created_at")


def document_get_for_user(*, user: Any, public_id: Any) -> IssuedDocument:
    """One document through the gate: hidden and missing both raise Http404."""
    return get_for_user(IssuedDocument.objects.select_related("issuer"), user, public_id=public_id)


def term_list() -> QuerySet[Term]:
    """Every term, by issuing body (configuration: no personal data)."""
    return Term.objects.select_related("issuer").order_by("issuer__path", "-starts_on")


def term_get(*, public_id: Any) -> Term:
    return Term.objects.select_related("issuer").get(public_id=public_id)


def template_history(doc_type: str) -> QuerySet[DocumentTemplate]:
    """The type's templates, the active one first, then the replaced ones, newest first."""
    return (
        DocumentTemplate.objects.filter(doc_type=doc_type)
        .defer("content")
        .select_related("uploaded_by")
        .order_by("-is_active", "-created_at")
    )
