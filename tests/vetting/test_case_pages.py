"""The casework pages walked as people use them: a decision's check opens the case, the
appraisal records a finding, a verification result confirms it, the committee member signs
the conclusion, its DOCX downloads and the decision shows as covered. Refusals are shown with
the service's Vietnamese message at the field, nothing written; forms sent twice make one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from bvct.core.constants import Role
from bvct.vetting.constants import CaseState, FindingStatus
from bvct.vetting.models import (
    Appraisal,
    Case,
    Conclusion,
    Finding,
    ReportedChange,
    VerificationResult,
)
from tests.conftest import events_since
from tests.factories import Tree
from tests.vetting.cases import Scene, build, concluded, decide

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _case_url(case: Case, tail: str = "") -> str:
    return f"/tham-tra/ho-so-tham-tra/{case.public_id}/{tail}"


def _open_through_the_check(scene: Scene, client: Client) -> Case:
    page = client.get(f"/tham-tra/quyet-dinh/{scene.decision.public_id}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Chưa có kết luận đáp ứng" in text and "Mở hồ sơ thẩm tra" in text
    assert "Chưa có kết luận tiêu chuẩn chính trị nào về người này." in text
    opened = client.post(f"/tham-tra/quyet-dinh/{scene.decision.public_id}/kiem-tra/")
    case = Case.objects.get(decision_links__decision=scene.decision)
    assert opened.status_code == 302 and opened["Location"] == _case_url(case)
    return case


def test_the_main_path_from_decision_to_covered(tree: Tree, audit_mark: int) -> None:
    scene = build(tree)
    officer = _client(scene.officer)
    case = _open_through_the_check(scene, officer)

    page = officer.get(_case_url(case)).content.decode()
    assert case.reference in page and "Bắt đầu thẩm định" in page
    assert events_since(audit_mark, action="case.view")

    moved = officer.post(
        _case_url(case, "chuyen-buoc/"), {"to": "APPRAISAL", "version": case.version}
    )
    assert moved.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.APPRAISAL
    page = officer.get(_case_url(case)).content.decode()
    # The deadline in dd/mm/yyyy with the working days left; the guarded move says why not.
    assert f"{case.stage_due_on:%d/%m/%Y}" in page and "ngày làm việc" in page
    assert "Chưa ghi kết quả thẩm định" in page

    recorded = officer.post(
        _case_url(case, "tham-dinh/"), {"nothing_found": "0", "note": "", "version": case.version}
    )
    assert recorded.status_code == 302
    case.refresh_from_db()
    subject = scene.subject
    category = case_rules_first_category(case)
    token = "3b0c1d7e-9a55-4f3b-8d1e-2a6f0c9b7d11"
    finding_data = {
        "category": category,
        "person": str(subject.public_id),
        "period": "HISTORY",
        "summary": "Khai có thời gian làm việc cho chế độ cũ",
        "version": case.version,
        "submission_token": token,
    }
    first = officer.post(_case_url(case, "van-de/moi/"), finding_data)
    second = officer.post(_case_url(case, "van-de/moi/"), finding_data)
    assert first.status_code == second.status_code == 302
    assert Finding.objects.filter(case=case).count() == 1
    finding = Finding.objects.get(case=case)

    case.refresh_from_db()
    officer.post(_case_url(case, "chuyen-buoc/"), {"to": "VERIFICATION", "version": case.version})
    case.refresh_from_db()
    assert case.state == CaseState.VERIFICATION
    today = dt.date.today()
    result = officer.post(
        _case_url(case, "ket-qua-xac-minh/moi/"),
        {
            "agency": str(tree.agency.public_id),
            "document_number": "25/CAT-PA03",
            "document_date": f"{today:%Y-%m-%d}",
            "received_on": f"{today:%Y-%m-%d}",
            "summary": "Đã làm rõ: không có vấn đề",
            "findings": [str(finding.public_id)],
            "version": case.version,
        },
    )
    assert result.status_code == 302, result.content.decode()[:3000]
    assert VerificationResult.objects.filter(case=case).count() == 1
    evidence = VerificationResult.objects.get(case=case)
    cleared = officer.post(
        f"/tham-tra/van-de/{finding.public_id}/",
        {"status": "CLEARED", "evidence": [str(evidence.public_id)], "version": finding.version},
    )
    assert cleared.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLEARED
    case.refresh_from_db()
    officer.post(_case_url(case, "chuyen-buoc/"), {"to": "DELIBERATION", "version": case.version})
    case.refresh_from_db()
    assert case.state == CaseState.DELIBERATION
    # The officer may not sign: no form for them.
    assert officer.get(_case_url(case, "ket-luan/")).status_code == 404

    signer = _client(scene.signer)
    form = signer.get(_case_url(case, "ket-luan/"))
    assert form.status_code == 200
    conclusion_data = {
        "version": case.version,
        "meeting_date": f"{today:%Y-%m-%d}",
        "members_total": 9,
        "members_present": 5,
        "votes_for": 5,
        "votes_against": 0,
        "outcome": "ISSUE_NO_VIOLATION",
        "text": "Đủ tiêu chuẩn chính trị.",
        "covers_kinds": ["APPOINTMENT"],
        "findings": [str(finding.public_id)],
        "signer_title": "BÍ THƯ",
        "place": "Bắc Ninh",
        "recipients": "Ban Tổ chức\nLưu",
        "submission_token": "9d1e0f2a-7c3b-4e5d-8a6f-1b2c3d4e5f60",
    }
    refused = signer.post(_case_url(case, "ket-luan/"), conclusion_data)
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "không đủ số ủy viên dự họp" in text
    # The refusal is shown at its field.
    assert re.search(r'id_members_present".*?<p class="error"', text, re.S)
    assert not Conclusion.objects.exists()
    conclusion_data["members_present"] = 8
    done = signer.post(_case_url(case, "ket-luan/"), conclusion_data)
    assert done.status_code == 302, done.content.decode()[:3000]
    conclusion = Conclusion.objects.get(case=case)
    page = signer.get(_case_url(case)).content.decode()
    assert conclusion.number_symbol in page and "Tải kết luận (DOCX)" in page

    download = signer.get(f"/van-ban/{conclusion.document.public_id}/tai-ve/")
    assert download.status_code == 200
    assert b"".join(download).startswith(b"PK")

    covered = officer.get(f"/tham-tra/quyet-dinh/{scene.decision.public_id}/").content.decode()
    assert "Đã có kết luận còn giá trị" in covered
    assert (
        f"Đã có kết luận số {conclusion.number_symbol} ngày {conclusion.concluded_on:%d/%m/%Y}"
        in covered
    )
    rules = f'href="/tham-tra/bo-quy-tac/phien-ban/{case.rule_pack.version}/"'
    assert rules in covered and rules in page  # the version the check and the case used


def case_rules_first_category(case: Case) -> str:
    from bvct.vetting.services_common import case_rules

    return case_rules(case).issue_categories[0].code


def test_a_covered_decision_records_its_reuse(tree: Tree) -> None:
    scene = build(tree)
    conclusion = concluded(scene, covers_kinds=["APPOINTMENT", "SUCCESSION_PLANNING"])
    later = decide(scene, kind="SUCCESSION_PLANNING", post=scene.post)
    officer = _client(scene.officer)
    page = officer.get(f"/tham-tra/quyet-dinh/{later.public_id}/").content.decode()
    assert "Đã có kết luận còn giá trị" in page
    assert "Ghi nhận dùng kết luận này" in page
    officer.post(f"/tham-tra/quyet-dinh/{later.public_id}/kiem-tra/")
    page = officer.get(f"/tham-tra/quyet-dinh/{later.public_id}/").content.decode()
    assert f"Kết luận số {conclusion.number_symbol}" in page
    assert "Ghi nhận dùng kết luận này" not in page


def test_reported_changes_on_the_dossier_and_after_the_conclusion(tree: Tree) -> None:
    scene = build(tree)
    today = dt.date.today()
    day = today - dt.timedelta(days=3)
    conclusion = concluded(scene, meeting_date=day, concluded_on=day)
    officer = _client(scene.officer)
    url = f"/tham-tra/ho-so/{scene.dossier.public_id}/"
    assert officer.get(url).status_code == 200
    data = {
        "kind": "TRIP_ABROAD",
        "person": "",
        "occurred_on": f"{day:%Y-%m-%d}",
        "reported_on": f"{day:%Y-%m-%d}",
        "description": "Đi Lào 3 ngày",
        "submission_token": "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
    }
    # Reported on the conclusion's own day: before the committee, not flagged.
    assert officer.post(url, data).status_code == 302
    page = officer.get(url).content.decode()
    assert "Đi Lào 3 ngày" in page and "sau kết luận còn giá trị" not in page
    case_page = _client(scene.signer).get(_case_url(conclusion.case)).content.decode()
    assert "Báo cáo bổ sung sau kết luận" not in case_page
    data = {
        **data,
        "occurred_on": f"{today:%Y-%m-%d}",
        "reported_on": f"{today:%Y-%m-%d}",
        "description": "Đi Nhật Bản 5 ngày",
        "submission_token": "6a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
    }
    assert officer.post(url, data).status_code == 302
    assert officer.post(url, data).status_code == 302
    assert ReportedChange.objects.count() == 2
    page = officer.get(url).content.decode()
    assert "Đi Nhật Bản 5 ngày" in page and page.count("sau kết luận còn giá trị") == 1
    case_page = _client(scene.signer).get(_case_url(conclusion.case)).content.decode()
    assert "Báo cáo bổ sung sau kết luận" in case_page
    bad = officer.post(url, {**data, "submission_token": "", "reported_on": "2000-01-01"})
    assert (
        bad.status_code == 400
        and "Ngày báo cáo không được trước ngày xảy ra" in bad.content.decode()
    )
    # A change about a relative names the relative; a trip abroad is the member's own.
    relative = scene.relative()
    about = officer.post(url, {**data, "submission_token": "", "kind": "RELATIVE_ABROAD"})
    assert about.status_code == 400 and "hãy chọn thân nhân đó" in about.content.decode()
    trip = officer.post(url, {**data, "submission_token": "", "person": relative.public_id})
    assert trip.status_code == 400 and "không chọn thân nhân" in trip.content.decode()
    assert ReportedChange.objects.count() == 2


def test_a_decision_covered_before_a_reported_change_says_to_look_at_it_again(
    tree: Tree,
) -> None:
    scene = build(tree)
    day = dt.date.today() - dt.timedelta(days=3)
    conclusion = concluded(scene, meeting_date=day, concluded_on=day)
    officer = _client(scene.officer)
    officer.post(
        f"/tham-tra/ho-so/{scene.dossier.public_id}/",
        {
            "kind": "TRIP_ABROAD",
            "person": "",
            "occurred_on": f"{dt.date.today():%Y-%m-%d}",
            "reported_on": f"{dt.date.today():%Y-%m-%d}",
            "description": "Đi Nhật Bản 5 ngày",
        },
    )
    page = officer.get(f"/tham-tra/quyet-dinh/{scene.decision.public_id}/").content.decode()
    assert f"được đáp ứng khi kiểm tra ngày {day:%d/%m/%Y}; có báo cáo bổ sung sau đó" in page
    assert "cần xem xét lại" in page
    assert _case_url(conclusion.case, "mo-ho-so-moi/") in page


def test_a_new_case_about_a_conclusion(tree: Tree) -> None:
    scene = build(tree)
    conclusion = concluded(scene)
    officer = _client(scene.officer)
    page = officer.get(_case_url(conclusion.case)).content.decode()
    assert "Mở hồ sơ mới về kết luận này" in page
    response = officer.post(
        _case_url(conclusion.case, "mo-ho-so-moi/"),
        {"origin": "COMPLAINT", "summary": "Đơn tố cáo ngày 02/03"},
    )
    new = Case.objects.get(previous_case=conclusion.case)
    assert response.status_code == 302 and response["Location"] == _case_url(new)
    assert new.origin == "COMPLAINT"


def test_assigning_by_name_and_a_refused_withdrawal(tree: Tree) -> None:
    scene = build(tree)
    officer = _client(scene.officer)
    case = _open_through_the_check(scene, officer)
    page = officer.get(_case_url(case)).content.decode()
    assert scene.verifier.full_name in page  # offered by name
    response = officer.post(
        _case_url(case, "phan-cong/"),
        {"user": str(scene.verifier.public_id), "duty": "VERIFIER", "version": case.version},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert scene.verifier.pk in case.assignee_ids
    stale = officer.post(_case_url(case, "rut/"), {"reason": "Trùng", "version": 1})
    assert stale.status_code == 409 and "vừa được người khác cập nhật" in stale.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.OPEN
    unassigned = officer.post(
        _case_url(case, "thoi-phan-cong/"),
        {"user": str(scene.verifier.public_id), "duty": "VERIFIER", "version": case.version},
    )
    assert unassigned.status_code == 302
    case.refresh_from_db()
    assert scene.verifier.pk not in case.assignee_ids
    assert Role.BVCT_OFFICER in scene.officer.roles


def test_the_appraisal_lists_what_needs_checking_before_the_officer_decides(tree: Tree) -> None:
    from bvct.vetting import services
    from tests.people.factories import declaration

    content = declaration(
        relatives=[
            {"relation": "cha", "full_name": "Nguyễn Văn Bình", "birth": "1948", "sex": "Nam"},
        ]
    )
    scene = build(tree, content=content)
    case = services.case_open(actor=scene.officer, decision=scene.decision)
    case = services.case_transition(actor=scene.officer, case=case, to=CaseState.APPRAISAL)
    officer = _client(scene.officer)
    page = officer.get(_case_url(case)).content.decode()
    listed = page.index("Những nội dung hồ sơ có cần kiểm tra")
    assert "Chưa ghi kết quả thẩm định" in page and "Nguyễn Văn Bình" in page[listed:]
    assert listed < page.index('action="' + _case_url(case, "tham-dinh/"))
    # "Nothing found" while items exist asks why none needs verifying.
    url = _case_url(case, "tham-dinh/")
    refused = officer.post(url, {"nothing_found": "1", "note": "", "version": case.version})
    assert refused.status_code == 400
    assert "hãy ghi rõ vì sao không nội dung nào cần" in refused.content.decode()
    assert not Appraisal.objects.filter(case=case).exists()
    confirmed = officer.post(
        url,
        {
            "nothing_found": "1",
            "note": "Cha đã được thẩm tra khi kết nạp đảng năm 2010, không có gì mới.",
            "version": case.version,
        },
    )
    assert confirmed.status_code == 302


def test_the_appraisal_names_the_subject_once_and_groups_its_items(tree: Tree) -> None:
    """The case page's heading names the subject; the appraisal's list is grouped under one
    heading per kind, and its rows do not repeat the subject's name."""
    from bvct.vetting import services
    from tests.people.factories import declaration

    content = declaration("Phạm Thị Quỳnh", relatives=[
        {"relation": "cha", "full_name": "Phạm Văn Bình", "birth": "1948", "sex": "Nam"},
    ])  # fmt: skip
    content["political_events"] = [
        {"kind": "PARTY_INTERRUPTION", "from": "2001", "to": "2002", "text": "Đi học xa"}
    ]
    content["foreign_ties"] = [
        {"kind": "STAY", "country": "Nhật Bản", "from": "2015", "to": "2016", "text": "Du học"}
    ]
    scene = build(tree, content=content)
    case = services.case_open(actor=scene.officer, decision=scene.decision)
    case = services.case_transition(actor=scene.officer, case=case, to=CaseState.APPRAISAL)
    page = _client(scene.officer).get(_case_url(case)).content.decode()
    section = page[page.index('<section id="appraisal">') :]
    section = section[: section.index("</section>")]
    assert page.count("Phạm Thị Quỳnh") >= 1 and "Phạm Thị Quỳnh" not in section
    for heading in (
        "Lịch sử chính trị đã khai (1)",
        "Yếu tố nước ngoài đã khai (1)",
        "Thân nhân thuộc diện thẩm tra (1)",
    ):
        assert f"<h4>{heading}</h4>" in section
    assert "Gián đoạn sinh hoạt đảng (2001–2002): Đi học xa" in section
    assert section.count("Phạm Văn Bình") == 1  # the relative's row names them once


