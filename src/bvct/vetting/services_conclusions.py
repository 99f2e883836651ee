"""The competent committee's conclusion: checked against the case's rule pack (quorum,
passing), signed by a member of that committee who is neither the subject nor a relative,
issued as a numbered document in the same transaction, never changed afterwards."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from bvct.audit.constants import AuditAction
from bvct.core.constants import Action, Classification, Role
from bvct.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from bvct.core.gate import is_system
from bvct.core.submissions import submission_claim, submission_result
from bvct.documents.constants import DocumentType
from bvct.documents.services import document_issue
from bvct.people.models import Person
from bvct.positions.constants import DecisionKind
from bvct.positions.models import PersonnelDecision
from bvct.vetting import workflow
from bvct.vetting.appraisal import current_declaration
from bvct.vetting.constants import (
    CaseEventKind,
    CaseOrigin,
    CaseState,
    CompetentBody,
    FindingStatus,
    Outcome,
)
from bvct.vetting.models import (
    Appraisal,
    Case,
    Conclusion,
    ConclusionFinding,
    Finding,
)
from bvct.vetting.services import move_case, raise_classification
from bvct.vetting.services_common import (
    Actor,
    case_audit,
    case_for,
    case_rules,
    check_version,
    event,
    refuse_if_related,
    today,
)

NOT_SIGNER = (
    "Chỉ ủy viên cấp ủy của {body} (cấp có thẩm quyền kết luận hồ sơ này) mới ký được kết luận."
)
#: Conclusions on political standards are secret themselves (DOMAIN.md §8): never below Mật.
CONCLUSION_FLOOR = int(Classification.MAT)
#: Who signs for the body ("T/M BAN THƯỜNG VỤ" above, the title below it).
SIGNER_TITLES = ("BÍ THƯ", "PHÓ BÍ THƯ")


@dataclass(frozen=True)
class DecidingBody:
    """Who concludes a case as its documents name it: the standing committee of the case's
    committee when the rule pack says so (Ban Thường vụ Tỉnh ủy), else the committee itself;
    ``members`` is the number kept on the committee's page (None: not recorded yet)."""

    name: str
    authority: str
    members: int | None
    standing: bool


def _authority_of(name: str) -> str:
    lowered = name.lower()
    if lowered.startswith("đảng ủy"):
        return "T/M ĐẢNG ỦY"
    if lowered.startswith("chi bộ"):
        return "T/M CHI BỘ"
    return "T/M BAN CHẤP HÀNH"


def deciding_body(case: Case) -> DecidingBody:
    """The body that concludes ``case``, by its rule pack's rule for the decisions it serves
    (the decision kind's, else the post tier's, else the default), resolved on the case's
    competent committee."""
    rules = case_rules(case)
    links = list(
        PersonnelDecision.objects.filter(pk__in=case.decision_links.values("decision_id"))
        .select_related("post")
        .order_by("id")
    )
    kinds = [rules.competent_body_kind(d.post.tier if d.post else None, d.kind).body for d in links]
    if not links and case.origin == CaseOrigin.COMPLAINT:
        kinds = [rules.competent_body_kind(None, DecisionKind.COMPLAINT_REVIEW).body]
    body = case.competent_body
    if CompetentBody.PROVINCIAL_STANDING in kinds:
        return DecidingBody(
            name=f"Ban Thường vụ {body.name}",
            authority="T/M BAN THƯỜNG VỤ",
            members=body.standing_members_count,
            standing=True,
        )
    return DecidingBody(
        name=body.name,
        authority=_authority_of(body.name),
        members=body.members_count,
        standing=False,
    )


def classification_floor(case: Case) -> int:
    """The lowest level a conclusion of ``case`` may carry: the case's own (at least its
    dossier's), the clearance the catalogue entries of its decisions require, and Mật."""
    entries = PersonnelDecision.objects.filter(
        pk__in=case.decision_links.values("decision_id"), catalogue_entry__isnull=False
    ).values_list("catalogue_entry__classification", "catalogue_entry__required_clearance")
    return max(
        [int(case.classification), CONCLUSION_FLOOR, *(int(c) for row in entries for c in row)]
    )


def _check_level(level: Any, floor: int, signer: Any) -> int:
    if level is None:
        return floor
    if not isinstance(level, int) or isinstance(level, bool) or level not in Classification:
        raise ValidationFailed("Hãy chọn độ mật của kết luận.", field="classification")
    if level < floor:
        raise ValidationFailed(
            f"Độ mật của kết luận không được thấp hơn {Classification(floor).label} (độ mật "
            "của hồ sơ, của chức danh trong danh mục, và kết luận về tiêu chuẩn chính trị là "
            "tài liệu mật).",
            field="classification",
        )
    if getattr(signer, "clearance", 0) < level:
        raise ValidationFailed(
            "Người ký chưa được tiếp cận độ mật đã chọn.", field="classification"
        )
    return int(level)


