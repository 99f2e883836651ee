"""Writes of the documents app, each with its audit event in its transaction.

``document_issue`` and ``document_download`` are called by other apps' services (vetting
issues a conclusion inside the transaction that records it), so they open a plain
``transaction.atomic()``: inside a caller's transaction the number and the document belong to
it and a rollback there gives the number back. The administrator's services are entry
points (``durable=True``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.http import Http404

from bvct.audit.constants import AuditAction
from bvct.audit.services import audit_record, snapshot
from bvct.core.constants import Action, Classification
from bvct.core.errors import ConflictError, PermissionDeniedError, ServiceError, ValidationFailed
from bvct.core.gate import SYSTEM, SystemPrincipal, may
from bvct.documents.constants import (
    FIELDS,
    LIST_KEYS,
    MAX_TEMPLATE_BYTES,
    SECRECY_MARKS,
    DocumentType,
)
from bvct.documents.defaults import default_template
from bvct.documents.docx import TemplateError, compile_template
from bvct.documents.models import (
    DOCUMENT_GATE,
    DocumentTemplate,
    IssuedDocument,
    IssuedDocumentQuerySet,
    Term,
)
from bvct.documents.numbering import allocate_number, date_in_words, number_symbol
from bvct.orgs.models import Organisation

Actor = Any  # a User or SYSTEM
TERM_FIELDS = ("issuer", "name", "starts_on", "ends_on", "symbol", "heading", "heading_parent")
# Serialises what no row can lock yet: one issuer's terms, one type's default template.
_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))"


def _require_admin(actor: Actor) -> None:
    if not may(actor, Action.ADMINISTER):
        raise PermissionDeniedError("Chỉ quản trị hệ thống được làm việc này.")


def _day(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "nay"


# --- terms -----------------------------------------------------------------------------------


def _check_term(
    term_id: int | None, issuer: Organisation, starts_on: dt.date, ends_on: dt.date | None
) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationFailed("Ngày kết thúc phải sau ngày bắt đầu.", field="ends_on")
    with connection.cursor() as cursor:
        cursor.execute(_LOCK, [f"documents.term:{issuer.pk}"])
    far = dt.date.max
    others = Term.objects.filter(issuer=issuer)
    if term_id is not None:
        others = others.exclude(pk=term_id)
    for other in others:
        if starts_on <= (other.ends_on or far) and other.starts_on <= (ends_on or far):
            raise ValidationFailed(
                f"Trùng thời gian với nhiệm kỳ {other.name} "
                f"({_day(other.starts_on)} – {_day(other.ends_on)}) của cơ quan này.",
                field="starts_on",
            )


def _clean_term_text(name: str, symbol: str, heading: str) -> tuple[str, str, str]:
    name, symbol, heading = name.strip(), symbol.strip().upper(), heading.strip()
    if not name:
        raise ValidationFailed("Hãy nhập tên nhiệm kỳ.", field="name")
    if not symbol or "/" in symbol or "-" in symbol or " " in symbol:
        raise ValidationFailed(
            "Ký hiệu cơ quan ban hành là các chữ viết liền, không dấu “/”, “-” (ví dụ: TU).",
            field="symbol",
        )
    if not heading:
        raise ValidationFailed(
            "Hãy nhập tên cơ quan ban hành như in trên văn bản.", field="heading"
        )
    return name, symbol, heading


def term_create(
    *,
    actor: Actor,
    issuer: Organisation,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date | None,
    symbol: str,
    heading: str,
    heading_parent: str = "",
) -> Term:
    """A term of an issuing body; terms of one body do not overlap."""
    _require_admin(actor)
    name, symbol, heading = _clean_term_text(name, symbol, heading)
    with transaction.atomic(durable=True):
        _check_term(None, issuer, starts_on, ends_on)
        term = Term.objects.create(
            issuer=issuer,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            symbol=symbol,
            heading=heading,
            heading_parent=heading_parent.strip(),
        )
        audit_record(
            actor=actor,
            action=AuditAction.TERM_CREATE,
            obj=term,
            org=issuer,
            after=snapshot(term, TERM_FIELDS),
        )
    return term


def term_update(
    *,
    actor: Actor,
    term: Term,
    expected_version: int,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date | None,
    symbol: str,
    heading: str,
    heading_parent: str = "",
) -> Term:
    """Change a term. Its dates must still hold every document already numbered in it; a new
    heading or symbol applies to the documents issued from now on (issued ones keep theirs)."""
    _require_admin(actor)
    name, symbol, heading = _clean_term_text(name, symbol, heading)
    with transaction.atomic(durable=True):
        locked = Term.objects.select_for_update().select_related("issuer").get(pk=term.pk)
        if locked.version != expected_version:
            raise ConflictError("Nhiệm kỳ đã được người khác sửa; hãy xem lại rồi sửa tiếp.")
        _check_term(locked.pk, locked.issuer, starts_on, ends_on)
        issued = IssuedDocument.objects.filter(term=locked)
        outside = issued.filter(issued_on__lt=starts_on)
        if ends_on is not None:
            outside = outside | issued.filter(issued_on__gt=ends_on)
        if outside.exists():
            raise ValidationFailed(
                "Đã có văn bản ban hành trong nhiệm kỳ này ngoài khoảng thời gian mới.",
                field="starts_on",
            )
        before = snapshot(locked, TERM_FIELDS)
        locked.name, locked.starts_on, locked.ends_on = name, starts_on, ends_on
        locked.symbol, locked.heading = symbol, heading
        locked.heading_parent = heading_parent.strip()
        after = snapshot(locked, TERM_FIELDS)
        if after == before:
            return locked
        locked.version += 1
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.TERM_UPDATE,
            obj=locked,
            org=locked.issuer,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return locked


# --- templates -------------------------------------------------------------------------------


def _sample_values(doc_type: str) -> dict[str, object]:
    values: dict[str, object] = {}
    for spec in FIELDS[doc_type]:
        values[spec.key] = [f"{spec.label} 1", f"{spec.label} 2"] if spec.many else spec.label
    values["so_ky_hieu"] = "99-" + DocumentType(doc_type).symbol + "/THU"
    return values


def template_check(doc_type: str, data: bytes) -> None:
    """Refuse, with the reason in Vietnamese, a file that cannot serve as ``doc_type``'s
    template: not a DOCX, a placeholder the type has no field for, a required one missing, a
    paragraph with two lists, or a document that does not render and open with the type's
    fields (rendered with sample values)."""
    specs = {f.key: f for f in FIELDS[doc_type]}
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValidationFailed("Tệp mẫu quá lớn (tối đa 5 MB).", field="file")
    try:
        compiled = compile_template(data, LIST_KEYS)
    except TemplateError as exc:
        raise ValidationFailed(str(exc), field="file") from exc
    unknown = sorted(compiled.placeholders - specs.keys())
    if unknown:
        raise ValidationFailed(
            "Mẫu có trường không dùng cho loại văn bản này: "
            + ", ".join("{{ " + k + " }}" for k in unknown)
            + ".",
            field="file",
        )
    missing = [f for f in specs.values() if f.in_template and f.key not in compiled.placeholders]
    if missing:
        raise ValidationFailed(
            "Mẫu thiếu trường bắt buộc: "
            + "; ".join("{{ " + f.key + " }} (" + f.label + ")" for f in missing)
            + ".",
            field="file",
        )
    sample = _sample_values(doc_type)
    try:
        rendered = compiled.render(sample)
        import io

        import docx

        docx.Document(io.BytesIO(rendered))
    except Exception as exc:
        raise ValidationFailed(
            "Mẫu không tạo được văn bản mở được bằng Word; hãy kiểm tra lại tệp.", field="file"
        ) from exc


def _template_install(doc_type: str) -> DocumentTemplate:
    """The type's active template; the shipped default, recorded, if none was ever set."""
    found = DocumentTemplate.objects.filter(doc_type=doc_type, is_active=True).first()
    if found is not None:
        return found
    with connection.cursor() as cursor:
        cursor.execute(_LOCK, [f"documents.template:{doc_type}"])
    found = DocumentTemplate.objects.filter(doc_type=doc_type, is_active=True).first()
    if found is not None:
        return found
    data = default_template(doc_type)
    template = DocumentTemplate.objects.create(
        doc_type=doc_type,
        content=data,
        sha256=hashlib.sha256(data).hexdigest(),
        file_name="mau-mac-dinh.docx",
        size=len(data),
        uploaded_by=None,
    )
    audit_record(
        actor=SYSTEM,
        action=AuditAction.DOCUMENT_TEMPLATE_INSTALL,
        obj=template,
        after={"doc_type": doc_type, "file_sha256": template.sha256, "size": template.size},
    )
    return template


