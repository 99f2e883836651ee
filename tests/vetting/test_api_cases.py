"""The casework API, part one: the requirement check and cases. Each endpoint runs the shared
permission matrix (hidden answers exactly as missing, a refusal writes nothing); lists hold
their query count whatever the number of cases; errors are ``{"code", "detail", "field"}``."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bvct.core.constants import Role
from bvct.vetting import services
from bvct.vetting.constants import CaseState
from bvct.vetting.models import Case
from tests.conftest import events_since
from tests.factories import Tree
from tests.permission_matrix import Expect, Personas, assert_permission_matrix
from tests.positions.factories import make_dossier
from tests.vetting.cases import Scene, account, build, decide, open_case

pytestmark = pytest.mark.django_db

MISSING = uuid.UUID(int=7)


def personas(scene: Scene, role: str = Role.BVCT_OFFICER) -> Personas:
    tree = scene.tree
    return Personas(
        allowed=scene.officer if role == Role.BVCT_OFFICER else scene.signer,
        other_scope=account(tree.committee_b, role),
        insufficient_clearance=account(tree.committee_a, role, clearance="NONE"),
        agency=account(tree.agency, Role.AGENCY_OFFICER),
    )


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_check_opens_a_case_for_an_uncovered_decision_and_says_why(
    tree: Tree, audit_mark: int
) -> None:
    scene = build(tree)
    url = f"/api/decisions/{scene.decision.public_id}/check/"
    responses = assert_permission_matrix(
        url,
        personas(scene),
        Expect.api(agency=403),
        method="post",
        state=lambda: Case.objects.count(),
        missing_url=f"/api/decisions/{MISSING}/check/",
    )
    body = responses["allowed"].json()
    assert body["status"] == "NOT_COVERED"
    assert body["reasons"] and body["summary"] == body["reasons"][0]
    assert body["case_opened"] is True
    case = Case.objects.get(public_id=body["case"]["id"])
    assert body["case"]["reference"] == case.reference
    (event,) = events_since(audit_mark, action="decision.check")
    assert event.actor_public_id == scene.officer.public_id
    assert event.after["status"] == "NOT_COVERED"
    again = client_for(scene.officer).post(url).json()
    assert again["case_opened"] is False and again["case"]["id"] == body["case"]["id"]


def test_a_committee_member_may_not_run_the_check(tree: Tree) -> None:
    scene = build(tree)
    response = client_for(scene.signer).post(f"/api/decisions/{scene.decision.public_id}/check/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Case.objects.exists()


def test_the_case_list_is_gated_filtered_and_counts_working_days(tree: Tree) -> None:
    scene = build(tree)
    case = open_case(scene)
    services.case_transition(actor=scene.officer, case=case, to=CaseState.APPRAISAL)
    other = make_dossier(birth="01/01/1980")
    services.case_open(actor=scene.officer, decision=decide(other, post=scene.post))
    responses = assert_permission_matrix(
        "/api/cases/?state=APPRAISAL",
        Personas(
            allowed=scene.officer,
            other_scope=account(tree.committee_b, Role.BVCT_OFFICER),
            insufficient_clearance=account(tree.committee_a, Role.BVCT_OFFICER, clearance="NONE"),
            agency=account(tree.agency, Role.AGENCY_OFFICER),
        ),
        Expect.api(other_scope=200, insufficient_clearance=200, agency=403),
    )
    body = responses["allowed"].json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert row["reference"] == case.reference and row["state"] == "APPRAISAL"
    assert row["subject_name"] == "Nguyễn Văn Hùng"
    assert row["competent_body"] == "t-a"
    assert isinstance(row["working_days_left"], int) and row["late"] is False
    for name in ("other_scope", "insufficient_clearance"):  # nothing of theirs to see
        assert responses[name].json()["count"] == 0
    officer = client_for(scene.officer)
    assert officer.get("/api/cases/").json()["count"] == 2
    assert officer.get("/api/cases/?mine=true&open=true").json()["count"] == 2
    assert officer.get("/api/cases/?late=true").json()["count"] == 0
    assert officer.get(f"/api/cases/?dossier={other.public_id}").json()["count"] == 1
    bad = officer.get("/api/cases/?state=NOPE")
    assert bad.status_code == 400 and "state" in bad.json()
    assert officer.get("/api/cases/?mine=perhaps").status_code == 400


def test_the_case_list_holds_its_query_count(tree: Tree) -> None:
    scene = build(tree)
    open_case(scene)
    officer = client_for(scene.officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert officer.get("/api/cases/").status_code == 200
        return len(queries)

    one = count()
    for birth in ("01/01/1981", "02/02/1982", "03/03/1983", "04/04/1984"):
        services.case_open(
            actor=scene.officer, decision=decide(make_dossier(birth=birth), post=scene.post)
        )
    assert count() == one <= 8


def test_case_detail_is_gated_and_its_read_recorded(tree: Tree, audit_mark: int) -> None:
    scene = build(tree)
    case = open_case(scene)
    responses = assert_permission_matrix(
        f"/api/cases/{case.public_id}/",
        personas(scene),
        Expect.api(agency=403),
        missing_url=f"/api/cases/{MISSING}/",
    )
    body = responses["allowed"].json()
    assert body["reference"] == case.reference
    assert [d["id"] for d in body["decisions"]] == [str(scene.decision.public_id)]
    assert [a["user"] for a in body["assignments"]] == [str(scene.officer.public_id)]
    assert [m["to"] for m in body["moves"]] == ["APPRAISAL"]
    assert [e["kind"] for e in body["events"]] == ["OPEN"]
    assert events_since(audit_mark, action="case.view")


def test_opening_a_case_through_the_api(tree: Tree, audit_mark: int) -> None:
    scene = build(tree)
    responses = assert_permission_matrix(
        "/api/cases/",
        personas(scene),
        Expect.api(agency=403, allowed=201),
        method="post",
        data={"decision": str(scene.decision.public_id), "complex": True},
        state=lambda: Case.objects.count(),
    )
    body = responses["allowed"].json()
    assert responses["allowed"].status_code == 201
    assert body["state"] == "OPEN" and body["complex"] is True
    assert events_since(audit_mark, action="case.open")
    again = client_for(scene.officer).post(
        "/api/cases/", {"decision": str(scene.decision.public_id)}, content_type="application/json"
    )
    assert again.status_code == 400
    assert "đang giải quyết" in again.json()["detail"]
    signer = client_for(scene.signer).post(
        "/api/cases/", {"dossier": str(scene.dossier.public_id)}, content_type="application/json"
    )
    assert signer.status_code == 403


def test_transition_assign_and_withdraw(tree: Tree, audit_mark: int) -> None:
    scene = build(tree)
    case = open_case(scene)
    url = f"/api/cases/{case.public_id}/transition/"
    responses = assert_permission_matrix(
        url,
        personas(scene),
        Expect.api(agency=403),
        method="post",
        data={"to": "APPRAISAL", "version": case.version},
        state=lambda: Case.objects.get(pk=case.pk).state,
        missing_url=f"/api/cases/{MISSING}/transition/",
    )
    assert responses["allowed"].json()["state"] == "APPRAISAL"
    assert events_since(audit_mark, action="case.transition")
    officer = client_for(scene.officer)
    stale = officer.post(url, {"to": "VERIFICATION", "version": 1}, "application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    illegal = officer.post(url, {"to": "VERIFICATION"}, "application/json")
    assert illegal.status_code == 400
    assert illegal.json()["field"] == "to" and "thẩm định" in illegal.json()["detail"]
    concluded = officer.post(url, {"to": "CONCLUDED"}, "application/json")
    assert concluded.status_code == 400 and "Không thể chuyển" in concluded.json()["detail"]

    assign = f"/api/cases/{case.public_id}/assign/"
    stranger = account(tree.committee_b, Role.BVCT_OFFICER)
    refused = officer.post(
        assign, {"user": str(stranger.public_id), "duty": "VERIFIER"}, "application/json"
    )
    assert refused.status_code == 400 and refused.json()["field"] == "user"
    done = officer.post(
        assign, {"user": str(scene.verifier.public_id), "duty": "VERIFIER"}, "application/json"
    )
    assert done.status_code == 200, done.json()
    assert str(scene.verifier.public_id) in [a["user"] for a in done.json()["assignments"]]
    (event,) = events_since(audit_mark, action="case.assign")
    assert event.after["duty"] == "VERIFIER"

    withdraw = f"/api/cases/{case.public_id}/withdraw/"
    assert officer.post(withdraw, {"reason": " "}, "application/json").status_code == 400
    gone = officer.post(withdraw, {"reason": "Đề xuất đã rút"}, "application/json")
    assert gone.status_code == 200 and gone.json()["state"] == "WITHDRAWN"
    assert events_since(audit_mark, action="case.withdraw")
    assert client_for(scene.signer).post(
        withdraw, {"reason": "x"}, "application/json"
    ).status_code in (
        403,
        404,
    )
