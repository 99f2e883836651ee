"""The administrator renames organisations and adds child organisations on the organisation's
page; everyone else gets 404 from those routes and no forms on the page."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.test import Client

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.orgs import services
from bvct.orgs.models import Organisation
from tests.accounts.test_admin_pages import ADMIN_POST, HIDDEN, NON_ADMIN_ROLES, admins, others
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.permission_matrix import assert_permission_matrix

pytestmark = pytest.mark.django_db
MISSING = "00000000-0000-4000-8000-000000000000"
_names = itertools.count(1)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _org_state(org: Organisation) -> tuple[Any, ...]:
    fresh = Organisation.objects.get(pk=org.pk)
    return fresh.version, fresh.name, fresh.short_name, Organisation.objects.count()


def _writes(tree: Tree) -> list[tuple[str, Any]]:
    def rename() -> dict[str, Any]:
        fresh = Organisation.objects.get(pk=tree.committee_a.pk)
        return {"name": f"Đảng ủy phường A {next(_names)}", "version": str(fresh.version)}

    def child() -> dict[str, Any]:
        return {"child-name": f"Chi bộ {next(_names)}", "child-kind": "chi-bo"}

    return [("doi-ten/", rename), ("them-truc-thuoc/", child)]


@pytest.mark.parametrize("which", range(2))
def test_organisation_writes_are_the_administrators(tree: Tree, which: int) -> None:
    tail, data = _writes(tree)[which]
    url = f"/orgs/{tree.committee_a.public_id}/{tail}"
    state = lambda: _org_state(tree.committee_a)  # noqa: E731
    for role in NON_ADMIN_ROLES:
        assert_permission_matrix(
            url, others(tree, role), HIDDEN, method="post", data=data, state=state, form=True,
            missing_url=f"/orgs/{MISSING}/{tail}",
        )  # fmt: skip
    before = state()
    assert_permission_matrix(
        url, admins(tree), ADMIN_POST, method="post", data=data, state=state, form=True
    )
    assert state() != before


def test_only_the_administrator_sees_the_forms(tree: Tree) -> None:
    url = f"/orgs/{tree.committee_a.public_id}/"
    admin_page = _client(make_user(tree.board, Role.SYSADMIN)).get(url).content.decode()
    assert "Đổi tên" in admin_page and "Thêm tổ chức trực thuộc" in admin_page
    officer = make_user(tree.board, Role.BVCT_OFFICER, clearance="TUYET_MAT")
    page = _client(officer).get(url).content.decode()
    assert "Đổi tên" not in page and "them-truc-thuoc" not in page


def test_rename_is_audited_and_refused_from_a_stale_page(tree: Tree, audit_mark: int) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    client = _client(admin)
    url = f"/orgs/{tree.committee_a.public_id}/doi-ten/"
    done = client.post(url, {"name": "Đảng ủy phường An", "short_name": "ĐUP An", "version": "1"})
    assert done.status_code == 302
    fresh = Organisation.objects.get(pk=tree.committee_a.pk)
    assert (fresh.name, fresh.name_norm, fresh.version) == (
        "Đảng ủy phường An",
        "dang uy phuong an",
        2,
    )
    [event] = events_since(audit_mark, action=AuditAction.ORG_UPDATE)
    assert (event.before["name"], event.after["name"]) == ("Đảng ủy phường A", "Đảng ủy phường An")
    stale = client.post(url, {"name": "Ghi đè", "version": "1"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "vừa được người khác sửa" in html
    assert 'value="Ghi đè"' in html and 'name="version" value="2"' in html
    assert Organisation.objects.get(pk=tree.committee_a.pk).name == "Đảng ủy phường An"


def test_a_child_gets_a_code_made_from_its_name(tree: Tree, audit_mark: int) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    client = _client(admin)
    url = f"/orgs/{tree.grassroots_a.public_id}/them-truc-thuoc/"
    first = client.post(url, {"child-name": "Chi bộ Khu phố 3", "child-kind": "chi-bo"})
    second = client.post(url, {"child-name": "Chi bộ khu phố 3", "child-kind": "chi-bo"})
    assert first.status_code == second.status_code == 302
    made = Organisation.objects.filter(parent=tree.grassroots_a, name__iexact="Chi bộ khu phố 3")
    assert sorted(made.values_list("code", flat=True)) == ["chi-bo-khu-pho-3", "chi-bo-khu-pho-3-2"]
    child = made.get(code="chi-bo-khu-pho-3")
    assert child.path == f"{tree.grassroots_a.path}{child.pk}/" and child.kind.code == "chi-bo"
    assert first["Location"] == f"/orgs/{child.public_id}/"
    events = events_since(audit_mark, action=AuditAction.ORG_CREATE)
    assert [e.actor_public_id for e in events] == [admin.public_id, admin.public_id]
    blank = client.post(url, {"child-name": "  ", "child-kind": "chi-bo"})
    assert blank.status_code == 400
    assert Organisation.objects.filter(parent=tree.grassroots_a).count() == 3


def test_the_api_still_takes_an_explicit_code(tree: Tree) -> None:
    org = services.organisation_create(
        actor=SYSTEM, code="t-x", name="Chi bộ X", kind_code="chi-bo", parent_code="t-a"
    )
    assert org.code == "t-x"