def template_replace(*, actor: Actor, type: str, file: Any) -> DocumentTemplate:
    """Make ``file`` (an uploaded file or bytes) the active template of ``type`` once it has
    passed :func:`template_check`; the template it replaces is kept."""
    _require_admin(actor)
    doc_type = DocumentType(type)
    name = str(getattr(file, "name", "") or "")[:200]
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        if getattr(file, "size", 0) and file.size > MAX_TEMPLATE_BYTES:
            raise ValidationFailed("Tệp mẫu quá lớn (tối đa 5 MB).", field="file")
        data = file.read(MAX_TEMPLATE_BYTES + 1)
    if not name.lower().endswith(".docx") and name:
        raise ValidationFailed("Mẫu văn bản phải là tệp Word (.docx).", field="file")
    template_check(doc_type, data)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic(durable=True):
        current = _template_install(doc_type)
        current = DocumentTemplate.objects.select_for_update().get(pk=current.pk)
        if not current.is_active:
            raise ConflictError("Mẫu vừa được người khác thay; hãy tải lại trang.")
        if current.sha256 == digest:
            return current
        current.is_active = False
        current.save(update_fields=["is_active", "updated_at"])
        template = DocumentTemplate.objects.create(
            doc_type=doc_type,
            content=data,
            sha256=digest,
            file_name=name,
            size=len(data),
            uploaded_by=actor if actor is not SYSTEM else None,
        )
        audit_record(
            actor=actor,
            action=AuditAction.DOCUMENT_TEMPLATE_REPLACE,
            obj=template,
            before={"file_sha256": current.sha256, "file_name": current.file_name},
            after={
                "doc_type": doc_type,
                "file_sha256": digest,
                "file_name": name,
                "size": len(data),
            },
        )
    return template


