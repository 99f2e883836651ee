"""The requirement check: not needed, covered or not covered, always with its reasons in
Vietnamese; a case opened when nothing covers; a conclusion's reuse recorded; every reason a
conclusion stops covering (expired, caps, declaration changed, open finding, reported change,
reconsideration); conclusions the user may not see are not counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.errors import NotFoundError
from bvct.core.gate import SYSTEM
from bvct.people import services as people_services
from bvct.positions import services as positions_services
from bvct.vetting import services, services_changes, services_findings
from bvct.vetting.constants import CaseState, CheckStatus
from bvct.vetting.coverage import coverage_evaluate, decision_check
from bvct.vetting.models import Case, CaseDecision, ConclusionUse
from bvct.vetting.rules import rule_pack_current
from tests.accounts.helpers import last_seq
from tests.conftest import events_since
from tests.factories import Tree
from tests.people.factories import declaration
from tests.positions.factories import make_post
from tests.vetting.cases import account, build, concluded, decide

pytestmark = pytest.mark.django_db


def test_not_covered_opens_a_case_linked_to_the_decision(tree: Tree, audit_mark: int) -> None:
    scene = build(tree)
    check = decision_check(actor=scene.officer, decision=scene.decision)
    assert check.status == CheckStatus.NOT_COVERED
    assert check.reasons[0] == "Chưa có kết luận tiêu chuẩn chính trị nào về người này."
    assert check.case_opened and check.case is not None
    assert CaseDecision.objects.filter(case=check.case, decision=scene.decision).exists()
    again = decision_check(actor=scene.officer, decision=scene.decision)
    assert again.case == check.case and not again.case_opened  # one case, not two
    assert Case.objects.count() == 1
    checks = events_since(audit_mark, action="decision.check")
    assert [e.after["status"] for e in checks] == ["NOT_COVERED", "NOT_COVERED"]
    assert checks[0].after["case_opened"] is True
    assert len(events_since(audit_mark, action="case.open")) == 1


def test_covered_says_by_which_conclusion_and_records_a_reuse(tree: Tree, audit_mark: int) -> None:
    scene = build(tree)
    conclusion = concluded(scene, covers_kinds=["APPOINTMENT", "SUCCESSION_PLANNING"])
    own = decision_check(actor=scene.officer, decision=scene.decision)
    assert own.status == CheckStatus.COVERED and not own.reused
    today = dt.date.today()
    assert own.reasons[0] == (
        f"Đã có kết luận số 01-KL/TU ngày {today:%d/%m/%Y}, còn giá trị đến "
        f"{conclusion.valid_until:%d/%m/%Y}, kết luận: không có vấn đề chính trị."
    )
    later = decide(scene, kind="SUCCESSION_PLANNING", post=scene.post)
    check = decision_check(actor=scene.officer, decision=later)
    assert check.status == CheckStatus.COVERED and check.reused
    assert check.conclusion == conclusion and check.case is None
    decision_check(actor=scene.officer, decision=later)
    assert ConclusionUse.objects.filter(conclusion=conclusion, decision=later).count() == 1
    (use,) = events_since(audit_mark, action="conclusion.use")
    assert use.after["number_symbol"] == "01-KL/TU"
    other_kind = decide(scene, kind="ABROAD")
    check = decision_check(actor=scene.officer, decision=other_kind, open_case=False)
    assert check.status == CheckStatus.NOT_COVERED
    assert "không dùng cho “Cử đi đào tạo, công tác nước ngoài”" in check.reasons[0]
    assert check.case is None  # open_case=False


def test_not_needed_says_why(tree: Tree) -> None:
    scene = build(tree)
    mark = last_seq()
    admission = decide(scene, kind="PARTY_ADMISSION")
    check = decision_check(actor=scene.officer, decision=admission)
    assert check.status == CheckStatus.NOT_NEEDED
    assert "chỉ cần kết luận khi có vấn đề chính trị" in check.reasons[0]
    assert check.case is None and not Case.objects.exists()
    # The check is in the person's access log: named by the subject.
    [event] = events_since(mark, action=AuditAction.DECISION_CHECK)
    assert event.subject_public_id == scene.subject.public_id


def test_an_expired_conclusion_does_not_cover(tree: Tree) -> None:
    scene = build(tree)
    concluded(scene)
    check = coverage_evaluate(scene.officer, scene.decision)
    assert check.status == CheckStatus.COVERED
    later = dt.date.today() + rule_pack_current().validity("APPOINTMENT") + dt.timedelta(days=1)
    import bvct.vetting.coverage as coverage

    original = coverage.today
    coverage.today = lambda: later  # type: ignore[assignment]
    try:
        check = coverage_evaluate(scene.officer, scene.decision)
    finally:
        coverage.today = original  # type: ignore[assignment]
    assert check.status == CheckStatus.NOT_COVERED
    assert any("hết giá trị" in r for r in check.reasons)


def test_an_outcome_cap_bars_a_decision(tree: Tree) -> None:
    scene = build(tree)
    concluded(scene, outcome="ISSUE_NO_VIOLATION", covers_kinds=["APPOINTMENT", "NA_CANDIDACY"])
    candidacy = decide(scene, kind="NA_CANDIDACY")
    check = coverage_evaluate(scene.officer, candidacy)
    assert check.status == CheckStatus.NOT_COVERED
    assert any("không được xem xét “Ứng cử đại biểu Quốc hội”" in r for r in check.reasons)


def test_a_new_declaration_or_a_reported_change_since_ends_coverage(
    tree: Tree, audit_mark: int
) -> None:
    scene = build(tree)
    earlier = dt.date.today() - dt.timedelta(days=3)
    concluded(scene, meeting_date=earlier, concluded_on=earlier)
    people_services.declaration_submit(
        actor=SYSTEM,
        dossier=scene.dossier,
        content=declaration(religion="Phật giáo"),
        expected_number=1,
    )
    check = coverage_evaluate(scene.officer, scene.decision)
    assert check.status == CheckStatus.NOT_COVERED
    assert any("Bản khai lý lịch đã thay đổi sau kết luận" in r for r in check.reasons)
    services_changes.reported_change_record(
        actor=scene.officer,
        dossier=scene.dossier,
        kind="TRIP_ABROAD",
        occurred_on=dt.date.today(),
        reported_on=dt.date.today(),
        description="Đi Nhật Bản 5 ngày",
    )
    check = coverage_evaluate(scene.officer, decide(scene))  # a decision checked after it
    assert any("báo cáo bổ sung sau kết luận: đi nước ngoài" in r for r in check.reasons)
    (event,) = events_since(audit_mark, action="reported_change.record")
    assert event.after["kind"] == "TRIP_ABROAD"


def _report(scene: object, on: dt.date, kind: str = "TRIP_ABROAD", **more: object) -> None:
    services_changes.reported_change_record(
        actor=scene.officer,  # type: ignore[attr-defined]
        dossier=scene.dossier,  # type: ignore[attr-defined]
        kind=kind,
        occurred_on=on,
        reported_on=on,
        description="Đi Nhật Bản 5 ngày",
        **more,
    )


def test_only_a_change_reported_after_the_conclusions_day_counts_against_it(tree: Tree) -> None:
    scene = build(tree)
    day = dt.date.today() - dt.timedelta(days=3)
    concluded(scene, meeting_date=day, concluded_on=day)
    later = decide(scene)  # a new proposal, never checked
    _report(scene, day - dt.timedelta(days=1))  # before the committee met
    _report(scene, day)  # the conclusion's own day: before the committee too
    assert coverage_evaluate(scene.officer, later).status == CheckStatus.COVERED
    _report(scene, day + dt.timedelta(days=1))  # the day after: counts
    check = coverage_evaluate(scene.officer, later)
    assert check.status == CheckStatus.NOT_COVERED
    assert any(
        f"báo cáo bổ sung sau kết luận: đi nước ngoài (báo cáo ngày "
        f"{day + dt.timedelta(days=1):%d/%m/%Y})" in r
        for r in check.reasons
    )


def test_a_decision_already_covered_keeps_its_answer_and_is_to_be_looked_at_again(
    tree: Tree,
) -> None:
    scene = build(tree)
    day = dt.date.today() - dt.timedelta(days=3)
    concluded(scene, meeting_date=day, concluded_on=day)
    reused = decide(scene)
    assert decision_check(actor=scene.officer, decision=reused).reused  # reuse recorded today
    fresh = decide(scene)
    _report(scene, dt.date.today())  # reported after the reuse was recorded
    for covered, checked_on in ((scene.decision, day), (reused, dt.date.today())):
        check = coverage_evaluate(scene.officer, covered)
        assert check.status == CheckStatus.COVERED
        assert check.review == [
            f"Đề xuất này được đáp ứng khi kiểm tra ngày {checked_on:%d/%m/%Y}; có báo cáo bổ "
            f"sung sau đó (đi nước ngoài, báo cáo ngày {dt.date.today():%d/%m/%Y}): cần xem "
            "xét lại."
        ]
        assert check.review[0] in check.reasons
    # A decision checked after the report: the change counts.
    check = decision_check(actor=scene.officer, decision=fresh)
    assert check.status == CheckStatus.NOT_COVERED and check.review == []
    assert check.case_opened


def test_an_open_finding_or_a_reconsideration_ends_coverage(tree: Tree) -> None:
    scene = build(tree)
    conclusion = concluded(scene)
    complaint = services.case_open(
        actor=scene.officer, dossier=scene.dossier, origin="COMPLAINT",
        previous_case=conclusion.case,
    )  # fmt: skip
    check = coverage_evaluate(scene.officer, scene.decision)
    assert any("đang được xem xét lại" in r for r in check.reasons)
    complaint = services.case_transition(
        actor=scene.officer, case=complaint, to=CaseState.APPRAISAL
    )
    services_findings.finding_create(
        actor=scene.officer,
        case=complaint,
        category=rule_pack_current().issue_categories[0].code,
        person=scene.subject,
        period="CURRENT",
        summary="Đơn tố cáo nêu quan hệ với tổ chức nước ngoài",
    )
    check = coverage_evaluate(scene.officer, scene.decision)
    assert any("vấn đề chính trị chưa kết luận" in r for r in check.reasons)


def test_a_conclusion_one_may_not_see_is_not_counted_and_hidden_decisions_are_missing(
    tree: Tree,
) -> None:
    scene = build(tree)
    concluded(scene)
    low = account(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT")
    post = make_post(tree.committee_a, name="Phó Chủ tịch", management=True)
    dossier = people_services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a", classification="MAT",
        content=declaration("Trần Văn Khoa", "01/01/1980"),
    )  # fmt: skip
    decision = positions_services.decision_record(
        actor=SYSTEM, dossier=dossier, kind="APPOINTMENT", post=post,
        deciding_org=tree.committee_a, proposed_on=dt.date(2026, 1, 5),
    )  # fmt: skip
    assert coverage_evaluate(low, decision).status == CheckStatus.NOT_COVERED
    with pytest.raises(NotFoundError):
        decision_check(actor=low, decision=scene.decision)  # a Tối mật dossier
    other = account(tree.committee_b, Role.BVCT_OFFICER)
    with pytest.raises(NotFoundError):
        decision_check(actor=other, decision=decision)


def test_the_check_reads_with_a_handful_of_queries(tree: Tree) -> None:
    scene = build(tree)
    concluded(scene, covers_kinds=["APPOINTMENT", "SUCCESSION_PLANNING"])
    later = decide(scene, kind="SUCCESSION_PLANNING", post=scene.post)
    rules = rule_pack_current()
    with CaptureQueriesContext(connection) as queries:
        check = coverage_evaluate(scene.officer, later, rules)
    assert check.status == CheckStatus.COVERED
    assert len(queries) <= 8, [q["sql"] for q in queries]
