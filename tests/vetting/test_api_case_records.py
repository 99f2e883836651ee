"""The casework API, part two: appraisal, findings, verification results, the conclusion and
its DOCX, a dossier's conclusions and reported changes; each through the permission matrix,
each write with its audit event, each refusal with its field."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bvct.core.constants import Role
from bvct.vetting.models import Conclusion, Finding, ReportedChange, VerificationResult
from tests.conftest import events_since
from tests.factories import Tree
from tests.permission_matrix import Expect, Personas, assert_permission_matrix
from tests.vetting.cases import account, build, open_case
from tests.vetting.test_api_cases import client_for, personas

pytestmark = pytest.mark.django_db

MISSING = uuid.UUID(int=9)
JSON = "application/json"


def _post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type=JSON)


def test_the_whole_case_through_the_api(tree: Tree, audit_mark: int) -> None:
    scene = build(tree)
    case = open_case(scene)
    officer = client_for(scene.officer)
    base = f"/api/cases/{case.public_id}"
    assert _post(officer, f"{base}/transition/", {"to": "APPRAISAL"}).status_code == 200

    preview = assert_permission_matrix(
        f"{base}/appraisal/",
        personas(scene),
        Expect.api(agency=403),
        missing_url=f"/api/cases/{MISSING}/appraisal/",
    )["allowed"].json()
    assert preview["recorded"] is False and isinstance(preview["items"], list)
    recorded = _post(
        officer, f"{base}/appraisal/", {"nothing_found": False, "note": "Cần xác minh"}
    )
    assert recorded.status_code == 200 and recorded.json()["recorded"] is True
    assert events_since(audit_mark, action="appraisal.record")

    findings = f"{base}/findings/"
    subject = scene.subject
    refused = _post(
        officer,
        findings,
        {"category": "NOPE", "person": str(subject.public_id), "period": "HISTORY", "summary": "x"},
    )
    assert refused.status_code == 400 and refused.json()["field"] == "category"
    stranger = _post(
        officer,
        findings,
        {"category": "x", "person": str(uuid.uuid4()), "period": "HISTORY", "summary": "x"},
    )
    assert stranger.status_code == 400 and stranger.json()["field"] == "person"
    from bvct.vetting.rules import rule_pack_current

    category = rule_pack_current().issue_categories[0].code
    made = _post(
        officer,
        findings,
        {
            "category": category,
            "person": str(scene.relative().public_id),
            "period": "HISTORY",
            "summary": "Cha làm việc cho chế độ cũ (đã khai)",
        },
    )
    assert made.status_code == 201, made.json()
    finding = made.json()
    assert finding["status"] == "TO_VERIFY"
    assert events_since(audit_mark, action="finding.create")
    listed = assert_permission_matrix(findings, personas(scene), Expect.api(agency=403))
    assert [f["id"] for f in listed["allowed"].json()] == [finding["id"]]

    assert _post(officer, f"{base}/transition/", {"to": "VERIFICATION"}).status_code == 200
    results = f"{base}/results/"
    result_body = {
        "agency": "t-ca",
        "document_number": "15/CV-ANCTNB",
        "document_date": "2026-01-10",
        "received_on": "2026-01-12",
        "summary": "Xác nhận đúng như lời khai; không có hoạt động chống đối",
        "findings": [finding["id"]],
    }
    early = _post(officer, results, {**result_body, "received_on": "2026-01-09"})
    assert early.status_code == 400
    assert not VerificationResult.objects.exists()
    result = _post(officer, results, result_body)
    assert result.status_code == 201, result.json()
    assert events_since(audit_mark, action="verification_result.record")
    shown = assert_permission_matrix(results, personas(scene), Expect.api(agency=403))
    assert shown["allowed"].json()[0]["agency_name"] == tree.agency.name

    row = Finding.objects.get(public_id=finding["id"])
    update = officer.patch(
        f"/api/findings/{finding['id']}/",
        {"version": row.version, "status": "CLEARED", "evidence": [result.json()["id"]]},
        content_type=JSON,
    )
    assert update.status_code == 200, update.json()
    assert update.json()["status"] == "CLEARED"
    assert update.json()["evidence"] == [result.json()["id"]]
    stale = officer.patch(
        f"/api/findings/{finding['id']}/", {"version": 1, "summary": "x"}, content_type=JSON
    )
    assert stale.status_code == 409
    assert _post(officer, f"{base}/transition/", {"to": "DELIBERATION"}).status_code == 200

    conclusion = {
        "meeting_date": dt.date.today().isoformat(),
        "members_total": 9,
        "members_present": 5,
        "votes_for": 5,
        "votes_against": 0,
        "outcome": "ISSUE_NO_VIOLATION",
        "text": "Có vấn đề về lịch sử chính trị của cha nhưng không vi phạm.",
        "signer_title": "BÍ THƯ",
        "place": "Bắc Ninh",
        "recipients": ["Ban Tổ chức Tỉnh ủy"],
        "findings": [finding["id"]],
    }
    assert _post(officer, f"{base}/conclusion/", conclusion).status_code in (403, 404)
    signer = client_for(scene.signer)
    quorum = _post(signer, f"{base}/conclusion/", conclusion)
    assert quorum.status_code == 400 and quorum.json()["field"] == "members_present"
    assert not Conclusion.objects.exists()
    issued = _post(signer, f"{base}/conclusion/", {**conclusion, "members_present": 8})
    assert issued.status_code == 201, issued.json()
    body = issued.json()
    assert body["number_symbol"] and body["outcome"] == "ISSUE_NO_VIOLATION"
    assert body["case_reference"] == case.reference
    assert events_since(audit_mark, action="conclusion.issue")

    listing = assert_permission_matrix(
        f"/api/dossiers/{scene.dossier.public_id}/conclusions/",
        personas(scene),
        Expect.api(agency=403),
        missing_url=f"/api/dossiers/{MISSING}/conclusions/",
    )
    assert [c["id"] for c in listing["allowed"].json()] == [body["id"]]
    download = assert_permission_matrix(
        f"/api/conclusions/{body['id']}/document/",
        personas(scene),
        Expect.api(agency=403),
        missing_url=f"/api/conclusions/{MISSING}/document/",
    )["allowed"]
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert download.content[:2] == b"PK"
    assert events_since(audit_mark, action="document.download")


def test_the_dossier_conclusions_hold_their_query_count(tree: Tree) -> None:
    from tests.vetting.cases import concluded

    scene = build(tree)
    concluded(scene)
    client = client_for(scene.officer)
    url = f"/api/dossiers/{scene.dossier.public_id}/conclusions/"
    with CaptureQueriesContext(connection) as queries:
        assert len(client.get(url).json()) == 1
    assert len(queries) <= 8


def test_reported_changes(tree: Tree, audit_mark: int) -> None:
    scene = build(tree)
    url = f"/api/dossiers/{scene.dossier.public_id}/changes/"
    body = {
        "kind": "TRIP_ABROAD",
        "occurred_on": "2026-01-02",
        "reported_on": "2026-01-20",
        "description": "Đi Nhật Bản thăm con 10 ngày",
    }
    made = assert_permission_matrix(
        url,
        Personas(
            allowed=scene.officer,
            other_scope=account(tree.committee_b, Role.BVCT_OFFICER),
            insufficient_clearance=account(tree.committee_a, Role.BVCT_OFFICER, clearance="NONE"),
            agency=account(tree.agency, Role.AGENCY_OFFICER),
        ),
        Expect.api(agency=403, allowed=201),
        method="post",
        data=body,
        state=lambda: ReportedChange.objects.count(),
        missing_url=f"/api/dossiers/{MISSING}/changes/",
    )["allowed"].json()
    assert made["kind"] == "TRIP_ABROAD" and made["person"] is None
    (event,) = events_since(audit_mark, action="reported_change.record")
    assert event.actor_public_id == scene.officer.public_id
    client = client_for(scene.officer)
    late = _post(client, url, {**body, "reported_on": "2026-01-01"})
    assert late.status_code == 400 and late.json()["field"] == "reported_on"
    other = _post(client, url, {**body, "person": str(uuid.uuid4())})
    assert other.status_code == 400 and other.json()["field"] == "person"
    assert client_for(scene.signer).post(url, body, content_type=JSON).status_code == 403
    listed = assert_permission_matrix(url, personas(scene), Expect.api(agency=403))
    assert [c["id"] for c in listed["allowed"].json()] == [made["id"]]