# --- documents -------------------------------------------------------------------------------


def _clean_fields(doc_type: str, fields: Mapping[str, Any]) -> dict[str, object]:
    specs = {f.key: f for f in FIELDS[doc_type] if not f.given}
    unknown = sorted(set(fields) - specs.keys())
    if unknown:
        raise ValidationFailed(f"Trường không có trong loại văn bản này: {', '.join(unknown)}.")
    values: dict[str, object] = {}
    for key, spec in specs.items():
        value = fields.get(key)
        if spec.many:
            items = [str(x).strip() for x in (value or ()) if str(x).strip()]
            if isinstance(value, str):
                items = [line.strip() for line in value.splitlines() if line.strip()]
            values[key] = items
            empty = not items
        else:
            values[key] = "" if value is None else str(value).strip()
            empty = not values[key]
        if spec.required and empty:
            raise ValidationFailed(f"Thiếu nội dung: {spec.label}.", field=key)
    return values


def _term_for(issuer: Organisation, day: dt.date) -> Term:
    term = (
        Term.objects.filter(issuer=issuer, starts_on__lte=day)
        .exclude(ends_on__lt=day)
        .order_by("-starts_on")
        .first()
    )
    if term is None:
        raise ValidationFailed(
            f"{issuer.name} chưa có nhiệm kỳ nào gồm ngày {_day(day)}; quản trị hệ thống cần "
            "khai báo nhiệm kỳ trước khi ban hành văn bản.",
            field="issued_on",
        )
    return term


def recipient_lines(recipients: Sequence[str]) -> list[str]:
    """ "Nơi nhận" as HD 36 writes it: one a line, each ending with "," and the last with ".";
    the template puts the dash in front."""
    names = [" ".join(str(r).split()).lstrip("-– ").rstrip(",.;") for r in recipients if r]
    names = [n for n in names if n]
    return [n + ("." if i == len(names) - 1 else ",") for i, n in enumerate(names)]


def can_issue(actor: Actor, *, issuer: Organisation, org_path: str, classification: int) -> bool:
    """Issue a document of ``issuer`` belonging to ``org_path``'s scope: an officer in scope
    or a committee member of the issuing body, cleared for its classification."""
    values = {"org_path": org_path, "classification": classification, "issuer_id": issuer.pk}
    return DOCUMENT_GATE.allows(actor, Action.CHANGE, **values) or DOCUMENT_GATE.allows(
        actor, Action.SIGN_CONCLUSION, **values
    )