def _case_to_sign(actor: Actor, case: Case) -> Case:
    """The case locked, if ``actor`` may sign for its competent body; refused with the reason
    when they see the case but may not sign, as missing when they do not see it."""
    try:
        return case_for(actor, case, Action.SIGN_CONCLUSION)
    except NotFoundError:
        seen = case_for(actor, case, Action.VIEW, lock=False)
        raise PermissionDeniedError(NOT_SIGNER.format(body=seen.competent_body.name)) from None


def _check_signer(signer: Any, case: Case) -> None:
    body = case.competent_body
    if (
        signer is None
        or is_system(signer)
        or not getattr(signer, "is_active", False)
        or not signer.has_role(Role.COMMITTEE_MEMBER)
        or signer.organisation_id != body.pk
    ):
        raise ValidationFailed(NOT_SIGNER.format(body=body.name), field="signer")
    if signer.clearance < case.classification:
        raise ValidationFailed("Người ký chưa được tiếp cận mức mật của hồ sơ này.", field="signer")
    refuse_if_related(signer, case.subject_id, what="ký kết luận về người này", field="signer")


def _members(body: DecidingBody, given: Any) -> int:
    """The body's number of members as kept on its committee's page; a figure given by the
    caller must agree with it."""
    if body.members is None:
        raise ValidationFailed(
            f"Chưa ghi số ủy viên của {body.name}: quản trị hệ thống ghi số này trên trang của "
            "tổ chức trước khi ký kết luận.",
            field="members_total",
        )
    if given is not None and given != body.members:
        raise ValidationFailed(
            f"{body.name} có {body.members} ủy viên (theo trang của tổ chức), không phải {given}.",
            field="members_total",
        )
    return body.members


