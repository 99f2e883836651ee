"""Appraisal, findings and verification results of a case, and the appraisal report.

Each service: one durable transaction, the case locked through the gate, its event and its
audit row."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from bvct.audit.constants import AuditAction
from bvct.core.constants import Action, Classification
from bvct.core.errors import ConflictError, ValidationFailed
from bvct.core.gate import is_system
from bvct.core.submissions import submission_claim, submission_result
from bvct.documents.constants import DocumentType
from bvct.documents.models import IssuedDocument
from bvct.documents.services import document_issue
from bvct.orgs.models import Organisation
from bvct.people.models import Person
from bvct.positions.models import PersonnelDecision
from bvct.vetting.appraisal import ITEM_LABELS, appraisal_items, refuse_unexplained_nothing_found
from bvct.vetting.constants import (
    CaseEventKind,
    CaseState,
    FindingPeriod,
    FindingStatus,
)
from bvct.vetting.models import Appraisal, Case, Finding, VerificationResult
from bvct.vetting.services import raise_classification
from bvct.vetting.services_common import (
    Actor,
    case_audit,
    case_for,
    case_rules,
    check_version,
    event,
    require_open,
    row_pk,
    today,
)

FINDING_STATES = (CaseState.APPRAISAL, CaseState.VERIFICATION)
STALE_FINDING = "Vấn đề này vừa được người khác sửa. Hãy tải lại trang rồi sửa lại."


def _text(value: Any, *, field: str, label: str, size: int, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationFailed(f"Hãy nhập {label}.", field=field)
    if len(text) > size:
        raise ValidationFailed(f"{label.capitalize()} dài quá {size} ký tự.", field=field)
    return text


def _bump(case: Case) -> None:
    case.version += 1
    case.save(update_fields=["version", "updated_at"])


# --- appraisal --------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def appraisal_record(
    *,
    actor: Actor,
    case: Case,
    nothing_found: bool,
    note: str = "",
    expected_version: int | None = None,
) -> Appraisal:
    """Record the appraisal: the list of what the dossier holds that needs checking is
    computed now (``appraisal.appraisal_items``) and kept; ``nothing_found`` says the officer
    found nothing to verify (then the case may go straight to the committee). Recorded again
    while the case is in appraisal, it replaces the earlier one (both in the trail)."""
    locked = case_for(actor, case, Action.CHANGE)
    check_version(locked, expected_version)
    require_open(locked)
    if locked.state != CaseState.APPRAISAL:
        raise ValidationFailed("Chỉ ghi kết quả thẩm định khi hồ sơ đang ở bước thẩm định.")
    nothing_found = bool(nothing_found)
    if nothing_found and locked.findings.exclude(status=FindingStatus.CLEARED).exists():
        raise ValidationFailed(
            "Hồ sơ đã có vấn đề cần xem xét: không thể ghi là không có vấn đề.",
            field="nothing_found",
        )
    note = _text(note, field="note", label="ghi chú", size=4000, required=False)
    items = appraisal_items(locked.subject, case_rules(locked), user=actor)
    refuse_unexplained_nothing_found(items, nothing_found, note)
    existing = Appraisal.objects.select_for_update().filter(case=locked).first()
    before = (
        {"nothing_found": existing.nothing_found, "items": len(existing.items)}
        if existing
        else None
    )
    values = {
        "items": items,
        "nothing_found": nothing_found,
        "note": note,
        "decided_by": None if is_system(actor) else actor,
        "decided_at": timezone.now(),
    }
    if existing is None:
        appraisal = Appraisal.objects.create(case=locked, **values)
    else:
        for key, value in values.items():
            setattr(existing, key, value)
        existing.version += 1
        existing.save()
        appraisal = existing
    _bump(locked)
    event(
        locked,
        actor=actor,
        kind=CaseEventKind.APPRAISAL,
        note="Không có vấn đề cần thẩm tra" if nothing_found else f"{len(items)} nội dung cần xem",
    )
    case_audit(
        actor=actor,
        action=AuditAction.APPRAISAL_RECORD,
        case=locked,
        before=before,
        after={"nothing_found": nothing_found, "items": len(items), "note": note},
    )
    return appraisal


# --- findings ---------------------------------------------------------------------------------


def _results_of(
    case: Case, results: Iterable[VerificationResult] | None
) -> list[VerificationResult]:
    wanted = {getattr(r, "pk", r) for r in results or ()}
    if not wanted:
        return []
    found = list(VerificationResult.objects.filter(case=case, pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationFailed("Có kết quả xác minh không thuộc hồ sơ này.", field="evidence")
    return found


def _refs(value: Any) -> list[str]:
    refs = [str(r).strip()[:100] for r in (value or ()) if str(r).strip()]
    if len(refs) > 50:
        raise ValidationFailed("Dẫn quá nhiều mục bản khai (tối đa 50).", field="declaration_refs")
    return refs


def _finding_snapshot(f: Finding) -> dict[str, Any]:
    return {
        "category": f.category,
        "person": f.person.public_id,
        "period": f.period,
        "status": f.status,
        "summary": f.summary,
        "declaration_refs": f.declaration_refs,
    }


@transaction.atomic(durable=True)
def finding_create(
    *,
    actor: Actor,
    case: Case,
    category: str,
    person: Person,
    period: str,
    summary: str,
    declaration_refs: Sequence[str] = (),
    evidence: Iterable[VerificationResult] = (),
    expected_version: int | None = None,
    submission_token: uuid.UUID | None = None,
) -> Finding:
    """Record a political issue to verify: its category (the rule pack's), about whom (the
    subject or a relative of the case's dossier), history or current, what it is, and what
    points to it (declaration items, verification results)."""
    submission_claim(actor=actor, token=submission_token)
    locked = case_for(actor, case, Action.CHANGE)
    check_version(locked, expected_version)
    require_open(locked)
    if locked.state not in FINDING_STATES:
        raise ValidationFailed(
            "Chỉ ghi vấn đề cần xem xét ở bước thẩm định hoặc thẩm tra, xác minh."
        )
    codes = {c.code for c in case_rules(locked).issue_categories}
    if category not in codes:
        raise ValidationFailed("Không có loại vấn đề này trong bộ quy tắc.", field="category")
    if period not in FindingPeriod.values:
        raise ValidationFailed(
            "Hãy chọn lịch sử chính trị hoặc chính trị hiện nay.", field="period"
        )
    about = Person.objects.filter(pk=row_pk(person), dossier_id=locked.subject_id).first()
    if about is None:
        raise ValidationFailed(
            "Hãy chọn người được thẩm tra hoặc một thân nhân trong hồ sơ này.", field="person"
        )
    appraisal = Appraisal.objects.filter(case=locked).first()
    if appraisal is not None and appraisal.nothing_found:
        raise ValidationFailed(
            "Kết quả thẩm định đã ghi là không có vấn đề: hãy ghi lại kết quả thẩm định trước."
        )
    finding = Finding.objects.create(
        case=locked,
        category=category,
        person=about,
        period=period,
        summary=_text(summary, field="summary", label="nội dung vấn đề", size=4000),
        declaration_refs=_refs(declaration_refs),
        created_by=None if is_system(actor) else actor,
    )
    results = _results_of(locked, evidence)
    if results:
        finding.evidence.set(results)
    _bump(locked)
    event(locked, actor=actor, kind=CaseEventKind.FINDING, note=finding.summary[:300])
    case_audit(
        actor=actor,
        action=AuditAction.FINDING_CREATE,
        case=locked,
        obj=finding,
        after={**_finding_snapshot(finding), "evidence": [r.public_id for r in results]},
    )
    submission_result(actor=actor, token=submission_token, result=finding.public_id)
    return finding


@transaction.atomic(durable=True)
def finding_update(
    *,
    actor: Actor,
    finding: Finding,
    expected_version: int | None = None,
    status: str | None = None,
    summary: str | None = None,
    evidence: Iterable[VerificationResult] | None = None,
    declaration_refs: Sequence[str] | None = None,
) -> Finding:
    """Change a finding: its status (confirmed or cleared needs evidence: a verification
    result or a declaration item), its text, its evidence. The case's history gets a
    “Sửa vấn đề cần xem xét” event saying what changed (status from → to, text, evidence
    added or removed); sending the same values again changes and records nothing."""
    locked = case_for(actor, finding.case_id, Action.CHANGE)
    require_open(locked)
    if locked.state not in FINDING_STATES:
        raise ValidationFailed(
            "Chỉ sửa vấn đề ở bước thẩm định hoặc thẩm tra, xác minh; hồ sơ đang trình cấp ủy."
        )
    row = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(pk=finding.pk, case=locked)
        .first()
    )
    if row is None:
        raise ValidationFailed("Không có vấn đề này trong hồ sơ.")
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(STALE_FINDING)
    before = {
        **_finding_snapshot(row),
        "evidence": sorted(str(r) for r in row.evidence.values_list("public_id", flat=True)),
    }
    had = {r.pk: r for r in row.evidence.all()}
    if summary is not None:
        row.summary = _text(summary, field="summary", label="nội dung vấn đề", size=4000)
    if declaration_refs is not None:
        row.declaration_refs = _refs(declaration_refs)
    results = None
    if evidence is not None:
        results = _results_of(locked, evidence)
    if status is not None:
        if status not in FindingStatus.values:
            raise ValidationFailed("Không có tình trạng này.", field="status")
        has_evidence = bool(row.declaration_refs) or bool(results if results is not None else had)
        if status != FindingStatus.TO_VERIFY and not has_evidence:
            raise ValidationFailed(
                "Hãy dẫn chứng cứ (kết quả xác minh hoặc mục bản khai) trước khi xác định hoặc "
                "làm rõ vấn đề.",
                field="status",
            )
        row.status = status
    now = {r.pk: r for r in results} if results is not None else had
    changes = _finding_changes(before, row, had, now)
    if not changes:
        return row  # the same values sent again: nothing to record
    if results is not None:
        row.evidence.set(results)
    row.version += 1
    row.save()
    _bump(locked)
    event(
        locked,
        actor=actor,
        kind=CaseEventKind.FINDING_EDIT,
        note=f"“{_short(row.summary, 120)}”: " + "; ".join(changes),
    )
    case_audit(
        actor=actor,
        action=AuditAction.FINDING_UPDATE,
        case=locked,
        obj=row,
        before=before,
        after={
            **_finding_snapshot(row),
            "evidence": sorted(str(r.public_id) for r in now.values()),
        },
    )
    return row


def _short(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _result_name(result: VerificationResult) -> str:
    return f"văn bản số {result.document_number}"


def _finding_changes(
    before: dict[str, Any],
    row: Finding,
    had: dict[int, VerificationResult],
    now: dict[int, VerificationResult],
) -> list[str]:
    """What an edit changed, in words for the case's history: the status (from → to), the
    text, the declaration items, the verification results added and removed."""
    changes = []
    if before["status"] != row.status:
        changes.append(
            f"tình trạng {FindingStatus(before['status']).label} → "
            f"{FindingStatus(row.status).label}"
        )
    if before["summary"] != row.summary:
        changes.append(f"nội dung sửa thành “{_short(row.summary, 200)}”")
    if before["declaration_refs"] != row.declaration_refs:
        changes.append(f"mục bản khai dẫn: {len(row.declaration_refs)}")
    added = [_result_name(r) for pk, r in now.items() if pk not in had]
    removed = [_result_name(r) for pk, r in had.items() if pk not in now]
    if added:
        changes.append("thêm chứng cứ " + ", ".join(sorted(added)))
    if removed:
        changes.append("bỏ chứng cứ " + ", ".join(sorted(removed)))
    return changes


# --- verification results ---------------------------------------------------------------------


@transaction.atomic(durable=True)
def verification_result_record(
    *,
    actor: Actor,
    case: Case,
    agency: Organisation,
    document_number: str,
    document_date: dt.date,
    received_on: dt.date,
    summary: str,
    findings: Iterable[Finding] = (),
    expected_version: int | None = None,
    submission_token: uuid.UUID | None = None,
) -> VerificationResult:
    """Record what an agency answered (its document number and date, when it arrived, what it
    says) as evidence for the named findings of the case."""
    submission_claim(actor=actor, token=submission_token)
    locked = case_for(actor, case, Action.CHANGE)
    check_version(locked, expected_version)
    require_open(locked)
    if locked.state != CaseState.VERIFICATION:
        raise ValidationFailed("Chỉ ghi kết quả xác minh khi hồ sơ đang ở bước thẩm tra, xác minh.")
    body = Organisation.objects.select_related("kind").filter(pk=row_pk(agency)).first()
    if body is None or not body.kind.is_agency:
        raise ValidationFailed("Hãy chọn cơ quan phối hợp đã trả lời.", field="agency")
    number = _text(document_number, field="document_number", label="số văn bản", size=60)
    for value, field, label in (
        (document_date, "document_date", "ngày văn bản"),
        (received_on, "received_on", "ngày nhận"),
    ):
        if not isinstance(value, dt.date):
            raise ValidationFailed(f"Hãy nhập {label} (ngày/tháng/năm).", field=field)
        if value > today():
            raise ValidationFailed(f"{label.capitalize()} không được sau hôm nay.", field=field)
    if received_on < document_date:
        raise ValidationFailed("Ngày nhận không được trước ngày văn bản.", field="received_on")
    wanted = {getattr(f, "pk", f) for f in findings}
    about = list(Finding.objects.filter(case=locked, pk__in=wanted))
    if len(about) != len(wanted):
        raise ValidationFailed("Có vấn đề không thuộc hồ sơ này.", field="findings")
    result = VerificationResult.objects.create(
        case=locked,
        agency=body,
        document_number=number,
        document_date=document_date,
        received_on=received_on,
        summary=_text(summary, field="summary", label="nội dung trả lời", size=8000),
        recorded_by=None if is_system(actor) else actor,
    )
    for finding in about:
        finding.evidence.add(result)
    _bump(locked)
    event(
        locked,
        actor=actor,
        kind=CaseEventKind.VERIFICATION,
        note=f"{body.name}, văn bản số {number} ngày {document_date:%d/%m/%Y}",
    )
    case_audit(
        actor=actor,
        action=AuditAction.VERIFICATION_RESULT_RECORD,
        case=locked,
        obj=result,
        after={
            "agency": body.public_id,
            "document_number": number,
            "document_date": document_date,
            "received_on": received_on,
            "findings": [f.public_id for f in about],
        },
    )
    submission_result(actor=actor, token=submission_token, result=result.public_id)
    return result


# --- the appraisal report ---------------------------------------------------------------------


def report_classification_floor(case: Case) -> int:
    """The lowest level the appraisal report of ``case`` may carry: the case's (at least its
    dossier's) and the clearance the catalogue entries of its decisions require."""
    entries = PersonnelDecision.objects.filter(
        pk__in=case.decision_links.values("decision_id"), catalogue_entry__isnull=False
    ).values_list("catalogue_entry__classification", "catalogue_entry__required_clearance")
    return max([int(case.classification), *(int(c) for row in entries for c in row)])


@transaction.atomic(durable=True)
def appraisal_report_issue(
    *,
    actor: Actor,
    case: Case,
    issued_on: dt.date,
    place: str,
    signer_title: str,
    recipients: Sequence[str],
    proposal: str,
    classification: int | None = None,
    expected_version: int | None = None,
) -> IssuedDocument:
    """Issue the appraisal report (numbered, rendered, linked to the case) from the recorded
    appraisal and the case's findings, in the name of the officer's organisation (their board,
    e.g. Ban Tổ chức Tỉnh ủy, numbered in its term) and signed by the officer (their account's
    name, ``signer_title`` one line or two). ``classification`` (default: the floor) is never
    below :func:`report_classification_floor`; the case becomes at least as classified."""
    locked = case_for(actor, case, Action.CHANGE)
    check_version(locked, expected_version)
    require_open(locked)
    issuer = None if is_system(actor) else getattr(actor, "organisation", None)
    if issuer is None:
        raise ValidationFailed("Chỉ cán bộ của một cơ quan mới lập được báo cáo thẩm định.")
    floor = report_classification_floor(locked)
    level = floor if classification is None else classification
    if not isinstance(level, int) or isinstance(level, bool) or level not in Classification:
        raise ValidationFailed("Hãy chọn độ mật của báo cáo.", field="classification")
    if level < floor:
        raise ValidationFailed(
            f"Độ mật của báo cáo không được thấp hơn {Classification(floor).label} (độ mật của "
            "hồ sơ và của chức danh trong danh mục).",
            field="classification",
        )
    if actor.clearance < level:
        raise ValidationFailed("Bạn chưa được tiếp cận độ mật đã chọn.", field="classification")
    title = "\n".join(
        " ".join(line.split()).upper()
        for line in str(signer_title or "").splitlines()
        if line.strip()
    )
    if not title:
        raise ValidationFailed("Hãy nhập chức vụ người ký.", field="signer_title")
    appraisal = Appraisal.objects.filter(case=locked).first()
    if appraisal is None:
        raise ValidationFailed("Chưa ghi kết quả thẩm định: chưa lập được báo cáo thẩm định.")
    subject = Person.objects.get(dossier_id=locked.subject_id, is_subject=True)
    items = [
        f"{ITEM_LABELS.get(i.get('kind', ''), '')}: {i.get('text', '')}" for i in appraisal.items
    ]
    issues = [
        f"{f.summary} ({FindingStatus(f.status).label.lower()})"
        for f in locked.findings.order_by("created_at", "id")
    ]
    if appraisal.nothing_found:
        issues = ["Không có vấn đề cần thẩm tra, xác minh."]
    document = document_issue(
        actor=actor,
        type=DocumentType.APPRAISAL_REPORT,
        issuer=issuer,
        issued_on=issued_on,
        place=place,
        title=f"về kết quả thẩm định tiêu chuẩn chính trị của {subject.full_name}",
        fields={
            "ho_ten": subject.full_name,
            "noi_dung": items or ["Hồ sơ không có nội dung cần lưu ý."],
            "van_de": issues,
            "de_xuat": _text(proposal, field="proposal", label="đề xuất", size=2000),
        },
        classification=level,
        recipients=list(recipients),
        signer_title=title,
        signer_name=actor.full_name,
        scope_org=locked.subject.managing_org,
        case=locked,
    )
    raise_classification(locked, document.classification)
    _bump(locked)
    event(
        locked,
        actor=actor,
        kind=CaseEventKind.DOCUMENT,
        note=f"Báo cáo thẩm định số {document.number_symbol}",
    )
    return document
