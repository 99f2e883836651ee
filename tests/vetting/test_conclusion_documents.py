"""The conclusion and the appraisal report as documents: their secrecy level (never below the
dossier's, the catalogue's and, for a conclusion, Mật), the body that concludes as the rule pack
names it (the provincial standing committee), counted on the members kept on the committee,
and the report issued in the officer's board's name, signed by the officer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bvct.core.constants import Classification, Role
from bvct.core.errors import ValidationFailed
from bvct.core.gate import SYSTEM
from bvct.documents.docx import document_text
from bvct.documents.models import IssuedDocument
from bvct.positions import services as positions_services
from bvct.vetting import services, services_findings
from bvct.vetting.models import Case, Conclusion
from bvct.vetting.services_conclusions import classification_floor, conclusion_issue, deciding_body
from tests.conftest import events_since
from tests.documents.helpers import make_term
from tests.factories import Tree
from tests.positions.factories import make_dossier, make_entry
from tests.vetting.cases import (
    Scene,
    account,
    build,
    conclude,
    decide,
    open_case,
    set_members,
    to_deliberation,
)


def _plain_case(scene: Scene, kind: str = "APPOINTMENT", **more: Any) -> Case:
    """A case on an unclassified dossier, in deliberation."""
    dossier = make_dossier(level="NONE", birth="02/03/1980")
    decision = decide(dossier, kind, post=scene.post, **more)
    return to_deliberation(scene, services.case_open(actor=scene.officer, decision=decision))


def _text(document: IssuedDocument) -> str:
    return "\n".join(document_text(bytes(document.content)))


def test_a_conclusion_is_secret_by_default_and_raises_its_case(tree: Tree) -> None:
    scene = build(tree)
    case = _plain_case(scene)
    assert case.classification == Classification.NONE
    assert classification_floor(case) == Classification.MAT
    conclusion = conclude(scene, case)
    document = conclusion.document
    assert document.classification == Classification.MAT
    assert "MẬT" in document_text(bytes(document.content))
    case.refresh_from_db()
    assert case.classification == Classification.MAT == conclusion.classification
    event = events_since(0, action="conclusion.issue")[-1]
    assert event.after["classification"] == Classification.MAT


def test_a_level_below_the_floor_is_refused_and_a_higher_one_hides_the_case(tree: Tree) -> None:
    scene = build(tree)
    case = _plain_case(scene)
    with pytest.raises(ValidationFailed) as refused:
        conclude(scene, case, classification=Classification.NONE)
    assert refused.value.field == "classification" and "Mật" in str(refused.value)
    assert not Conclusion.objects.exists()
    reader = account(tree.committee_a, Role.BVCT_OFFICER, clearance="TOI_MAT")
    assert Case.objects.visible_to(reader).filter(pk=case.pk).exists()
    conclusion = conclude(scene, case, classification=Classification.TUYET_MAT)
    assert conclusion.document.classification == Classification.TUYET_MAT
    # The gate now hides the case and its document from whoever is cleared below it.
    assert not Case.objects.visible_to(reader).filter(pk=case.pk).exists()
    assert not IssuedDocument.objects.visible_to(reader).filter(pk=conclusion.document.pk).exists()
    assert Case.objects.visible_to(scene.officer).filter(pk=case.pk).exists()


def test_the_catalogue_entry_of_the_decision_sets_the_floor(tree: Tree) -> None:
    scene = build(tree)
    entry = make_entry(tree.committee_a, post=scene.post, level=1, required_clearance=2)
    case = _plain_case(scene, "CATALOGUE_POST", catalogue_entry=entry)
    assert classification_floor(case) == Classification.TOI_MAT
    with pytest.raises(ValidationFailed) as refused:
        conclude(scene, case, classification=Classification.MAT)
    assert refused.value.field == "classification" and "Tối mật" in str(refused.value)
    assert conclude(scene, case).document.classification == Classification.TOI_MAT


def _provincial(tree: Tree) -> tuple[Scene, Case, Any]:
    scene = build(tree)
    post = positions_services.post_create(
        actor=SYSTEM, organisation=tree.root, name="Trưởng Ban Tổ chức Tỉnh ủy",
        tier="PROVINCE", is_management=True,
    )  # fmt: skip
    decision = decide(scene, "APPOINTMENT", post=post)
    make_term(tree.root)
    case = to_deliberation(scene, services.case_open(actor=scene.officer, decision=decision))
    return scene, case, account(tree.root, Role.COMMITTEE_MEMBER)


def _sign(signer: Any, case: Case, **more: Any) -> Conclusion:
    values: dict[str, Any] = {
        "meeting_date": dt.date.today(), "members_present": 8, "votes_for": 7,
        "votes_against": 1, "outcome": "NO_ISSUE", "text": "Đủ tiêu chuẩn chính trị.",
        "signer_title": "PHÓ BÍ THƯ", "place": "Bắc Ninh",
    }  # fmt: skip
    values.update(more)
    return conclusion_issue(actor=signer, case=case, **values)


def test_the_standing_committee_concludes_on_its_own_number_of_members(tree: Tree) -> None:
    _scene, case, signer = _provincial(tree)
    assert case.competent_body == tree.root
    body = deciding_body(case)
    assert body.name == f"Ban Thường vụ {tree.root.name}"
    assert body.authority == "T/M BAN THƯỜNG VỤ"
    # No number kept on the committee: nobody can type one in.
    with pytest.raises(ValidationFailed) as refused:
        _sign(signer, case, members_total=9)
    assert refused.value.field == "members_total" and "trang của tổ chức" in str(refused.value)
    set_members(tree.root, 30, 9)
    # A typed total that disagrees with the committee's is refused.
    with pytest.raises(ValidationFailed) as refused:
        _sign(signer, case, members_total=5, members_present=5, votes_for=5)
    assert refused.value.field == "members_total"
    # Quorum is counted on the standing committee's 9, not on a figure typed in.
    with pytest.raises(ValidationFailed) as refused:
        _sign(signer, case, members_present=5, votes_for=5, votes_against=0)
    assert refused.value.field == "members_present" and "5/9" in str(refused.value)
    # The authority belongs to the system, the signer gives only the title.
    with pytest.raises(ValidationFailed) as refused:
        _sign(signer, case, signer_title="T/M BAN THƯỜNG VỤ, BÍ THƯ")
    assert refused.value.field == "signer_title"
    conclusion = _sign(signer, case)
    assert conclusion.members_total == 9
    text = _text(conclusion.document)
    assert f"Ban Thường vụ {tree.root.name} họp, có 8/9 đồng chí dự" in text
    assert "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ" in document_text(bytes(conclusion.document.content))
    assert f"{tree.root.name} họp" not in text.replace(f"Ban Thường vụ {tree.root.name}", "")


def test_a_commune_committee_signs_for_itself(tree: Tree) -> None:
    scene = build(tree)
    case = _plain_case(scene)
    assert deciding_body(case).name == tree.committee_a.name
    lines = document_text(bytes(conclude(scene, case).document.content))
    assert "T/M ĐẢNG ỦY\nBÍ THƯ" in lines


def test_the_report_is_issued_by_the_officers_board_and_signed_by_the_officer(
    tree: Tree,
) -> None:
    scene = build(tree)
    case = _plain_case(scene)
    make_term(tree.board, symbol="BTCTU")
    board_officer = account(tree.board, Role.BVCT_OFFICER)
    document = services_findings.appraisal_report_issue(
        actor=board_officer, case=case, issued_on=dt.date.today(), place="Bắc Ninh",
        signer_title="K/T trưởng ban\nPhó trưởng ban", proposal="Trình Ban Thường vụ kết luận.",
        recipients=["Ban Thường vụ Tỉnh ủy", "Lưu hồ sơ cán bộ"],
    )  # fmt: skip
    assert document.issuer == tree.board
    assert document.number_symbol == "01-BC/BTCTU"
    lines = document_text(bytes(document.content))
    assert tree.board.name.upper() in lines
    assert board_officer.full_name in lines
    assert "K/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN" in lines
    assert "- Ban Thường vụ Tỉnh ủy," in lines and "- Lưu hồ sơ cán bộ." in lines
    # A report on a Tối mật dossier is not issued at a lower level.
    secret = to_deliberation(scene, open_case(scene))
    with pytest.raises(ValidationFailed) as refused:
        services_findings.appraisal_report_issue(
            actor=board_officer, case=secret, issued_on=dt.date.today(), place="Bắc Ninh",
            signer_title="TRƯỞNG BAN", proposal="x", recipients=[],
            classification=Classification.MAT,
        )  # fmt: skip
    assert refused.value.field == "classification" and "Tối mật" in str(refused.value)
