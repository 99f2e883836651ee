"""Every casework page through the permission matrix: anonymous, another scope, short of
clearance, an agency officer and the allowed caller. Hidden answers byte for byte as missing;
a refused write changes nothing and writes no event; the case list holds its query count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bvct.core.constants import Role
from bvct.vetting import services, services_findings
from bvct.vetting.constants import CaseState
from bvct.vetting.models import Case, CaseAssignment, Conclusion, Finding, ReportedChange
from bvct.vetting.models import VerificationResult as Result
from tests.factories import Tree, make_user
from tests.people.factories import officers
from tests.permission_matrix import Expect, Personas, assert_permission_matrix, make_personas
from tests.vetting.cases import Scene, account, build, concluded, open_case, to_deliberation

pytestmark = pytest.mark.django_db
MISSING = "00000000-0000-4000-8000-000000000000"
TODAY = f"{dt.date.today():%Y-%m-%d}"


@pytest.fixture
def scene(tree: Tree) -> Scene:
    return build(tree)


def _case(case: Any, tail: str = "") -> str:
    return f"/tham-tra/ho-so-tham-tra/{getattr(case, 'public_id', case)}/{tail}"


def _in_appraisal(scene: Scene) -> Case:
    case = services.case_transition(
        actor=scene.officer, case=open_case(scene), to=CaseState.APPRAISAL
    )
    services_findings.appraisal_record(actor=scene.officer, case=case, nothing_found=False)
    case.refresh_from_db()
    return case


def _in_verification(scene: Scene) -> tuple[Case, Finding]:
    case = _in_appraisal(scene)
    finding = services_findings.finding_create(
        actor=scene.officer, case=case, category=_category(case),
        person=scene.subject, period="CURRENT", summary="Có người thân ở nước ngoài",
    )  # fmt: skip
    case = services.case_transition(actor=scene.officer, case=case, to=CaseState.VERIFICATION)
    return case, finding


def _category(case: Case) -> str:
    from bvct.vetting.services_common import case_rules

    return case_rules(case).issue_categories[0].code


# --- reads ------------------------------------------------------------------------------------


def test_the_decision_page_is_gated_and_explains_the_check(scene: Scene, tree: Tree) -> None:
    responses = assert_permission_matrix(
        f"/tham-tra/quyet-dinh/{scene.decision.public_id}/", officers(tree), Expect(),
        missing_url=f"/tham-tra/quyet-dinh/{MISSING}/",
    )  # fmt: skip
    text = responses["allowed"].content.decode()
    assert "Chưa có kết luận đáp ứng" in text and "Chưa có kết luận tiêu chuẩn chính trị" in text


def test_the_case_page_is_gated(scene: Scene, tree: Tree) -> None:
    case = open_case(scene)
    responses = assert_permission_matrix(
        _case(case), officers(tree), Expect(), missing_url=_case(MISSING)
    )
    assert case.reference in responses["allowed"].content.decode()


def test_a_restricted_case_is_hidden_as_missing_but_from_its_people(
    scene: Scene, tree: Tree
) -> None:
    case = open_case(scene, restricted=True)
    personas = officers(tree)
    # An officer of the scope who is not assigned: as if there were no such case.
    assert_permission_matrix(_case(case), personas, Expect(allowed=404), missing_url=_case(MISSING))
    for user in (scene.officer, scene.signer):  # its lead; its competent body's member
        client = Client()
        client.force_login(user)
        page = client.get(_case(case)).content.decode()
        assert "Hạn chế người xem" in page


def test_the_dossier_casework_page_is_gated(scene: Scene, tree: Tree) -> None:
    concluded(scene)
    responses = assert_permission_matrix(
        f"/tham-tra/ho-so/{scene.dossier.public_id}/", officers(tree), Expect(),
        missing_url=f"/tham-tra/ho-so/{MISSING}/",
    )  # fmt: skip
    assert Conclusion.objects.get().number_symbol in responses["allowed"].content.decode()


def test_the_case_list_shows_only_what_the_gate_lets_through(scene: Scene, tree: Tree) -> None:
    case = open_case(scene)
    responses = assert_permission_matrix(
        "/tham-tra/ho-so-tham-tra/",
        officers(tree),
        Expect(other_scope=200, insufficient_clearance=200),
    )
    assert case.reference in responses["allowed"].content.decode()
    for name in ("other_scope", "insufficient_clearance"):
        assert case.reference not in responses[name].content.decode()


def test_the_case_list_filters(scene: Scene, tree: Tree) -> None:
    mine = open_case(scene)
    other = account(tree.committee_a, Role.BVCT_OFFICER)
    theirs = services.case_open(actor=other, dossier=scene.dossier, origin="NEW_INFORMATION")
    client = Client()
    client.force_login(scene.officer)
    listed = client.get("/tham-tra/ho-so-tham-tra/?mine=on").content.decode()
    assert mine.reference in listed and theirs.reference not in listed
    listed = client.get("/tham-tra/ho-so-tham-tra/?state=APPRAISAL").content.decode()
    assert mine.reference not in listed
    assert (
        "Không có hồ sơ thẩm tra nào."
        in client.get("/tham-tra/ho-so-tham-tra/?late=on").content.decode()
    )


def test_the_case_list_holds_its_query_count(scene: Scene, tree: Tree) -> None:
    client = Client()
    client.force_login(scene.officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/tham-tra/ho-so-tham-tra/").status_code == 200
        return len(queries)

    open_case(scene)
    few = count()
    for _ in range(6):
        services.case_open(actor=scene.officer, dossier=scene.dossier, origin="NEW_INFORMATION")
    assert count() == few <= 12


def test_the_conclusion_form_is_for_the_competent_body_only(scene: Scene, tree: Tree) -> None:
    case = to_deliberation(scene, open_case(scene))
    members = make_personas(
        role=Role.COMMITTEE_MEMBER, org=tree.committee_a, other_org=tree.committee_b,
        agency_org=tree.agency, low_clearance="MAT",
    )  # fmt: skip
    assert_permission_matrix(
        _case(case, "ket-luan/"), members, Expect(), missing_url=_case(MISSING, "ket-luan/")
    )
    client = Client()
    client.force_login(scene.officer)  # sees the case, may not sign
    assert client.get(_case(case, "ket-luan/")).status_code == 404


# --- writes -----------------------------------------------------------------------------------


def _write(
    url: str,
    personas: Personas,
    data: dict[str, Any] | Callable[[], dict[str, Any]],
    state: Callable[[], Any],
    missing: str,
    allowed: int = 302,
) -> dict[str, Any]:
    return assert_permission_matrix(
        url, personas, Expect(allowed=allowed), method="post", form=True, data=data,
        state=state, missing_url=missing,
    )  # fmt: skip


def test_the_check_opens_the_case_through_the_matrix(scene: Scene, tree: Tree) -> None:
    url = f"/tham-tra/quyet-dinh/{scene.decision.public_id}/kiem-tra/"
    _write(url, officers(tree), {}, Case.objects.count, f"/tham-tra/quyet-dinh/{MISSING}/kiem-tra/")
    assert Case.objects.filter(decision_links__decision=scene.decision).count() == 1


def test_case_workflow_writes_through_the_matrix(scene: Scene, tree: Tree) -> None:
    case = open_case(scene)
    personas = officers(tree)

    def current() -> dict[str, Any]:
        return {"to": "APPRAISAL", "version": Case.objects.get(pk=case.pk).version}

    def states() -> Any:
        return list(Case.objects.values_list("state", "version"))

    _write(_case(case, "chuyen-buoc/"), personas, current, states, _case(MISSING, "chuyen-buoc/"))
    assert Case.objects.get(pk=case.pk).state == CaseState.APPRAISAL
    _write(
        _case(case, "phan-cong/"), personas,
        lambda: {"user": str(scene.verifier.public_id), "duty": "VERIFIER",
                 "version": Case.objects.get(pk=case.pk).version},
        lambda: CaseAssignment.objects.filter(ended_at__isnull=True).count(),
        _case(MISSING, "phan-cong/"),
    )  # fmt: skip
    _write(
        _case(case, "thoi-phan-cong/"), personas,
        lambda: {"user": str(scene.verifier.public_id), "duty": "VERIFIER",
                 "version": Case.objects.get(pk=case.pk).version},
        lambda: CaseAssignment.objects.filter(ended_at__isnull=True).count(),
        _case(MISSING, "thoi-phan-cong/"),
    )  # fmt: skip
    _write(
        _case(case, "tham-dinh/"), personas,
        lambda: {"nothing_found": "0", "version": Case.objects.get(pk=case.pk).version},
        lambda: Case.objects.get(pk=case.pk).version, _case(MISSING, "tham-dinh/"),
    )  # fmt: skip
    _write(
        _case(case, "van-de/moi/"), personas,
        lambda: {"category": _category(case), "person": str(scene.subject.public_id),
                 "period": "HISTORY", "summary": "Vấn đề lịch sử",
                 "version": Case.objects.get(pk=case.pk).version},
        Finding.objects.count, _case(MISSING, "van-de/moi/"),
    )  # fmt: skip
    finding = Finding.objects.get(case=case)
    _write(
        f"/tham-tra/van-de/{finding.public_id}/", personas,
        lambda: {"status": "TO_VERIFY", "version": Finding.objects.get(pk=finding.pk).version},
        lambda: Finding.objects.get(pk=finding.pk).version, f"/tham-tra/van-de/{MISSING}/",
    )  # fmt: skip
    _write(
        _case(case, "rut/"), personas,
        lambda: {"reason": "Đề xuất đã rút", "version": Case.objects.get(pk=case.pk).version},
        states, _case(MISSING, "rut/"),
    )  # fmt: skip
    assert Case.objects.get(pk=case.pk).state == CaseState.WITHDRAWN


def test_a_result_is_recorded_through_the_matrix(scene: Scene, tree: Tree) -> None:
    case, finding = _in_verification(scene)
    _write(
        _case(case, "ket-qua-xac-minh/moi/"), officers(tree),
        lambda: {"agency": str(tree.agency.public_id), "document_number": "12/CAT",
                 "document_date": TODAY, "received_on": TODAY, "summary": "Không có vấn đề",
                 "findings": [str(finding.public_id)],
                 "version": Case.objects.get(pk=case.pk).version},
        Result.objects.count, _case(MISSING, "ket-qua-xac-minh/moi/"),
    )  # fmt: skip
    assert list(Finding.objects.get(pk=finding.pk).evidence.all()) == list(Result.objects.all())


def test_the_conclusion_is_signed_through_the_matrix(scene: Scene, tree: Tree) -> None:
    case = to_deliberation(scene, open_case(scene))
    members = Personas(
        allowed=scene.signer,
        other_scope=account(tree.committee_b, Role.COMMITTEE_MEMBER),
        insufficient_clearance=account(tree.committee_a, Role.COMMITTEE_MEMBER, clearance="MAT"),
        agency=make_user(tree.agency, Role.AGENCY_OFFICER, clearance="TUYET_MAT"),
    )
    data = {
        "meeting_date": TODAY, "members_total": 7, "members_present": 6, "votes_for": 6,
        "votes_against": 0, "outcome": "NO_ISSUE", "text": "Đủ tiêu chuẩn chính trị.",
        "covers_kinds": ["APPOINTMENT"], "signer_title": "BÍ THƯ",
        "place": "Bắc Ninh", "recipients": "Như trên",
    }  # fmt: skip
    _write(
        _case(case, "ket-luan/"), members,
        lambda: {**data, "version": Case.objects.get(pk=case.pk).version},
        Conclusion.objects.count, _case(MISSING, "ket-luan/"),
    )  # fmt: skip
    assert Case.objects.get(pk=case.pk).state == CaseState.CONCLUDED


def test_a_reported_change_is_recorded_through_the_matrix(scene: Scene, tree: Tree) -> None:
    url = f"/tham-tra/ho-so/{scene.dossier.public_id}/"
    _write(
        url, officers(tree),
        {"kind": "RELATIVE_ABROAD", "person": str(scene.relative().public_id),
         "occurred_on": TODAY, "reported_on": TODAY, "description": "Con đi du học Úc"},
        ReportedChange.objects.count, f"/tham-tra/ho-so/{MISSING}/",
    )  # fmt: skip
    assert ReportedChange.objects.get().person == scene.relative()


def test_a_new_case_about_a_conclusion_through_the_matrix(scene: Scene, tree: Tree) -> None:
    conclusion = concluded(scene)
    _write(
        _case(conclusion.case, "mo-ho-so-moi/"), officers(tree),
        {"origin": "NEW_INFORMATION", "summary": "Có thông tin mới về quan hệ nước ngoài"},
        Case.objects.count, _case(MISSING, "mo-ho-so-moi/"),
    )  # fmt: skip
    assert Case.objects.filter(previous_case=conclusion.case).count() == 1
