"""Casework reads: the work queue (mine, late, per state), decisions waiting for a check, a
dossier's conclusions and the changes reported after them, the timeliness report from the
cases' events, a case's page read recorded; all through the gate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404

from bvct.core.constants import Role
from bvct.vetting import selectors, services, services_changes
from bvct.vetting.appraisal import appraisal_items
from bvct.vetting.constants import CaseState, CheckStatus
from bvct.vetting.coverage import decision_check
from bvct.vetting.models import DecisionCheck
from bvct.vetting.rules import rule_pack_current
from bvct.vetting.selectors_queue import CaseFilter, case_list
from tests.conftest import events_since
from tests.factories import Tree
from tests.people.factories import declaration
from tests.vetting.cases import account, build, concluded, decide, open_case

pytestmark = pytest.mark.django_db


def test_the_queue_shows_open_cases_nearest_deadline_first_mine_and_late(tree: Tree) -> None:
    scene = build(tree)
    first = open_case(scene)
    first = services.case_transition(actor=scene.officer, case=first, to=CaseState.APPRAISAL)
    second = services.case_open(actor=scene.verifier, dossier=scene.dossier, origin="COMPLAINT")
    assert list(case_list(user=scene.officer, filters=CaseFilter(open_only=True))) == [
        first,
        second,
    ]
    assert list(case_list(user=scene.officer, filters=CaseFilter(open_only=True, mine=True))) == [
        first
    ]
    assert not case_list(user=scene.officer, filters=CaseFilter(late=True)).exists()
    # Deadlines live on the case: make the first one late.
    type(first).objects.filter(pk=first.pk).update(stage_due_on=dt.date.today() - dt.timedelta(1))
    assert list(case_list(user=scene.officer, filters=CaseFilter(late=True))) == [first]
    counts = selectors.case_queue_counts(user=scene.officer)
    assert counts.by_state[CaseState.APPRAISAL] == 1 and counts.by_state[CaseState.OPEN] == 1
    assert (counts.late, counts.mine) == (1, 1)
    other = account(tree.committee_b, Role.BVCT_OFFICER)
    assert not case_list(user=other).exists()
    body = case_list(user=scene.signer, filters=CaseFilter(open_only=True, body_only=True))
    assert set(body) == {first, second}


def test_decisions_waiting_for_a_check(tree: Tree) -> None:
    scene = build(tree)
    waiting = decide(scene, kind="ABROAD")
    assert set(selectors.decisions_waiting_for_check(user=scene.officer)) == {
        scene.decision,
        waiting,
    }
    open_case(scene)
    assert list(selectors.decisions_waiting_for_check(user=scene.officer)) == [waiting]
    assert selectors.decision_case(user=scene.officer, decision=scene.decision) is not None
    # A party admission with no declared issue needs no conclusion: once checked, it leaves
    # the queue; its check is stored with who made it.
    admission = decide(scene, kind="PARTY_ADMISSION")
    assert admission in set(selectors.decisions_waiting_for_check(user=scene.officer))
    decision_check(actor=scene.officer, decision=admission)
    assert list(selectors.decisions_waiting_for_check(user=scene.officer)) == [waiting]
    stored = DecisionCheck.objects.get(decision=admission)
    assert (stored.status, stored.checked_by) == (CheckStatus.NOT_NEEDED, scene.officer)


def test_a_dossiers_conclusions_and_the_changes_reported_after_them(tree: Tree) -> None:
    scene = build(tree)
    day = dt.date.today() - dt.timedelta(days=1)
    conclusion = concluded(scene, meeting_date=day, concluded_on=day)
    assert list(selectors.conclusions_for_dossier(user=scene.officer, dossier=scene.dossier)) == [
        conclusion
    ]
    change = services_changes.reported_change_record(
        actor=scene.officer,
        dossier=scene.dossier,
        kind="RELATIVE_ABROAD",
        person=scene.relative(),
        occurred_on=dt.date.today(),
        reported_on=dt.date.today(),
        description="Con gái sang Úc du học",
    )
    assert list(selectors.changes_for_conclusion_holders(user=scene.signer)) == [change]
    since = selectors.reported_changes_for_dossier(
        user=scene.officer, dossier=scene.dossier, since=conclusion.concluded_on
    )
    assert list(since) == [change]
    assert selectors.reported_after(change, conclusion)
    # Reported on the conclusion's own day: before the committee, not after the conclusion.
    assert not selectors.reported_changes_for_dossier(
        user=scene.officer, dossier=scene.dossier, since=dt.date.today()
    ).exists()
    other = account(tree.committee_b, Role.BVCT_OFFICER)
    assert not selectors.changes_for_conclusion_holders(user=other).exists()


def test_stage_durations_from_the_events(tree: Tree) -> None:
    scene = build(tree)
    concluded(scene)
    late = services.case_open(actor=scene.officer, dossier=scene.dossier, origin="COMPLAINT")
    late = services.case_transition(actor=scene.officer, case=late, to=CaseState.APPRAISAL)
    stats = selectors.stage_durations(user=scene.officer)
    by_stage = {s.stage: s for s in stats}
    assert {s.organisation_id for s in stats} == {tree.committee_a.pk}
    assert by_stage["APPRAISAL"].finished == 1  # the concluded case's; the other still runs
    assert by_stage["DELIBERATION"].finished == 1
    assert by_stage["APPRAISAL"].average_days is not None
    assert by_stage["APPRAISAL"].late == 0
    import bvct.vetting.selectors as module

    original = module.today
    module.today = lambda: dt.date.today() + dt.timedelta(days=60)  # type: ignore[assignment]
    try:
        assert {s.stage: s.late for s in selectors.stage_durations(user=scene.officer)}[
            "APPRAISAL"
        ] == 1
    finally:
        module.today = original  # type: ignore[assignment]
    assert selectors.stage_durations(user=account(tree.committee_b, Role.BVCT_OFFICER)) == []


def _through_appraisal(scene: Any, decision: Any, entered: dt.date, left: dt.date) -> None:
    """A case opened and put in appraisal on ``entered``, sent to the committee on ``left``."""
    from bvct.demo.casework import on_day
    from bvct.vetting import services_findings

    with on_day(entered, hour=9):
        case = services.case_open(actor=scene.officer, decision=decision)
        case = services.case_transition(actor=scene.officer, case=case, to=CaseState.APPRAISAL)
    with on_day(left, hour=10):
        services_findings.appraisal_record(
            actor=scene.officer, case=case, nothing_found=True,
            note="Đã đối chiếu lý lịch: không nội dung nào cần thẩm tra, xác minh.",
        )  # fmt: skip
        services.case_transition(actor=scene.officer, case=case, to=CaseState.DELIBERATION)


def test_stage_durations_count_working_days_across_weekends_and_tet(tree: Tree) -> None:
    """Appraisal from Friday 13/03/2026 to Monday 16/03 took 1 working day (3 calendar days);
    from Friday 13/02/2026 to Tuesday 24/02, over a weekend and Tết (16–20/02), 2 (11 calendar
    days). The average of the fastest 90 % of both is 1.5 working days; a period counts only
    the cases opened in it."""
    scene = build(tree)
    _through_appraisal(scene, scene.decision, dt.date(2026, 3, 13), dt.date(2026, 3, 16))
    _through_appraisal(scene, decide(scene), dt.date(2026, 2, 13), dt.date(2026, 2, 24))
    stats = {s.stage: s for s in selectors.stage_durations(user=scene.officer)}
    appraisal = stats["APPRAISAL"]
    assert (appraisal.spans, appraisal.finished, appraisal.late) == (2, 2, 0)
    assert appraisal.average_days == 1.5
    assert (stats["DELIBERATION"].spans, stats["DELIBERATION"].finished) == (2, 0)
    march = selectors.stage_durations(user=scene.officer, since=dt.date(2026, 3, 1))
    assert {s.stage: s.average_days for s in march}["APPRAISAL"] == 1.0
    feb = selectors.stage_durations(
        user=scene.officer, since=dt.date(2026, 2, 13), until=dt.date(2026, 2, 13)
    )
    assert {s.stage: s.average_days for s in feb}["APPRAISAL"] == 2.0
    assert selectors.stage_durations(user=scene.officer, until=dt.date(2026, 2, 12)) == []


def test_reading_a_case_is_gated_and_recorded(tree: Tree, audit_mark: int) -> None:
    scene = build(tree)
    case = open_case(scene)
    assert selectors.case_access(user=scene.officer, public_id=case.public_id) == case
    (event,) = events_since(audit_mark, action="case.view")
    assert event.actor_public_id == scene.officer.public_id
    for key in (case.public_id, "not-a-uuid"):
        with pytest.raises(Http404):
            selectors.case_access(user=account(tree.committee_b, Role.BVCT_OFFICER), public_id=key)


def test_the_appraisal_lists_what_the_dossier_holds(tree: Tree) -> None:
    content = declaration(
        relatives=[
            {"relation": "cha", "full_name": "Nguyễn Văn Bình", "birth": "1948", "sex": "Nam",
             "political_history": "Lính chế độ cũ 1968–1972"},
            {"relation": "anh-chi-em", "full_name": "Nguyễn Văn Cường", "birth": "1980",
             "sex": "Nam"},
        ]
    )  # fmt: skip
    content["political_events"] = [
        {"kind": "ORGANISATION", "from": "1995", "to": "1996", "text": "Hội đồng hương"}
    ]
    content["foreign_ties"] = [
        {"kind": "STAY", "from": "2010", "to": "2011", "country": "Nhật Bản", "text": "Thực tập"}
    ]
    scene = build(tree, content=content)
    items = appraisal_items(scene.dossier, rule_pack_current())
    kinds = [i["kind"] for i in items]
    assert kinds.count("POLITICAL_HISTORY") == 1 and kinds.count("FOREIGN_TIE") == 1
    relatives = [i for i in items if i["kind"] == "RELATIVE"]
    assert [i["person_name"] for i in relatives] == ["Nguyễn Văn Bình"]  # siblings not verified
    assert "Lính chế độ cũ" in relatives[0]["text"]
    assert "Nhật Bản" in next(i["text"] for i in items if i["kind"] == "FOREIGN_TIE")
