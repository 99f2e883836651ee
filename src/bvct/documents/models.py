"""Numbered party documents: terms, number sequences, templates and issued documents."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bvct.core.constants import Action, Classification
from bvct.core.gate import GateQuerySet, Reach, ScopeRule
from bvct.core.models import PublicModel
from bvct.documents.constants import DocumentType
from bvct.orgs.models import Organisation

# Issued documents: seen within scope up to the clearance; taken by whoever issues for the
# issuer (an officer in scope, or a committee member of the issuing body itself).
DOCUMENT_GATE = ScopeRule(
    actions=frozenset({Action.VIEW, Action.CHANGE, Action.SIGN_CONCLUSION}),
    columns={Reach.COMPETENT_BODY: "issuer_id"},
)


class IssuedDocumentQuerySet(GateQuerySet["IssuedDocument"]):
    """A document of a case is gated through its case (the case's scope, restriction and
    classification); any other by its own columns. The case's rule is reached through the
    app registry: documents does not import vetting."""

    gate = DOCUMENT_GATE

    def visible_to(self, user: Any, action: str = Action.VIEW) -> IssuedDocumentQuerySet:
        own = DOCUMENT_GATE.q(user, action)
        case_gate = apps.get_model("vetting", "Case").objects.none().gate
        through_case = case_gate.q(user, action, prefix="case__")
        condition = Q(pk__in=[])
        if own is not None:
            condition |= Q(case__isnull=True) & own
        if through_case is not None:
            condition |= Q(case__isnull=False) & through_case
        return self.filter(condition)

    @staticmethod
    def allows(user: Any, document: IssuedDocument, action: str = Action.VIEW) -> bool:
        """The one-document check, in agreement with :meth:`visible_to`."""
        if document.case_id is None:
            return DOCUMENT_GATE.allows(user, action, document)
        case_gate = apps.get_model("vetting", "Case").objects.none().gate
        return bool(case_gate.allows(user, action, document.case))


class Term(PublicModel):
    """A term (nhiệm kỳ) of an issuing body: its documents are numbered from 01 within it.

    It also says how the body signs its documents in that term: the heading it prints and the
    letters after the slash of the number-symbol ("TU" in "12-KL/TU").
    """

    issuer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="terms")
    name = models.CharField(_("tên nhiệm kỳ"), max_length=100)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    symbol = models.CharField(_("ký hiệu cơ quan ban hành"), max_length=30)
    heading = models.CharField(_("tên cơ quan ban hành"), max_length=200)
    heading_parent = models.CharField(_("tên cơ quan cấp trên"), max_length=200, blank=True)

    class Meta:
        ordering = ["issuer_id", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="term_ends_after_start",
            ),
            models.UniqueConstraint(fields=["issuer", "starts_on"], name="term_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} — {self.name}"


class NumberSequence(models.Model):
    """The last number given for one type of one issuer within one term. Allocation is one
    upsert inside the issuing transaction: the row stays locked until that commits, so
    concurrent issues wait in turn, and a rolled-back issue gives its number back."""

    issuer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    doc_type = models.CharField(max_length=32, choices=DocumentType.choices)
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    last_number = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "doc_type", "term"], name="number_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer_id}/{self.doc_type}/{self.term_id}: {self.last_number}"


class DocumentTemplate(PublicModel):
    """A DOCX template of one type. One is active per type; a replaced one is kept (the
    documents issued with it name it). ``uploaded_by`` empty: the shipped default."""

    doc_type = models.CharField(max_length=32, choices=DocumentType.choices)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["doc_type", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["doc_type"], condition=Q(is_active=True), name="template_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{DocumentType(self.doc_type).label} ({self.sha256[:12]})"


class IssuedDocument(PublicModel):
    """A numbered document as issued: its DOCX bytes and their SHA-256, never changed."""

    doc_type = models.CharField(max_length=32, choices=DocumentType.choices)
    number = models.PositiveIntegerField()
    number_symbol = models.CharField(max_length=60)
    issuer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="documents")
    issued_on = models.DateField()
    title = models.CharField(max_length=500)
    classification = models.PositiveSmallIntegerField(
        choices=Classification.choices, default=Classification.NONE
    )
    org_path = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    template = models.ForeignKey(DocumentTemplate, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # The case the document belongs to (a conclusion, an appraisal report): then it is gated
    # through that case.
    case = models.ForeignKey(
        "vetting.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "doc_type", "term", "number"], name="document_number_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["org_path"], name="document_org_path", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return f"{DocumentType(self.doc_type).label} số {self.number_symbol}"

    @property
    def file_name(self) -> str:
        """A download name that says what it is and how secret ("ket-luan-01-KL-TU-TOI-MAT")."""
        base = {"CONCLUSION": "ket-luan", "APPRAISAL_REPORT": "bao-cao-tham-dinh"}[self.doc_type]
        symbol = self.number_symbol.replace("/", "-")
        mark = Classification(self.classification).name if self.classification else ""
        plain = unicodedata.normalize("NFD", symbol.replace("Đ", "D").replace("đ", "d"))
        plain = "".join(c for c in plain if not unicodedata.combining(c))
        safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in plain)
        return f"{base}-{safe}{'-' + mark.replace('_', '-') if mark else ''}.docx"
