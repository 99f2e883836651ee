"""Auditors' page and API: the permission matrix, filters, and reads that are audited."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bvct.audit.constants import AuditAction
from bvct.audit.models import AuditEvent
from bvct.audit.services import audit_record
from bvct.core.constants import Classification, Role
from bvct.core.gate import SYSTEM
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.permission_matrix import Expect, Personas, assert_permission_matrix, make_personas

pytestmark = pytest.mark.django_db


def _auditors(tree: Tree) -> Personas:
    # Allowed: an auditor of the province with Tuyệt mật; other scope: an auditor of committee B;
    # insufficient clearance: a province auditor cleared for Mật only.
    return make_personas(
        role=Role.AUDITOR,
        org=tree.root,
        other_org=tree.committee_b,
        agency_org=tree.agency,
        low_clearance="MAT",
    )


def _secret_event(tree: Tree) -> AuditEvent:
    seq = audit_record(
        actor=SYSTEM,
        action=AuditAction.ORG_UPDATE,
        obj=tree.committee_a,
        org=tree.committee_a,
        classification=Classification.TOI_MAT,
        before={"name": "trước"},
        after={"name": "sau"},
    )
    return AuditEvent.objects.get(seq=seq)


def test_event_detail_page_matrix(tree: Tree) -> None:
    event = _secret_event(tree)
    responses = assert_permission_matrix(f"/audit/{event.public_id}/", _auditors(tree), Expect())
    html = responses["allowed"].content.decode()
    assert f"#{event.seq}" in html and "trước" in html and "sau" in html
    assert "Sửa tổ chức" in html  # the event type's label, not its code


def test_event_detail_api_matrix(tree: Tree) -> None:
    event = _secret_event(tree)
    responses = assert_permission_matrix(
        f"/api/audit/events/{event.public_id}/",
        _auditors(tree),
        Expect.api(),
        missing_url="/api/audit/events/00000000-0000-4000-8000-000000000000/",
    )
    assert responses["allowed"].json()["hash"] == bytes(event.hash).hex()


def test_event_list_page_matrix(tree: Tree) -> None:
    # The list is not an object: non-auditors get 404 (page) or 403 (API); a low-clearance or
    # other-scope auditor gets the page but without the event.
    event = _secret_event(tree)
    personas = _auditors(tree)
    responses = assert_permission_matrix(
        "/audit/", personas, Expect(other_scope=200, insufficient_clearance=200)
    )
    link = f"/audit/{event.public_id}/"
    assert link in responses["allowed"].content.decode()
    assert link not in responses["other_scope"].content.decode()
    assert link not in responses["insufficient_clearance"].content.decode()
    api = assert_permission_matrix(
        "/api/audit/events/",
        personas,
        Expect.api(other_scope=200, insufficient_clearance=200, agency=403),
    )
    assert str(event.public_id) in {e["id"] for e in api["allowed"].json()}
    assert str(event.public_id) not in {e["id"] for e in api["insufficient_clearance"].json()}


def test_reads_are_audited(tree: Tree, audit_mark: int) -> None:
    event = _secret_event(tree)
    auditor = make_user(tree.root, Role.AUDITOR, clearance="TUYET_MAT")
    client = Client()
    client.force_login(auditor)
    client.get("/audit/", {"actor": "someone"})
    client.get(f"/audit/{event.public_id}/")
    search = events_since(audit_mark, action=AuditAction.AUDIT_SEARCH)
    view = events_since(audit_mark, action=AuditAction.AUDIT_VIEW)
    assert len(search) == 1 and search[0].after == {"actor": "someone"}
    assert len(view) == 1 and view[0].object_public_id == str(event.public_id)
    assert view[0].classification == Classification.TOI_MAT
    assert view[0].actor_public_id == auditor.public_id


def test_filters_by_actor_object_subject_and_dates(tree: Tree) -> None:
    auditor = make_user(tree.root, Role.AUDITOR, clearance="TUYET_MAT")
    actor = make_user(tree.committee_a, Role.BVCT_OFFICER)
    seq = audit_record(actor=actor, action=AuditAction.ORG_UPDATE, obj=tree.cell_a)
    event = AuditEvent.objects.get(seq=seq)
    client = Client()
    client.force_login(auditor)

    def ids(**params: str) -> set[str]:
        response = client.get("/api/audit/events/", params)
        assert response.status_code == 200, response.content
        return {e["id"] for e in response.json()}

    assert str(event.public_id) in ids(actor=actor.username)
    assert str(event.public_id) not in ids(actor="nobody")
    assert str(event.public_id) in ids(object_id=str(tree.cell_a.public_id))
    today = event.occurred_at.astimezone().strftime("%d/%m/%Y")
    assert str(event.public_id) in ids(date_from=today, date_to=today)
    assert str(event.public_id) not in ids(date_from="01/01/2020", date_to="31/12/2020")
    bad = client.get("/api/audit/events/", {"date_from": "31/02/2026"})
    assert bad.status_code == 400
    reversed_range = client.get("/audit/", {"date_from": "02/01/2026", "date_to": "01/01/2026"})
    assert "Từ ngày" in reversed_range.content.decode()


def test_list_query_count_is_bounded(tree: Tree) -> None:
    auditor = make_user(tree.root, Role.AUDITOR, clearance="TUYET_MAT")
    for _ in range(30):
        audit_record(actor=auditor, action=AuditAction.ORG_UPDATE, obj=tree.cell_a)
    client = Client()
    client.force_login(auditor)
    for url in ("/audit/", "/api/audit/events/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) <= 6, [q["sql"] for q in queries]


def test_keyset_pagination(tree: Tree) -> None:
    auditor = make_user(tree.root, Role.AUDITOR, clearance="TUYET_MAT")
    for _ in range(55):
        audit_record(actor=auditor, action=AuditAction.ORG_UPDATE, obj=tree.cell_a)
    client = Client()
    client.force_login(auditor)
    html = client.get("/audit/", {"action": AuditAction.ORG_UPDATE}).content.decode()
    assert "before=" in html


def test_htmx_search_with_bad_input_shows_the_error(tree: Tree) -> None:
    client = Client()
    client.force_login(make_user(tree.root, Role.AUDITOR, clearance="TUYET_MAT"))
    fragment = client.get("/audit/", {"date_from": "31/02/2026"}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "<html" not in html
    assert "Điều kiện tìm kiếm chưa hợp lệ" in html and "Từ ngày" in html


def test_an_exports_and_a_link_decisions_details_are_in_words(tree: Tree) -> None:
    from bvct.people import services
    from bvct.people.models import PersonLink
    from tests.people.factories import FATHER_ID, declaration, father

    for name in ("Nguyễn Văn Hùng", "Nguyễn Văn Hải"):
        services.dossier_create(
            actor=SYSTEM,
            managing_org_code="t-a",
            content=declaration(name, "1975", relatives=[father()]),
        )
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT")
    link = PersonLink.objects.get(person_a__citizen_id=FATHER_ID)
    services.person_link_decide(actor=officer, link=link, confirm=False)
    client = Client()
    client.force_login(officer)
    exported = client.post(
        "/ho-so/xuat-excel/", {"q": "hung", "purpose": "REVIEW", "ceiling": "MAT"}
    )
    assert exported.status_code == 200
    auditor = Client()
    auditor.force_login(make_user(tree.root, Role.AUDITOR, clearance="TUYET_MAT"))
    for action, words, codes in [
        (AuditAction.DOSSIER_EXPORT, ["Rà soát, đối chiếu hồ sơ", "Họ tên tìm: hung", "Mật"],
         ["REVIEW", "{'q'", "ceiling", "purpose"]),
        (AuditAction.PERSON_LINK_DECIDE, ["Không phải một người", "Trùng số CCCD"],
         ["REJECTED", "PROPOSED", "CITIZEN_ID"]),
    ]:  # fmt: skip
        event = AuditEvent.objects.filter(action=action).latest("seq")
        page = auditor.get(f"/audit/{event.public_id}/").content.decode()
        assert all(w in page for w in words), (action, [w for w in words if w not in page])
        assert not any(c in page for c in codes), (action, [c for c in codes if c in page])


def test_batches_are_named_on_the_page_in_one_query(tree: Tree) -> None:
    """Events about an export, an import or a listing show what the batch was (rows, file,
    purpose, day), not its id; named for the whole page at once, so more batch events cost no
    more queries."""
    from django.utils import timezone

    from bvct.people.models import ExportBatch, ImportBatch, Listing

    auditor = make_user(tree.root, Role.AUDITOR, clearance="TUYET_MAT")
    client = Client()
    client.force_login(auditor)
    day = timezone.localdate().strftime("%d/%m/%Y")

    def export(rows: int) -> ExportBatch:
        batch = ExportBatch.objects.create(
            rows=rows, dossiers_sha256="0" * 64, purpose="REVIEW", org_code=tree.root.code
        )
        audit_record(actor=auditor, action=AuditAction.DOSSIER_EXPORT, org=tree.root,
                     object_type="people.exportbatch", object_id=str(batch.public_id))  # fmt: skip
        return batch

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/audit/")
        assert response.status_code == 200
        return len(queries), response.content.decode()

    first = export(3)
    one, html = count()
    assert f"Xuất 3 hồ sơ ngày {day} (Rà soát, đối chiếu hồ sơ)" in html
    assert str(first.public_id) not in html
    imported = ImportBatch.objects.create(
        managing_org=tree.committee_a, file_name="ho-so-xa-a.xlsx", file_sha256="1" * 64, rows=12
    )
    audit_record(actor=auditor, action=AuditAction.DOSSIER_IMPORT, org=tree.committee_a,
                 object_type="people.importbatch", object_id=str(imported.public_id),
                 object_label=imported.file_name)  # fmt: skip
    listing = Listing.objects.create(kind="search", rows=7, persons_sha256="2" * 64)
    audit_record(actor=auditor, action=AuditAction.DOSSIER_SEARCH, org=tree.root,
                 object_type="people.listing", object_id=str(listing.public_id))  # fmt: skip
    for rows in range(4, 12):
        export(rows)
    many, html = count()
    assert many == one, "the batches' names cost one query for the page, whatever their number"
    assert f"Nhập tệp ho-so-xa-a.xlsx, 12 dòng, ngày {day}" in html
    assert f"Tra cứu: 7 người hiện ra, ngày {day}" in html
    assert f"Xuất 11 hồ sơ ngày {day}" in html
    last = AuditEvent.objects.filter(object_type="people.exportbatch").order_by("-seq").first()
    assert last is not None
    detail = client.get(f"/audit/{last.public_id}/")
    assert f"Xuất 11 hồ sơ ngày {day}" in detail.content.decode()
