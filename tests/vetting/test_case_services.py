"""Cases through their services: opening (numbered, competent body and rule pack kept, the
opener as lead), the workflow table and its guards, deadlines in working days, withdrawal,
assignments (verifier checks), restriction; every write audited, every refusal changes
nothing and says why in Vietnamese, hidden is as missing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.test import Client

from bvct.accounts import services as account_services
from bvct.core.constants import Action, Role
from bvct.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from bvct.core.gate import SYSTEM
from bvct.orgs.services import organisation_update
from bvct.people import services as people_services
from bvct.vetting import selectors, services, services_findings, workflow
from bvct.vetting.calendar import add_working_days
from bvct.vetting.constants import CaseEventKind, CaseState, Duty
from bvct.vetting.models import Case, CaseAssignment, CaseEvent
from tests.conftest import events_since
from tests.factories import Tree
from tests.people.factories import declaration
from tests.positions.factories import make_dossier
from tests.vetting.cases import account, build, conclude, open_case, to_deliberation

pytestmark = pytest.mark.django_db


def test_a_case_is_opened_for_a_decision_numbered_with_its_body_and_rule_pack(
    tree: Tree, audit_mark: int
) -> None:
    scene = build(tree)
    case = open_case(scene)
    second = services.case_open(
        actor=scene.officer, dossier=scene.dossier, origin="NEW_INFORMATION", summary="Tin mới"
    )
    year = dt.date.today().year
    assert (case.reference, second.reference) == (f"TT-{year}-0001/T-A", f"TT-{year}-0002/T-A")
    assert case.state == CaseState.OPEN
    assert case.competent_body == tree.committee_a  # a commune post: the managing committee
    assert case.rule_pack.version == 1
    assert case.classification == scene.dossier.classification
    assert case.assignee_ids == [scene.officer.pk]
    assert list(case.decision_links.values_list("decision", flat=True)) == [scene.decision.pk]
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.OPEN).count() == 1
    (event, _) = events_since(audit_mark, action="case.open")
    assert event.actor_public_id == scene.officer.public_id
    assert event.after["reference"] == case.reference


def test_case_numbers_name_their_committee_and_never_repeat_across_committees(
    tree: Tree,
) -> None:
    organisation_update(actor=SYSTEM, org=tree.committee_a, short_name="ĐU A")
    at_a = open_case(build(tree))
    officer_b = account(tree.committee_b, Role.BVCT_OFFICER)
    at_b = services.case_open(
        actor=officer_b,
        dossier=make_dossier("t-b", birth="02/02/1982"),
        origin="NEW_INFORMATION",
        summary="Tin mới",
    )
    year = dt.date.today().year
    # Both are the first case of their committee this year, and say whose they are.
    assert at_a.reference == f"TT-{year}-0001/ĐU-A"
    assert at_b.reference == f"TT-{year}-0001/T-B"
    # A short name another organisation shares does not tell them apart: the code does.
    organisation_update(actor=SYSTEM, org=tree.committee_b, short_name="ĐU A")
    assert services.body_symbol(tree.committee_a) == "T-A"
    # The database holds one case per number, whichever committee.
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=at_b.pk).update(reference=at_a.reference)


def test_opening_is_refused_clearly_and_writes_nothing(tree: Tree, audit_mark: int) -> None:
    scene = build(tree)
    other = account(tree.committee_b, Role.BVCT_OFFICER)
    with pytest.raises(NotFoundError):  # a dossier outside one's scope: as missing
        services.case_open(actor=other, decision=scene.decision)
    reader = account(tree.committee_a, Role.COMMITTEE_MEMBER)
    with pytest.raises(PermissionDeniedError, match="quyền mở hồ sơ"):
        services.case_open(actor=reader, decision=scene.decision)
    open_case(scene)
    with pytest.raises(ValidationFailed, match="đã có hồ sơ thẩm tra đang giải quyết"):
        open_case(scene)
    with pytest.raises(ValidationFailed, match="đã có kết luận"):
        services.case_open(
            actor=scene.officer,
            dossier=scene.dossier,
            origin="COMPLAINT",
            previous_case=Case.objects.get(),
        )
    assert Case.objects.count() == 1
    assert len(events_since(audit_mark, action="case.open")) == 1


def test_the_workflow_table_refuses_illegal_moves_and_guards_say_what_is_missing(
    tree: Tree, audit_mark: int
) -> None:
    scene = build(tree)
    case = open_case(scene)
    with pytest.raises(ValidationFailed, match="Không thể chuyển hồ sơ từ bước “Mới mở”"):
        services.case_transition(actor=scene.officer, case=case, to=CaseState.VERIFICATION)
    with pytest.raises(ValidationFailed, match="sang bước “Đã kết luận”"):
        services.case_transition(actor=scene.officer, case=case, to=CaseState.CONCLUDED)
    case = services.case_transition(
        actor=scene.officer, case=case, to=CaseState.APPRAISAL, expected_version=case.version
    )
    today = dt.date.today()
    assert case.state == CaseState.APPRAISAL
    assert case.stage_due_on == add_working_days(today, 5)  # the rule pack's appraisal days
    with pytest.raises(ValidationFailed, match="Chưa ghi kết quả thẩm định"):
        services.case_transition(actor=scene.officer, case=case, to=CaseState.DELIBERATION)
    # Nothing found while the dossier holds items to check: the officer must say why.
    with pytest.raises(ValidationFailed, match="hãy ghi rõ vì sao") as unexplained:
        services_findings.appraisal_record(actor=scene.officer, case=case, nothing_found=True)
    assert unexplained.value.field == "note"
    services_findings.appraisal_record(
        actor=scene.officer, case=case, nothing_found=True, note="Đã đối chiếu: không cần xác minh."
    )
    with pytest.raises(ValidationFailed, match="Không có vấn đề nào cần thẩm tra"):
        services.case_transition(actor=scene.officer, case=case, to=CaseState.VERIFICATION)
    with pytest.raises(ConflictError):
        services.case_transition(
            actor=scene.officer, case=case, to=CaseState.DELIBERATION, expected_version=1
        )
    case = services.case_transition(actor=scene.officer, case=case, to=CaseState.DELIBERATION)
    assert case.stage_due_on == add_working_days(today, 10)
    moves = events_since(audit_mark, action="case.transition")
    assert [e.after["state"] for e in moves] == ["APPRAISAL", "DELIBERATION"]
    assert moves[0].before["state"] == "OPEN"
    assert [m.target for m in workflow.moves_from(CaseState.DELIBERATION)] == [
        "VERIFICATION",
        "CONCLUDED",
        "WITHDRAWN",
    ]


def test_a_complex_case_gets_the_longer_deadline(tree: Tree) -> None:
    scene = build(tree)
    case = open_case(scene, complex=True)
    case = services.case_transition(actor=scene.officer, case=case, to=CaseState.APPRAISAL)
    assert case.stage_due_on == add_working_days(dt.date.today(), 20)


def test_a_deadline_is_never_set_before_today(tree: Tree, audit_mark: int) -> None:
    scene = build(tree)
    case = open_case(scene)
    case = services.case_transition(actor=scene.officer, case=case, to=CaseState.APPRAISAL)
    with pytest.raises(ValidationFailed, match="không được trước hôm nay"):
        services.case_set_deadline(
            actor=scene.officer,
            case=case,
            due_on=dt.date.today() - dt.timedelta(days=1),
            reason="Gia hạn",
        )
    later = dt.date.today() + dt.timedelta(days=30)
    case = services.case_set_deadline(
        actor=scene.officer, case=case, due_on=later, reason="Chờ hồ sơ gốc"
    )
    assert case.stage_due_on == later
    (event,) = events_since(audit_mark, action="case.deadline")
    assert event.after["stage_due_on"] == later.isoformat()


def test_withdrawal_needs_a_reason_and_closes_the_case(tree: Tree, audit_mark: int) -> None:
    scene = build(tree)
    case = open_case(scene)
    with pytest.raises(ValidationFailed, match="lý do"):
        services.case_withdraw(actor=scene.officer, case=case, reason="  ")
    case = services.case_withdraw(actor=scene.officer, case=case, reason="Đề xuất đã rút")
    assert case.state == CaseState.WITHDRAWN and case.closed_at is not None
    with pytest.raises(ValidationFailed, match="đã kết thúc"):
        services.case_withdraw(actor=scene.officer, case=case, reason="Lần nữa")
    (event,) = events_since(audit_mark, action="case.withdraw")
    assert event.after["note"] == "Đề xuất đã rút"


def test_a_verifier_needs_a_citizen_id_and_is_never_the_subject_or_a_relative(
    tree: Tree, audit_mark: int
) -> None:
    relative_id = "001080999001"
    content = declaration(
        relatives=[
            {"relation": "cha", "full_name": "Nguyễn Văn Bình", "birth": "1948", "sex": "Nam",
             "citizen_id": "001048999002"},
            {"relation": "anh-chi-em", "full_name": "Nguyễn Văn Cường", "birth": "1980",
             "sex": "Nam", "citizen_id": relative_id},
        ]
    )  # fmt: skip
    scene = build(tree, content=content)
    case = open_case(scene)
    no_id = account(tree.committee_a, Role.BVCT_OFFICER, cccd=None)
    with pytest.raises(ValidationFailed, match="chưa có số CCCD"):
        services.case_assign(actor=scene.officer, case=case, user=no_id, duty=Duty.VERIFIER)
    brother = account(tree.committee_a, Role.BVCT_OFFICER, cccd=relative_id)
    with pytest.raises(ValidationFailed, match="thân nhân"):
        services.case_assign(actor=scene.officer, case=case, user=brother, duty=Duty.VERIFIER)
    # A sibling with a dossier of their own declaring the same father (by citizen ID).
    sibling_id = "001082999003"
    people_services.dossier_create(
        actor=SYSTEM,
        managing_org_code="t-b",
        content=declaration(
            "Nguyễn Văn Dũng",
            "03/03/1982",
            citizen_id=sibling_id,
            relatives=[
                {
                    "relation": "cha",
                    "full_name": "Nguyễn Văn Bình",
                    "birth": "1948",
                    "sex": "Nam",
                    "citizen_id": "001048999002",
                }
            ],
        ),
        confirm_not_duplicate=True,
    )
    sibling = account(tree.committee_a, Role.BVCT_OFFICER, cccd=sibling_id)
    with pytest.raises(ValidationFailed, match="thân nhân"):
        services.case_assign(actor=scene.officer, case=case, user=sibling, duty=Duty.VERIFIER)
    outsider = account(tree.committee_b, Role.BVCT_OFFICER)
    with pytest.raises(ValidationFailed, match="trong phạm vi"):
        services.case_assign(actor=scene.officer, case=case, user=outsider, duty=Duty.VERIFIER)
    assert not events_since(audit_mark, action="case.assign")
    assignment = services.case_assign(
        actor=scene.officer, case=case, user=scene.verifier, duty=Duty.VERIFIER
    )
    case.refresh_from_db()
    assert scene.verifier.pk in case.assignee_ids
    with pytest.raises(ValidationFailed, match="đã được phân công"):
        services.case_assign(actor=scene.officer, case=case, user=scene.verifier, duty="VERIFIER")
    (event,) = events_since(audit_mark, action="case.assign")
    assert event.after["duty"] == "VERIFIER"
    case = services.case_unassign(actor=scene.officer, assignment=assignment)
    assert scene.verifier.pk not in case.assignee_ids
    assert events_since(audit_mark, action="case.unassign")


def test_the_last_lead_stays_until_another_lead_is_assigned(tree: Tree, audit_mark: int) -> None:
    scene = build(tree)
    case = open_case(scene)  # the opener is its lead
    lead = CaseAssignment.objects.get(case=case, duty=Duty.LEAD)
    with pytest.raises(ValidationFailed, match="cán bộ chủ trì duy nhất") as refused:
        services.case_unassign(actor=scene.officer, assignment=lead)
    assert refused.value.field == "user"
    assert not events_since(audit_mark, action="case.unassign")
    services.case_assign(actor=scene.officer, case=case, user=scene.verifier, duty=Duty.LEAD)
    case = services.case_unassign(actor=scene.officer, assignment=lead)
    assert case.assignee_ids == [scene.verifier.pk]
    (event,) = events_since(audit_mark, action="case.unassign")
    assert event.after["duty"] == "LEAD"


def test_an_assignee_who_became_related_stops_the_case_until_unassigned(
    tree: Tree, audit_mark: int
) -> None:
    relative_id = "001080999011"
    content = declaration(
        relatives=[
            {"relation": "anh-chi-em", "full_name": "Nguyễn Văn Cường", "birth": "1980",
             "sex": "Nam", "citizen_id": relative_id},
        ]
    )  # fmt: skip
    scene = build(tree, content=content)
    case = to_deliberation(scene, open_case(scene))
    assignment = services.case_assign(
        actor=scene.officer, case=case, user=scene.verifier, duty=Duty.VERIFIER
    )
    # The administrator corrects the verifier's citizen ID: it is the subject's brother's.
    account_services.user_update(actor=SYSTEM, user=scene.verifier, citizen_id=relative_id)
    case = Case.objects.get(pk=case.pk)
    assert selectors.related_assignees(case) == [scene.verifier]
    client = Client()
    client.force_login(scene.officer)
    page = client.get(f"/tham-tra/ho-so-tham-tra/{case.public_id}/").content.decode()
    assert "Cán bộ được phân công có quan hệ với người được thẩm tra" in page
    with pytest.raises(ValidationFailed, match="có quan hệ với người được thẩm tra"):
        services.case_transition(actor=scene.officer, case=case, to=CaseState.VERIFICATION)
    with pytest.raises(ValidationFailed, match="có quan hệ với người được thẩm tra"):
        conclude(scene, case)
    assert not events_since(audit_mark, action="conclusion.issue")
    services.case_unassign(actor=scene.officer, assignment=assignment)
    case = Case.objects.get(pk=case.pk)
    assert selectors.related_assignees(case) == []
    assert conclude(scene, case).case_id == case.pk
    assert events_since(audit_mark, action="conclusion.issue")


def test_a_restricted_case_is_seen_only_by_its_assignees_and_the_competent_body(
    tree: Tree,
) -> None:
    scene = build(tree)
    case = open_case(scene, restricted=True)
    colleague = account(tree.committee_a, Role.BVCT_OFFICER)
    provincial = account(tree.root, Role.BVCT_OFFICER)
    assert Case.objects.visible_to(scene.officer).filter(pk=case.pk).exists()
    assert Case.objects.visible_to(scene.signer).filter(pk=case.pk).exists()  # the body
    assert not Case.objects.visible_to(colleague).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(provincial).filter(pk=case.pk).exists()
    with pytest.raises(NotFoundError):
        services.case_transition(actor=colleague, case=case, to=CaseState.APPRAISAL)
    services.case_assign(actor=scene.officer, case=case, user=colleague, duty=Duty.VERIFIER)
    assert Case.objects.visible_to(colleague, Action.CHANGE).filter(pk=case.pk).exists()
    unrestricted = services.case_open(
        actor=scene.officer, dossier=scene.dossier, origin="NEW_INFORMATION"
    )
    assert Case.objects.visible_to(provincial).filter(pk=unrestricted.pk).exists()


def test_case_events_are_never_changed(tree: Tree) -> None:
    scene = build(tree)
    case = open_case(scene)
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        CaseEvent.objects.filter(case=case).update(note="sửa")
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        CaseEvent.objects.filter(case=case).delete()
