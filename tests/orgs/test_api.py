"""Organisation API and pages through the permission matrix."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.orgs.models import Organisation
from tests.factories import Tree, make_user
from tests.permission_matrix import Expect, assert_permission_matrix, make_personas

pytestmark = pytest.mark.django_db
MISSING = "00000000-0000-4000-8000-000000000000"


def _officers(tree: Tree):  # type: ignore[no-untyped-def]
    return make_personas(
        role=Role.BVCT_OFFICER,
        org=tree.committee_a,
        other_org=tree.committee_b,
        agency_org=tree.agency,
    )


def test_org_detail_api_matrix(tree: Tree) -> None:
    personas = _officers(tree)
    # Organisations are not classified: clearance does not hide them, scope does.
    assert_permission_matrix(
        f"/api/orgs/{tree.cell_a.public_id}/",
        personas,
        Expect.api(insufficient_clearance=200),
        missing_url=f"/api/orgs/{MISSING}/",
    )


def test_org_detail_page_matrix(tree: Tree) -> None:
    personas = _officers(tree)
    responses = assert_permission_matrix(
        f"/orgs/{tree.cell_a.public_id}/", personas, Expect(insufficient_clearance=200)
    )
    assert "/accounts/login/" in responses["anonymous"]["Location"]
    assert tree.cell_a.name in responses["allowed"].content.decode()


def test_missing_org_is_404_like_hidden(tree: Tree) -> None:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    hidden = client.get(f"/api/orgs/{tree.committee_b.public_id}/")
    missing = client.get("/api/orgs/00000000-0000-0000-0000-000000000000/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_org_update_api_matrix(tree: Tree) -> None:
    personas = make_personas(
        role=Role.SYSADMIN, org=tree.board, other_org=tree.committee_b, agency_org=tree.agency
    )
    target = tree.committee_a

    def state() -> tuple[str, int]:
        org = Organisation.objects.get(pk=target.pk)
        return org.name, org.version

    # Configuration is global: any system administrator may change the tree, whatever their
    # own scope or clearance; the agency officer gets 404 (cannot change, so cannot find).
    # Each accepted change bumps the version, so the body is built afresh for every persona.
    assert_permission_matrix(
        f"/api/orgs/{target.public_id}/",
        personas,
        Expect.api(other_scope=200, insufficient_clearance=200),
        method="patch",
        data=lambda: {"version": state()[1], "name": f"Tên mới {state()[1]}"},
        state=state,
    )
    assert state() == ("Tên mới 3", 4)


def test_org_update_stale_version_is_409(tree: Tree) -> None:
    client = Client()
    client.force_login(make_user(tree.board, Role.SYSADMIN))
    url = f"/api/orgs/{tree.committee_b.public_id}/"
    assert (
        client.patch(
            url, {"version": 1, "name": "Một"}, content_type="application/json"
        ).status_code
        == 200
    )
    stale = client.patch(url, {"version": 1, "name": "Hai"}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert Organisation.objects.get(pk=tree.committee_b.pk).name == "Một"


def test_org_create_api_errors_are_specific(tree: Tree) -> None:
    client = Client()
    client.force_login(make_user(tree.board, Role.SYSADMIN))
    response = client.post(
        "/api/orgs/",
        {"code": "t-new", "name": "Mới", "kind": "khong-co", "parent": "t-root"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "kind"
    assert "khong-co" in response.json()["detail"]
    officer = Client()
    officer.force_login(make_user(tree.board, Role.BVCT_OFFICER))
    denied = officer.post(
        "/api/orgs/",
        {"code": "t-new", "name": "Mới", "kind": "dang-uy", "parent": "t-root"},
        content_type="application/json",
    )
    assert denied.status_code == 403
    assert not Organisation.objects.filter(code="t-new").exists()


def test_org_list_query_count_is_bounded(tree: Tree) -> None:
    client = Client()
    client.force_login(make_user(tree.board, Role.BVCT_OFFICER))
    for url in ("/api/orgs/", "/orgs/"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        # session + user + the list itself; never one query per organisation
        assert len(queries) <= 6, [q["sql"] for q in queries]


def test_org_page_names_only_scopes_the_user_may_see(tree: Tree) -> None:
    """The root's management rules are shown without naming organisations outside one's view."""
    from bvct.orgs import services

    services.tier_create(actor=SYSTEM, code="t-dv", name="Đảng viên", rank=3)
    services.scope_set(
        actor=SYSTEM, tier_code="t-dv", subject_root_code="t-b", managing_org_code="t-root"
    )
    services.scope_set(
        actor=SYSTEM, tier_code="t-dv", subject_root_code="t-a", managing_org_code="t-root"
    )
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    html = client.get(f"/orgs/{tree.root.public_id}/").content.decode()
    assert "Đảng ủy phường A" in html
    assert "Đảng ủy xã B" not in html


def test_org_list_page_is_paginated(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    from bvct.orgs import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = Client()
    client.force_login(make_user(tree.board, Role.BVCT_OFFICER))
    first = client.get("/orgs/", {"q": "t"}).content.decode()
    assert "page=2" in first
    assert client.get("/orgs/", {"q": "t", "page": "2"}).status_code == 200


def test_org_search_ignores_diacritics(tree: Tree) -> None:
    client = Client()
    client.force_login(make_user(tree.board, Role.BVCT_OFFICER))
    body = client.get("/api/orgs/", {"q": "dang uy phuong a"}).json()
    assert [o["code"] for o in body["results"]] == ["t-a"]
    assert body["results"][0]["parent_code"] == "t-root"