def document_issue(
    *,
    actor: Actor,
    type: str,
    issuer: Organisation,
    issued_on: dt.date,
    place: str,
    title: str,
    fields: Mapping[str, Any],
    classification: int,
    recipients: Sequence[str],
    signer_title: str,
    signer_name: str,
    scope_org: Organisation | None = None,
    case: Any = None,
) -> IssuedDocument:
    """Number, render, store and record one document of ``issuer``.

    The number is the next of (issuer, type, term of ``issued_on``), taken inside this
    transaction. ``fields`` are the type's own placeholders (``constants.FIELDS``, those not
    ``given``); lists may be given as lists or as text with one item per line. The document
    belongs to ``scope_org``'s scope (default: the issuer's) for the gate; a document of a
    ``case`` (vetting's, which checked its own gate first) is gated through that case.
    """
    doc_type = DocumentType(type)
    level = int(Classification(int(classification)))
    scope = scope_org or issuer
    if not can_issue(actor, issuer=issuer, org_path=scope.path, classification=level):
        raise PermissionDeniedError("Bạn không có quyền ban hành văn bản này.")
    title, place = title.strip(), place.strip()
    if not title:
        raise ValidationFailed("Hãy nhập trích yếu của văn bản.", field="title")
    if not place:
        raise ValidationFailed("Hãy nhập địa danh ban hành.", field="place")
    if not signer_name.strip():
        raise ValidationFailed("Hãy nhập người ký.", field="signer_name")
    if issued_on > dt.date.today():
        raise ValidationFailed("Ngày ban hành không được sau hôm nay.", field="issued_on")
    values = _clean_fields(doc_type, fields)
    with transaction.atomic():
        term = _term_for(issuer, issued_on)
        template = _template_install(doc_type)
        number = allocate_number(issuer_id=issuer.pk, doc_type=doc_type, term_id=term.pk)
        symbol = number_symbol(number, doc_type.symbol, term.symbol)
        values.update(
            co_quan_cap_tren=term.heading_parent,
            co_quan_ban_hanh=term.heading,
            so_ky_hieu=symbol,
            dia_danh=place,
            ngay_thang_nam=date_in_words(issued_on),
            ten_loai=doc_type.heading,
            trich_yeu=title,
            do_mat=SECRECY_MARKS[level],
            chuc_vu_ky=signer_title.strip(),
            nguoi_ky=signer_name.strip(),
            noi_nhan=recipient_lines(recipients),
        )
        try:
            data = compile_template(bytes(template.content), LIST_KEYS).render(values)
        except (TemplateError, zlib.error) as exc:
            raise ServiceError("Mẫu văn bản đang dùng không tạo được văn bản.") from exc
        document = IssuedDocument.objects.create(
            doc_type=doc_type,
            number=number,
            number_symbol=symbol,
            issuer=issuer,
            term=term,
            issued_on=issued_on,
            title=title[:500],
            classification=level,
            org_path=scope.path,
            content=data,
            sha256=hashlib.sha256(data).hexdigest(),
            template=template,
            created_by=None if isinstance(actor, SystemPrincipal) else actor,
            case=case,
        )
        audit_record(
            actor=actor,
            action=AuditAction.DOCUMENT_ISSUE,
            obj=document,
            org=issuer,
            classification=level,
            after={
                "doc_type": doc_type,
                "number_symbol": symbol,
                "issued_on": issued_on,
                "term": term.public_id,
                "classification": level,
                "file_sha256": document.sha256,
                "template_sha256": template.sha256,
                "size": len(data),
            },
        )
    return document


def document_download(*, actor: Actor, document: IssuedDocument) -> bytes:
    """The document's DOCX bytes for ``actor``, checked against its stored digest; the read is
    on the record. Hidden (outside scope, above clearance) raises Http404 as missing does."""
    if not IssuedDocumentQuerySet.allows(actor, document, Action.VIEW):
        raise Http404
    data = bytes(document.content)
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise ConflictError("Tệp văn bản lưu trữ không khớp mã kiểm tra; hãy báo quản trị.")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.DOCUMENT_DOWNLOAD,
            obj=document,
            org=document.issuer,
            classification=document.classification,
            after={"file_sha256": document.sha256},
        )
    return data
