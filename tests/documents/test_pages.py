"""The documents' pages through the permission matrix: a document is downloaded only within
scope and clearance (hidden answers as missing), each download on the record; terms and
templates are the administrator's (404 for everyone else)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.documents.constants import DocumentType
from bvct.documents.defaults import default_template
from bvct.documents.models import DocumentTemplate, Term
from tests.accounts.test_admin_pages import (
    ADMIN_GET,
    ADMIN_POST,
    HIDDEN,
    NON_ADMIN_ROLES,
    admins,
    others,
)
from tests.conftest import events_since
from tests.documents.helpers import issue, make_term
from tests.documents.test_templates import edited
from tests.factories import Tree, make_user
from tests.permission_matrix import Expect, assert_permission_matrix, make_personas

pytestmark = pytest.mark.django_db
MISSING = "00000000-0000-4000-8000-000000000000"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_names = itertools.count(1)


def _readers(tree: Tree, role: str = Role.BVCT_OFFICER) -> Any:
    # The document belongs to committee A's scope, Tối mật: the other scope is committee B,
    # the short clearance is Mật.
    return make_personas(
        role=role, org=tree.committee_a, other_org=tree.committee_b, agency_org=tree.agency,
        clearance="TOI_MAT", low_clearance="MAT",
    )  # fmt: skip


@pytest.mark.parametrize("role", [Role.BVCT_OFFICER, Role.COMMITTEE_MEMBER, Role.AUDITOR])
def test_download_within_scope_and_clearance(tree: Tree, audit_mark: int, role: str) -> None:
    make_term(tree.root)
    document = issue(tree.root, classification=2, scope_org=tree.committee_a)
    personas = _readers(tree, role)
    url = f"/van-ban/{document.public_id}/tai-ve/"
    responses = assert_permission_matrix(
        url, personas, Expect(), missing_url=f"/van-ban/{MISSING}/tai-ve/"
    )
    allowed = responses["allowed"]
    assert allowed["Content-Type"] == DOCX
    assert allowed["Content-Disposition"] == (
        'attachment; filename="ket-luan-01-KL-TU-TOI-MAT.docx"'
    )
    assert b"".join(allowed.streaming_content if allowed.streaming else [allowed.content]) == (
        bytes(document.content)
    )
    (event,) = events_since(audit_mark, action=AuditAction.DOCUMENT_DOWNLOAD)
    assert event.actor_public_id == personas.allowed.public_id
    assert event.object_public_id == str(document.public_id)
    assert event.classification == 2 and event.after == {"file_sha256": document.sha256}


def test_the_list_shows_only_what_the_user_may_see(tree: Tree) -> None:
    make_term(tree.root)
    issue(tree.root, classification=2, scope_org=tree.committee_a, title="về người ở phường A")
    issue(tree.root, classification=0, scope_org=tree.committee_b, title="về người ở xã B")
    personas = _readers(tree)
    responses = assert_permission_matrix(
        "/van-ban/", personas, Expect(other_scope=200, insufficient_clearance=200)
    )
    pages = {name: r.content.decode() for name, r in responses.items() if r.status_code == 200}
    assert "về người ở phường A" in pages["allowed"]
    assert "về người ở xã B" not in pages["allowed"]
    assert "về người ở phường A" not in pages["other_scope"]
    assert "về người ở xã B" in pages["other_scope"]
    assert "về người ở phường A" not in pages["insufficient_clearance"]


def test_the_list_query_count_does_not_grow(tree: Tree, django_assert_max_num_queries: Any) -> None:
    make_term(tree.root)
    client = Client()
    client.force_login(make_user(tree.root, Role.BVCT_OFFICER, clearance="TUYET_MAT"))
    for _ in range(30):
        issue(tree.root, scope_org=tree.committee_a)
    with django_assert_max_num_queries(8):
        page = client.get("/van-ban/").content.decode()
    assert page.count("/tai-ve/") == 30


# --- the administrator's pages ------------------------------------------------------------------


def _term_data(tree: Tree) -> dict[str, Any]:
    n = next(_names)
    return {
        "issuer": str(tree.committee_b.public_id), "name": f"Nhiệm kỳ {n}",
        "starts_on": f"{1900 + n}-01-01", "ends_on": f"{1900 + n}-12-31", "symbol": "ĐUB",
        "heading": "ĐẢNG ỦY XÃ B", "heading_parent": "",
    }  # fmt: skip


def _writes(tree: Tree) -> list[tuple[str, Any, Any]]:
    term = make_term(tree.committee_a, symbol="ĐUA")

    def edit() -> dict[str, Any]:
        fresh = Term.objects.get(pk=term.pk)
        return {**_term_data(tree), "version": str(fresh.version)}

    def template() -> dict[str, Any]:
        data = edited(f"Ghi chú {next(_names)}: {{{{ ho_ten }}}}")
        return {"file": SimpleUploadedFile("mau.docx", data)}

    def terms_state() -> Any:
        return list(Term.objects.order_by("pk").values_list("name", "version"))

    def templates_state() -> Any:
        return list(DocumentTemplate.objects.order_by("pk").values_list("sha256", "is_active"))

    return [
        ("/van-ban/nhiem-ky/", lambda: _term_data(tree), terms_state),
        (f"/van-ban/nhiem-ky/{term.public_id}/", edit, terms_state),
        ("/van-ban/mau/ket-luan/thay-the/", template, templates_state),
    ]


@pytest.mark.parametrize("which", range(3))
def test_setup_writes_are_the_administrators(tree: Tree, which: int) -> None:
    url, data, state = _writes(tree)[which]
    for role in NON_ADMIN_ROLES:
        assert_permission_matrix(
            url, others(tree, role), HIDDEN, method="post", data=data, state=state, form=True
        )
    before = state()
    assert_permission_matrix(
        url, admins(tree), ADMIN_POST, method="post", data=data, state=state, form=True
    )
    assert state() != before


def test_setup_pages_are_the_administrators(tree: Tree) -> None:
    term = make_term(tree.root)
    template = issue(tree.root).template
    for url in (
        "/van-ban/nhiem-ky/",
        f"/van-ban/nhiem-ky/{term.public_id}/",
        "/van-ban/mau/",
        "/van-ban/mau/ket-luan/mac-dinh.docx",
        f"/van-ban/mau/tep/{template.public_id}/",
    ):
        for role in NON_ADMIN_ROLES:
            assert_permission_matrix(url, others(tree, role), HIDDEN)
        assert_permission_matrix(url, admins(tree), ADMIN_GET)
    assert_permission_matrix(
        f"/van-ban/nhiem-ky/{MISSING}/", admins(tree), Expect(allowed=404, other_scope=404)
    )


def _admin_client(tree: Tree) -> Client:
    client = Client()
    client.force_login(make_user(tree.board, Role.SYSADMIN))
    return client


def test_a_bad_template_is_refused_on_the_page(tree: Tree, audit_mark: int) -> None:
    client = _admin_client(tree)
    bad = SimpleUploadedFile("mau.docx", edited("{{ khong_co }}"))
    response = client.post("/van-ban/mau/ket-luan/thay-the/", {"file": bad})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mẫu có trường không dùng cho loại văn bản này: {{ khong_co }}." in page
    assert not DocumentTemplate.objects.exists()
    assert not events_since(audit_mark, action__startswith="document")
    default = client.get("/van-ban/mau/bao-cao-tham-dinh/mac-dinh.docx")
    assert default.content == default_template(DocumentType.APPRAISAL_REPORT)


def test_terms_on_the_page(tree: Tree, audit_mark: int) -> None:
    client = _admin_client(tree)
    data = {
        "issuer": str(tree.root.public_id), "name": "2025–2030", "starts_on": "2025-10-01",
        "ends_on": "", "symbol": "tu", "heading": "TỈNH ỦY THỬ NGHIỆM", "heading_parent": "",
    }  # fmt: skip
    assert client.post("/van-ban/nhiem-ky/", data).status_code == 302
    term = Term.objects.get()
    assert (term.symbol, term.ends_on) == ("TU", None)
    (event,) = events_since(audit_mark, action=AuditAction.TERM_CREATE)
    assert event.after["symbol"] == "TU"
    overlapping = client.post("/van-ban/nhiem-ky/", {**data, "starts_on": "2026-01-01"})
    assert overlapping.status_code == 400
    assert "Trùng thời gian với nhiệm kỳ 2025–2030" in overlapping.content.decode()
    # A term whose documents would fall outside its new dates keeps its dates.
    issue(tree.root)
    edit = {**data, "starts_on": "2026-07-01", "version": str(term.version)}
    del edit["issuer"]
    refused = client.post(f"/van-ban/nhiem-ky/{term.public_id}/", edit)
    assert refused.status_code == 400 and "ngoài khoảng thời gian mới" in refused.content.decode()
    edit["starts_on"], edit["heading"] = "2025-10-01", "TỈNH ỦY THỬ NGHIỆM MỚI"
    assert client.post(f"/van-ban/nhiem-ky/{term.public_id}/", edit).status_code == 302
    (event,) = events_since(audit_mark, action=AuditAction.TERM_UPDATE)
    assert event.before == {"heading": "TỈNH ỦY THỬ NGHIỆM"}
    assert event.after == {"heading": "TỈNH ỦY THỬ NGHIỆM MỚI"}
    stale = client.post(f"/van-ban/nhiem-ky/{term.public_id}/", edit)
    assert stale.status_code == 409
