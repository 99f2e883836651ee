"""Findings, verification results and the conclusion: the committee's quorum and vote by the
case's rule pack, a signer of the competent body who is not related, the findings or the
nothing-found appraisal cited, the numbered document issued in the same transaction and
linked to the case, never edited; a complaint's case supersedes or upholds it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bvct.core.constants import Role
from bvct.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from bvct.core.gate import SYSTEM
from bvct.documents.models import IssuedDocument
from bvct.documents.services import document_download
from bvct.vetting import services, services_findings
from bvct.vetting.constants import CaseState, FindingStatus, Outcome
from bvct.vetting.models import Case, Conclusion, RulePack
from bvct.vetting.rules import rule_pack_current
from bvct.vetting.services_conclusions import _check_votes, conclusion_issue
from tests.conftest import events_since
from tests.factories import Tree
from tests.vetting.cases import account, build, conclude, concluded, open_case, to_deliberation

pytestmark = pytest.mark.django_db


def test_the_main_path_finding_verified_then_concluded_and_issued(
    tree: Tree, audit_mark: int
) -> None:
    scene = build(tree)
    case = open_case(scene)
    case = services.case_transition(actor=scene.officer, case=case, to=CaseState.APPRAISAL)
    appraisal = services_findings.appraisal_record(
        actor=scene.officer, case=case, nothing_found=False
    )
    assert any(i["kind"] == "RELATIVE" for i in appraisal.items)  # father, mother, spouse...
    finding = services_findings.finding_create(
        actor=scene.officer,
        case=case,
        category=rule_pack_current().issue_categories[0].code,
        person=scene.relative(),
        period="HISTORY",
        summary="Cha từng làm việc trong chế độ cũ",
        declaration_refs=["relatives[1]"],
    )
    case = services.case_transition(actor=scene.officer, case=case, to=CaseState.VERIFICATION)
    result = services_findings.verification_result_record(
        actor=scene.officer,
        case=case,
        agency=tree.agency,
        document_number="45/CAT-PA03",
        document_date=dt.date.today(),
        received_on=dt.date.today(),
        summary="Không có tiền án, tiền sự; đã làm rõ.",
        findings=[finding],
    )
    with pytest.raises(ValidationFailed, match="Còn vấn đề đang chờ"):
        services.case_transition(actor=scene.officer, case=case, to=CaseState.DELIBERATION)
    finding = services_findings.finding_update(
        actor=scene.officer, finding=finding, status=FindingStatus.CLEARED
    )
    assert list(finding.evidence.all()) == [result]
    case = services.case_transition(actor=scene.officer, case=case, to=CaseState.DELIBERATION)
    conclusion = conclude(scene, case, findings=[finding])
    case.refresh_from_db()
    assert case.state == CaseState.CONCLUDED and case.stage_due_on is None
    document = conclusion.document
    assert conclusion.number_symbol == document.number_symbol == "01-KL/TU"
    assert document.case_id == case.pk
    assert case.classification >= document.classification
    assert list(conclusion.findings.all()) == [finding]
    assert conclusion.valid_until == dt.date.today() + rule_pack_current().validity("APPOINTMENT")
    assert conclusion.covers_kinds == ["APPOINTMENT"]
    assert document_download(actor=scene.signer, document=document)[:2] == b"PK"
    actions = [e.action for e in events_since(audit_mark)]
    for action in (
        "appraisal.record",
        "finding.create",
        "verification_result.record",
        "finding.update",
        "document.issue",
        "conclusion.issue",
    ):
        assert action in actions, action
    (issued,) = events_since(audit_mark, action="conclusion.issue")
    assert issued.after["number_symbol"] == "01-KL/TU"
    assert issued.actor_public_id == scene.signer.public_id


def test_a_conclusion_is_never_edited_nor_deleted(tree: Tree) -> None:
    conclusion = concluded(build(tree))
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        Conclusion.objects.filter(pk=conclusion.pk).update(outcome=Outcome.VIOLATION)
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        Conclusion.objects.filter(pk=conclusion.pk).delete()


def _refused(scene, case, match, **more):  # type: ignore[no-untyped-def]
    with pytest.raises((ValidationFailed, PermissionDeniedError), match=match):
        conclude(scene, case, **more)


def test_bad_conclusions_are_refused_with_the_reason_and_nothing_is_written(
    tree: Tree, audit_mark: int
) -> None:
    scene = build(tree)
    case = to_deliberation(scene, open_case(scene))
    _refused(scene, case, "không đủ số ủy viên dự họp: có 5/9, cần ít nhất 6", members_present=5,
             votes_for=5, votes_against=0)  # fmt: skip
    _refused(scene, case, "cần ít nhất 5", votes_for=4, votes_against=3)
    _refused(scene, case, "vượt số ủy viên dự họp", votes_for=7, votes_against=2)
    _refused(scene, case, "Ngày họp không được sau hôm nay",
             meeting_date=dt.date.today() + dt.timedelta(days=1))  # fmt: skip
    _refused(scene, case, "loại quyết định", covers_kinds=[])
    outsider = account(tree.committee_b, Role.COMMITTEE_MEMBER)
    _refused(scene, case, "Chỉ ủy viên cấp ủy của Đảng ủy phường A", signer=outsider)
    officer_signing = account(tree.committee_a, Role.BVCT_OFFICER)
    _refused(scene, case, "Chỉ ủy viên cấp ủy", signer=officer_signing)
    unnamed = account(tree.committee_a, Role.COMMITTEE_MEMBER, cccd=None)
    _refused(scene, case, "chưa có số CCCD", signer=unnamed)
    # Someone who does not see the case is told nothing about it.
    with pytest.raises(NotFoundError):
        conclusion_issue(
            actor=account(tree.committee_b, Role.BVCT_OFFICER),
            case=case,
            meeting_date=dt.date.today(),
            members_total=9,
            members_present=9,
            votes_for=9,
            votes_against=0,
            outcome=Outcome.NO_ISSUE,
            text="Đủ tiêu chuẩn.",
            signer_title="Bí thư",
            place="Bắc Ninh",
        )
    assert not Conclusion.objects.exists()
    assert not IssuedDocument.objects.exists()  # no number taken either
    assert not events_since(audit_mark, action="conclusion.issue")
    case.refresh_from_db()
    assert case.state == CaseState.DELIBERATION


def test_a_signer_related_to_the_subject_is_refused(tree: Tree) -> None:
    scene = build(tree)
    relative = scene.relative()
    relative.citizen_id = "001048777001"
    relative.save(update_fields=["citizen_id"])
    case = to_deliberation(scene, open_case(scene))
    related = account(tree.committee_a, Role.COMMITTEE_MEMBER, cccd="001048777001")
    _refused(scene, case, "thân nhân", signer=related)


def test_a_conclusion_cites_findings_or_the_nothing_found_appraisal(tree: Tree) -> None:
    scene = build(tree)
    case = open_case(scene)
    case = services.case_transition(actor=scene.officer, case=case, to=CaseState.APPRAISAL)
    services_findings.appraisal_record(actor=scene.officer, case=case, nothing_found=False)
    case = services.case_transition(actor=scene.officer, case=case, to=CaseState.DELIBERATION)
    _refused(scene, case, "phải dẫn các vấn đề")


def test_a_complaint_opens_a_new_case_whose_conclusion_supersedes_the_old(tree: Tree) -> None:
    scene = build(tree)
    first = concluded(scene)
    complaint = services.case_open(
        actor=scene.officer,
        dossier=scene.dossier,
        origin="COMPLAINT",
        previous_case=first.case,
        summary="Đơn tố cáo về lịch sử của cha",
    )
    assert complaint.previous_case == first.case
    complaint = to_deliberation(scene, complaint)
    second = conclude(scene, complaint, covers_kinds=["APPOINTMENT"], outcome="ISSUE_NO_VIOLATION")
    assert second.supersedes == first and second.upholds is None
    assert second.number_symbol == "02-KL/TU"
    assert Conclusion.objects.count() == 2  # both kept
    third_case = to_deliberation(
        scene,
        services.case_open(
            actor=scene.officer, dossier=scene.dossier, origin="NEW_INFORMATION",
            previous_case=complaint,
        ),
    )  # fmt: skip
    third = conclude(scene, third_case, covers_kinds=["APPOINTMENT"], upholds=True)
    assert third.upholds == second and third.supersedes is None
    lone = to_deliberation(
        scene, services.case_open(actor=scene.officer, dossier=scene.dossier, origin="COMPLAINT")
    )
    _refused(
        scene, lone, "không tiếp theo kết luận nào", covers_kinds=["APPOINTMENT"], upholds=True
    )


def test_a_case_above_ones_clearance_or_scope_is_missing(tree: Tree) -> None:
    scene = build(tree)
    case = open_case(scene)
    low = account(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT")
    with pytest.raises(NotFoundError):
        services.case_transition(actor=low, case=case, to=CaseState.APPRAISAL)
    assert not Case.objects.visible_to(low).exists()
    assert Case.objects.visible_to(SYSTEM).count() == 1


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    total=st.integers(min_value=1, max_value=40),
    present=st.integers(min_value=0, max_value=40),
    votes_for=st.integers(min_value=0, max_value=40),
    against=st.integers(min_value=0, max_value=40),
)
def test_the_vote_check_accepts_exactly_a_quorate_passing_meeting(
    total: int, present: int, votes_for: int, against: int
) -> None:
    """Property: the meeting is accepted iff it is consistent, quorate (2/3 of all members
    present) and passing (more than half of all members for), as the rule pack says."""
    case = Case(rule_pack=RulePack(version=rule_pack_current().version))
    consistent = present <= total and votes_for + against <= present
    expected = consistent and 3 * present >= 2 * total and 2 * votes_for > total
    try:
        _check_votes(case, total, present, votes_for, against)
        accepted = True
    except ValidationFailed as exc:
        accepted = False
        assert exc.field and exc.message
    assert accepted == expected