def _check_votes(case: Case, total: int, present: int, votes_for: int, against: int) -> None:
    rules = case_rules(case)
    for value, field, label in (
        (present, "members_present", "số ủy viên dự họp"),
        (votes_for, "votes_for", "số phiếu tán thành"),
        (against, "votes_against", "số phiếu không tán thành"),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationFailed(f"Hãy nhập {label} (số nguyên không âm).", field=field)
    if total < 1:
        raise ValidationFailed("Tổng số ủy viên phải từ 1 trở lên.", field="members_total")
    if present > total:
        raise ValidationFailed(
            "Số ủy viên dự họp không được nhiều hơn tổng số ủy viên.", field="members_present"
        )
    if votes_for + against > present:
        raise ValidationFailed(
            "Tổng số phiếu tán thành và không tán thành vượt số ủy viên dự họp.",
            field="votes_for",
        )
    if not rules.quorum_met(present, total):
        raise ValidationFailed(
            f"Hội nghị không đủ số ủy viên dự họp: có {present}/{total}, cần ít nhất "
            f"{rules.quorum_needed(total)} (bộ quy tắc phiên bản {rules.version}).",
            field="members_present",
        )
    if not rules.passed(votes_for, total):
        raise ValidationFailed(
            f"Kết luận chưa được thông qua: {votes_for} phiếu tán thành trên tổng số {total} "
            f"ủy viên, cần ít nhất {rules.votes_needed(total)} (quá một nửa tổng số ủy viên).",
            field="votes_for",
        )


def _check_dates(meeting_date: Any, concluded_on: Any) -> None:
    for value, field, label in (
        (meeting_date, "meeting_date", "ngày họp"),
        (concluded_on, "concluded_on", "ngày kết luận"),
    ):
        if not isinstance(value, dt.date):
            raise ValidationFailed(f"Hãy nhập {label} (ngày/tháng/năm).", field=field)
        if value > today():
            raise ValidationFailed(f"{label.capitalize()} không được sau hôm nay.", field=field)
    if concluded_on < meeting_date:
        raise ValidationFailed("Ngày kết luận không được trước ngày họp.", field="concluded_on")


def _rests_on(case: Case, findings: Iterable[Finding] | None) -> tuple[list[Finding], bool]:
    """The findings the conclusion cites, or the nothing-found appraisal; refused otherwise."""
    wanted = {getattr(f, "pk", f) for f in findings or ()}
    cited = list(Finding.objects.filter(case=case, pk__in=wanted)) if wanted else []
    if len(cited) != len(wanted):
        raise ValidationFailed("Có vấn đề không thuộc hồ sơ này.", field="findings")
    if any(f.status == FindingStatus.TO_VERIFY for f in cited):
        raise ValidationFailed(
            "Có vấn đề được dẫn còn đang chờ xác minh: chỉ dẫn vấn đề đã xác định hoặc đã làm rõ.",
            field="findings",
        )
    if cited:
        return cited, False
    appraisal = Appraisal.objects.filter(case=case).first()
    if appraisal is not None and appraisal.nothing_found:
        if case.findings.exclude(status=FindingStatus.CLEARED).exists():
            raise ValidationFailed(
                "Hồ sơ có vấn đề đã ghi: kết luận phải dẫn các vấn đề đó.", field="findings"
            )
        return [], True
    raise ValidationFailed(
        "Kết luận phải dẫn các vấn đề đã thẩm tra, xác minh, hoặc kết quả thẩm định ghi là không "
        "có vấn đề.",
        field="findings",
    )


def _kinds(case: Case, covers: Sequence[str] | None) -> list[str]:
    if covers is None:
        covers = list(
            PersonnelDecision.objects.filter(
                pk__in=case.decision_links.values("decision_id")
            ).values_list("kind", flat=True)
        )
    kinds = sorted({str(k) for k in covers})
    unknown = [k for k in kinds if k not in DecisionKind.values]
    if unknown:
        raise ValidationFailed("Có loại quyết định không hợp lệ.", field="covers_kinds")
    if not kinds:
        raise ValidationFailed(
            "Hãy chọn những loại quyết định nhân sự kết luận này dùng cho.", field="covers_kinds"
        )
    return kinds


@transaction.atomic(durable=True)
def conclusion_issue(
    *,
    actor: Actor,
    case: Case,
    meeting_date: dt.date,
    members_present: int,
    votes_for: int,
    votes_against: int,
    outcome: str,
    text: str,
    signer_title: str,
    place: str,
    recipients: Sequence[str] = (),
    dissent: str = "",
    covers_kinds: Sequence[str] | None = None,
    findings: Iterable[Finding] | None = None,
    concluded_on: dt.date | None = None,
    upholds: bool = False,
    signer: Any = None,
    members_total: int | None = None,
    classification: int | None = None,
    expected_version: int | None = None,
    submission_token: uuid.UUID | None = None,
) -> Conclusion:
    """The committee's conclusion on the case in deliberation, signed by ``signer`` (default:
    the actor), a committee member of the case's competent body cleared for its level and
    neither the subject nor a relative. Quorum and passing by the case's rule pack; it cites
    the findings (verified) or the nothing-found appraisal; valid for the shortest validity
    of the kinds it covers. The meeting is counted on the body's number of members kept on its
    committee (``members_total``, if given, must agree). ``signer_title`` is the signer's
    title ("BÍ THƯ"), printed under the body's authority ("T/M BAN THƯỜNG VỤ").
    ``classification`` (default: the floor) is never below :func:`classification_floor`;
    the document and the case carry it. The document (number-symbol of the body's term) is
    issued in this
    transaction and linked to the case; the case is concluded. A case following an earlier
    conclusion (``previous_case``) supersedes it, or upholds it when ``upholds``."""
    submission_claim(actor=actor, token=submission_token)
    locked = _case_to_sign(actor, case)
    check_version(locked, expected_version)
    workflow.check_move(locked, CaseState.CONCLUDED, service="conclusion_issue")
    signer = actor if signer is None else signer
    _check_signer(signer, locked)
    body = deciding_body(locked)
    members_total = _members(body, members_total)
    _check_votes(locked, members_total, members_present, votes_for, votes_against)
    level = _check_level(classification, classification_floor(locked), signer)
    title = " ".join(str(signer_title or "").split()).upper()
    if not title:
        raise ValidationFailed("Hãy chọn chức vụ người ký.", field="signer_title")
    if title.startswith(("T/M", "K/T", "T/L")):
        raise ValidationFailed(
            f"Chỉ ghi chức vụ người ký (ví dụ: {SIGNER_TITLES[0]}); dòng “{body.authority}” "
            "được ghi tự động ở trên.",
            field="signer_title",
        )
    concluded_on = concluded_on or today()
    _check_dates(meeting_date, concluded_on)
    if outcome not in Outcome.values:
        raise ValidationFailed("Hãy chọn kết luận.", field="outcome")
    kinds = _kinds(locked, covers_kinds)
    cited, nothing_found = _rests_on(locked, findings)
    text = " ".join(str(text or "").split())
    if not text:
        raise ValidationFailed("Hãy nhập nội dung kết luận.", field="text")
    rules = case_rules(locked)
    valid_until = min(concluded_on + rules.validity(k) for k in kinds)
    earlier = None
    if locked.previous_case_id is not None:
        earlier = Conclusion.objects.filter(case_id=locked.previous_case_id).first()
    if upholds and earlier is None:
        raise ValidationFailed(
            "Hồ sơ này không tiếp theo kết luận nào: không thể giữ nguyên kết luận trước.",
            field="upholds",
        )
    subject = Person.objects.get(dossier_id=locked.subject_id, is_subject=True)
    decisions = [
        str(d.get_kind_display()) + (f": {d.post.name}" if d.post else "")
        for d in PersonnelDecision.objects.filter(
            pk__in=locked.decision_links.values("decision_id")
        ).select_related("post")
    ]
    meeting = (
        f"Ngày {meeting_date:%d/%m/%Y}, {body.name} họp, có {members_present}/"
        f"{members_total} đồng chí dự; {votes_for} đồng chí tán thành, {votes_against} đồng chí "
        "không tán thành."
    )
    dissent = " ".join(str(dissent or "").split())
    document = document_issue(
        actor=actor,
        type=DocumentType.CONCLUSION,
        issuer=locked.competent_body,
        issued_on=concluded_on,
        place=place,
        title=f"về tiêu chuẩn chính trị của {subject.full_name}",
        fields={
            "ho_ten": subject.full_name,
            "noi_dung": [meeting, *([f"Ý kiến khác: {dissent}"] if dissent else [])],
            "van_de": [f"{f.summary} ({FindingStatus(f.status).label.lower()})" for f in cited]
            or ["Thẩm định không phát hiện vấn đề cần thẩm tra, xác minh."],
            "quyet_dinh": decisions or [str(DecisionKind(k).label) for k in kinds],
            "ket_luan": f"{Outcome(outcome).label}. {text}",
        },
        classification=level,
        recipients=list(recipients),
        signer_title=f"{body.authority}\n{title}",
        signer_name=signer.full_name,
        scope_org=locked.subject.managing_org,
        case=locked,
    )
    declaration = current_declaration(locked.subject_id)
    conclusion = Conclusion.objects.create(
        case=locked,
        subject_id=locked.subject_id,
        competent_body=locked.competent_body,
        meeting_date=meeting_date,
        members_total=members_total,
        members_present=members_present,
        votes_for=votes_for,
        votes_against=votes_against,
        dissent=dissent,
        signer=signer,
        signer_title=title,
        document=document,
        number_symbol=document.number_symbol,
        concluded_on=concluded_on,
        outcome=outcome,
        text=text,
        valid_until=valid_until,
        covers_kinds=kinds,
        rests_on_nothing_found=nothing_found,
        declaration=declaration,
        supersedes=None if upholds else earlier,
        upholds=earlier if upholds else None,
        rule_pack=locked.rule_pack,
        org_path=locked.org_path,
        classification=max(locked.classification, document.classification),
    )
    ConclusionFinding.objects.bulk_create(
        ConclusionFinding(conclusion=conclusion, finding=f) for f in cited
    )
    raise_classification(locked, document.classification)
    event(
        locked,
        actor=actor,
        kind=CaseEventKind.CONCLUSION,
        note=f"Kết luận số {document.number_symbol}: {Outcome(outcome).label}",
    )
    move_case(actor, locked, CaseState.CONCLUDED, note=f"Kết luận số {document.number_symbol}")
    case_audit(
        actor=actor,
        action=AuditAction.CONCLUSION_ISSUE,
        case=locked,
        obj=conclusion,
        after={
            "number_symbol": document.number_symbol,
            "outcome": outcome,
            "concluded_on": concluded_on,
            "valid_until": valid_until,
            "covers_kinds": kinds,
            "members": [members_present, members_total],
            "votes": [votes_for, votes_against],
            "signer": signer.public_id,
            "classification": document.classification,
            "findings": [f.public_id for f in cited],
            "nothing_found": nothing_found,
            "supersedes": conclusion.supersedes.public_id if conclusion.supersedes else None,
            "upholds": conclusion.upholds.public_id if conclusion.upholds else None,
            "document_sha256": document.sha256,
        },
    )
    submission_result(actor=actor, token=submission_token, result=conclusion.public_id)
    return conclusion