def test_editing_a_finding_is_in_the_case_history_with_what_changed(
    tree: Tree, audit_mark: int
) -> None:
    """An edit records “Sửa vấn đề cần xem xét” with the status from → to and the evidence
    added, shown on the case's history; the same values sent again record nothing."""
    from bvct.vetting import services, services_findings
    from bvct.vetting.constants import CaseEventKind
    from bvct.vetting.models import CaseEvent
    from bvct.vetting.rules import rule_pack_current

    scene = build(tree)
    case = services.case_open(actor=scene.officer, decision=scene.decision)
    case = services.case_transition(actor=scene.officer, case=case, to=CaseState.APPRAISAL)
    services_findings.appraisal_record(actor=scene.officer, case=case, nothing_found=False)
    finding = services_findings.finding_create(
        actor=scene.officer, case=case, category=rule_pack_current().issue_categories[0].code,
        person=scene.relative(), period="HISTORY", summary="Cha từng làm việc trong chế độ cũ",
    )  # fmt: skip
    case = services.case_transition(actor=scene.officer, case=case, to=CaseState.VERIFICATION)
    today = dt.date.today()
    result = services_findings.verification_result_record(
        actor=scene.officer, case=case, agency=tree.agency, document_number="45/CAT-PA03",
        document_date=today, received_on=today, summary="Đã làm rõ.",
    )  # fmt: skip
    officer = _client(scene.officer)
    data = {"status": "CONFIRMED", "evidence": [str(result.public_id)], "version": 1}
    assert officer.post(f"/tham-tra/van-de/{finding.public_id}/", data).status_code == 302
    (edit,) = CaseEvent.objects.filter(case=case, kind=CaseEventKind.FINDING_EDIT)
    assert edit.actor == scene.officer
    assert edit.note == (
        "“Cha từng làm việc trong chế độ cũ”: tình trạng Cần thẩm tra, xác minh → Đã xác định; "
        "thêm chứng cứ văn bản số 45/CAT-PA03"
    )
    (audited,) = events_since(audit_mark, action="finding.update")
    assert audited.before["status"] == "TO_VERIFY" and audited.after["status"] == "CONFIRMED"
    assert audited.after["evidence"] == [str(result.public_id)]
    page = officer.get(_case_url(case)).content.decode()
    history = page[page.index('id="events"') :]
    assert "Sửa vấn đề cần xem xét" in history and "Đã xác định; thêm chứng cứ" in history
    # The same values again (a second tab, a resent form with the new version): no new event.
    finding.refresh_from_db()
    same = services_findings.finding_update(
        actor=scene.officer, finding=finding, expected_version=finding.version,
        status="CONFIRMED", evidence=[result],
    )  # fmt: skip
    assert same.version == finding.version
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.FINDING_EDIT).count() == 1
    # Clearing it and dropping the evidence for a declaration item says both.
    services_findings.finding_update(
        actor=scene.officer, finding=finding, status="CLEARED", evidence=[],
        declaration_refs=["relatives[1]"],
    )  # fmt: skip
    last = CaseEvent.objects.filter(case=case, kind=CaseEventKind.FINDING_EDIT).last()
    assert last is not None
    assert "Đã xác định → Đã làm rõ, không có vấn đề" in last.note
    assert "mục bản khai dẫn: 1" in last.note and "bỏ chứng cứ văn bản số 45/CAT-PA03" in last.note
