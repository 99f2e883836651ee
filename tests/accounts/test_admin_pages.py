"""The administrator's account pages: every route through the permission matrix (other roles
get 404, as for a missing page), and what each page does."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.test import Client

from bvct.accounts.models import User
from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from tests.accounts.helpers import account_state, confirm_pending, event_text, signed_in
from tests.conftest import events_since
from tests.factories import PASSWORD, Tree, make_user
from tests.permission_matrix import Expect, Personas, assert_permission_matrix, make_personas

pytestmark = pytest.mark.django_db
MISSING = "00000000-0000-4000-8000-000000000000"
BASE = "/accounts/quan-ly/"
NON_ADMIN_ROLES = [Role.BVCT_OFFICER, Role.COMMITTEE_MEMBER, Role.SECRET_CLERK, Role.AUDITOR]
_names = itertools.count(1)


def admins(tree: Tree) -> Personas:
    # Account administration is global: "other scope" and "no clearance" are administrators
    # too and may do what the allowed one may; the agency officer is refused.
    return make_personas(
        role=Role.SYSADMIN, org=tree.board, other_org=tree.committee_b, agency_org=tree.agency
    )


def others(tree: Tree, role: str) -> Personas:
    # Every other role, even at the province's board with the highest clearance: hidden.
    return make_personas(
        role=role, org=tree.board, other_org=tree.committee_a, agency_org=tree.agency
    )


ADMIN_GET = Expect(other_scope=200, insufficient_clearance=200)
# A write is run once, by the allowed administrator (the matrix holds every other caller to
# "changed nothing", which another administrator's successful write would not be).
ADMIN_POST = Expect(allowed=302, skip=frozenset({"other_scope", "insufficient_clearance"}))
HIDDEN = Expect(allowed=404)


@pytest.fixture
def target(tree: Tree) -> User:
    return make_user(tree.committee_b, Role.BVCT_OFFICER, username="muctieu.b", clearance="MAT")


def _edit(tree: Tree, target: User, **overrides: Any) -> dict[str, Any]:
    return {
        "full_name": target.full_name,
        "email": "",
        "roles": list(target.roles),
        "clearance": str(target.clearance),
        "organisation": str(tree.committee_b.public_id),
        "scope": "",
        "version": str(User.objects.get(pk=target.pk).version),
        **overrides,
    }


# --- the permission matrix ----------------------------------------------------------------------

GETS = [
    BASE,
    BASE + "?q=muctieu",
    BASE + "tao-moi/",
    BASE + "{id}/",
]


@pytest.mark.parametrize("url", GETS)
def test_account_pages_are_the_administrators(tree: Tree, target: User, url: str) -> None:
    missing = BASE + MISSING + "/" if "{id}" in url else None
    responses = assert_permission_matrix(
        url.format(id=target.public_id), admins(tree), ADMIN_GET, missing_url=missing
    )
    assert "<html" in responses["allowed"].content.decode()
    for role in NON_ADMIN_ROLES:
        assert_permission_matrix(
            url.format(id=target.public_id), others(tree, role), HIDDEN, missing_url=missing
        )


def _posts(tree: Tree, target: User) -> list[tuple[str, Any, Any]]:
    """Each write: its URL, a callable giving the form, and the state it must leave alone."""

    def create() -> dict[str, Any]:
        return {
            "username": f"moi.{next(_names)}",
            "full_name": "Trần Thị Bích",
            "organisation": str(tree.committee_a.public_id),
            "roles": [Role.BVCT_OFFICER],
            "clearance": "1",
            "password": PASSWORD,
        }

    def version() -> dict[str, Any]:
        return {"version": str(User.objects.get(pk=target.pk).version)}

    return [
        (BASE + "tao-moi/", create, lambda: User.objects.count()),
        (
            BASE + "{id}/",
            lambda: _edit(tree, target, full_name="Tên Mới"),
            lambda: account_state(target),
        ),
        (BASE + "{id}/trang-thai/", version, lambda: account_state(target)),
        (
            BASE + "{id}/mat-khau/",
            lambda: {**version(), "password": "Mat-khau-dat-lai-2026"},
            lambda: account_state(target),
        ),
    ]


@pytest.mark.parametrize("which", range(4))
def test_account_writes_are_the_administrators(tree: Tree, target: User, which: int) -> None:
    url, data, state = _posts(tree, target)[which]
    missing = BASE + MISSING + url[len(BASE + "{id}") :] if "{id}" in url else None
    for role in NON_ADMIN_ROLES:
        assert_permission_matrix(
            url.format(id=target.public_id), others(tree, role), HIDDEN,
            method="post", data=data, state=state, form=True,
            missing_url=missing.format(id=MISSING) if missing else None,
        )  # fmt: skip
    before = state()
    assert_permission_matrix(
        url.format(id=target.public_id), admins(tree), ADMIN_POST,
        method="post", data=data, state=state, form=True,
    )  # fmt: skip
    assert state() != before  # the administrator's write was made


# --- list and search ----------------------------------------------------------------------------


def test_the_list_finds_accounts_by_name_and_serves_htmx_a_fragment(
    tree: Tree, target: User
) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    make_user(tree.committee_a, Role.AUDITOR, username="kiemtra.a")
    client = signed_in(admin)
    full = client.get(BASE, {"q": "muctieu"}).content.decode()
    assert "<html" in full and "muctieu.b" in full and "kiemtra.a" not in full
    # Vietnamese role names, never their codes.
    assert "Cán bộ làm công tác BVCTNB" in full and "BVCT_OFFICER" not in full
    fragment = client.get(BASE, {"q": "nguoi thu"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert "muctieu.b" in fragment and "kiemtra.a" in fragment


def test_the_list_query_count_does_not_grow(tree: Tree, django_assert_max_num_queries: Any) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    client = signed_in(admin)
    for org in (tree.committee_a, tree.committee_b, tree.agency, tree.cell_a, tree.board) * 4:
        make_user(org, Role.BVCT_OFFICER)
    client.get(BASE)
    # session, user, count, the page of accounts (organisations joined); never per row.
    with django_assert_max_num_queries(5):
        response = client.get(BASE)
    assert response.content.decode().count("/accounts/quan-ly/") > 20


# --- create -------------------------------------------------------------------------------------


def _create(client: Client, tree: Tree, **overrides: Any) -> Any:
    data = {
        "username": "tranbich",
        "full_name": "Trần Thị Bích",
        "email": "",
        "organisation": str(tree.committee_a.public_id),
        "scope": str(tree.grassroots_a.public_id),
        "roles": [Role.BVCT_OFFICER, Role.COMMITTEE_MEMBER],
        "clearance": "2",
        "password": "",
        **overrides,
    }
    return client.post(BASE + "tao-moi/", data)


def test_create_with_a_temporary_password_shown_once(tree: Tree, audit_mark: int) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    response = _create(signed_in(admin), tree)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = re.search(r"<output[^>]*>([^<]+)</output>", response.content.decode())
    assert password
    user = User.objects.get(username="tranbich")
    assert user.check_password(password.group(1))
    assert (user.organisation, user.scope) == (tree.committee_a, tree.grassroots_a)
    assert user.roles == [] and user.clearance == 0  # until a second administrator confirms
    user = confirm_pending(user)
    assert user.roles == [Role.BVCT_OFFICER, Role.COMMITTEE_MEMBER] and user.clearance == 2
    [event] = events_since(
        audit_mark, action=AuditAction.USER_CREATE, object_public_id=str(user.public_id)
    )
    assert event.actor_public_id == admin.public_id
    assert password.group(1) not in event_text(event)
    # Shown once: the account's page does not show it again.
    page = signed_in(admin).get(BASE + f"{user.public_id}/").content.decode()
    assert password.group(1) not in page


def test_create_with_a_typed_password_checks_the_password_rules(tree: Tree) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    response = _create(signed_in(admin), tree, password="12345678")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Mật khẩu" in html and 'class="error"' in html
    assert not User.objects.filter(username="tranbich").exists()
    # What was typed is kept, and the chosen organisation stays chosen.
    assert 'value="tranbich"' in html
    assert f'<option value="{tree.committee_a.public_id}" selected>' in html
    response = _create(signed_in(admin), tree, password="Mot-mat-khau-du-dai-2026")
    assert response.status_code == 302
    assert User.objects.get(username="tranbich").check_password("Mot-mat-khau-du-dai-2026")


def test_create_refuses_a_scope_outside_the_organisation_at_its_field(tree: Tree) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    response = _create(signed_in(admin), tree, scope=str(tree.committee_b.public_id))
    assert response.status_code == 400
    assert "Phạm vi công tác phải là Đảng ủy phường A" in response.content.decode()
    assert not User.objects.filter(username="tranbich").exists()


CHOICES = "/orgs/chon/"


def _options(html: str) -> dict[str, str]:
    """A chooser's options: label by value."""
    return dict(re.findall(r'<option value="([^"]*)"(?: selected)?>([^<]*)</option>', html))


def test_the_account_pages_choose_organisations_with_the_organisations_chooser(
    tree: Tree, target: User
) -> None:
    # An administrator working in one commune still places accounts anywhere in the tree.
    admin = make_user(tree.committee_b, Role.SYSADMIN)
    client = signed_in(admin)
    page = client.get(BASE + f"{target.public_id}/").content.decode()
    for name, label in (("organisation", "Đơn vị"), ("scope", "Phạm vi công tác")):
        assert f'<label for="id_{name}">{label}</label>' in page
        assert f'for="id_{name}_q"' in page  # the box that narrows it has its label too
        assert f'"field": "{name}"' in page and '"among": "visible"' in page
    chosen = re.search(r'<select name="organisation".*?</select>', page, re.S)
    assert chosen and f'<option value="{tree.committee_b.public_id}" selected>' in chosen[0]
    options = _options(page)
    assert options[str(tree.root.public_id)] == "Tỉnh ủy Thử nghiệm"  # above their own scope
    assert options[str(tree.committee_a.public_id)] == "Đảng ủy phường A"  # another commune
    assert "Theo đơn vị (mặc định)" in page  # the scope's default stays available
    for code in ("t-a", "t-b", "t-root"):
        assert f'"{code}"' not in page and f">{code}<" not in page
    # Typing part of a name without diacritics narrows it; the current choice stays first.
    answer = client.get(
        CHOICES,
        {
            "field": "organisation", "blank": "choose", "among": "visible",
            "organisation_q": "chi bo", "organisation": str(tree.committee_b.public_id),
        },
        HTTP_HX_REQUEST="true",
    ).content.decode()  # fmt: skip
    assert list(_options(answer).values()) == [
        "— Chọn tổ chức —", "Đảng ủy xã B", "Chi bộ A1-1"
    ]  # fmt: skip
    assert f'<option value="{tree.committee_b.public_id}" selected>' in answer
    scope = client.get(
        CHOICES, {"field": "scope", "blank": "unit", "among": "visible", "scope_q": "xyz"}
    ).content.decode()
    assert list(_options(scope)) == [""]  # nothing matches; the default is still there
    assert client.get(CHOICES, {"field": "org", "among": "moi"}).status_code == 400


def test_an_account_may_be_placed_anywhere_the_administrator_sees(tree: Tree) -> None:
    admin = make_user(tree.committee_b, Role.SYSADMIN)
    response = _create(signed_in(admin), tree, password=PASSWORD)
    assert response.status_code == 302  # another commune than the administrator's own
    user = User.objects.get(username="tranbich")
    assert (user.organisation, user.scope) == (tree.committee_a, tree.grassroots_a)


@pytest.mark.parametrize("field", ["organisation", "scope"])
def test_a_missing_organisation_is_refused_at_its_field_in_vietnamese(
    tree: Tree, field: str
) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    response = _create(signed_in(admin), tree, **{field: MISSING})
    assert response.status_code == 400
    errors = re.findall(r'<p class="error">([^<]*)</p>', response.content.decode())
    assert errors == ["Hãy chọn một đơn vị trong danh sách."]
    assert not User.objects.filter(username="tranbich").exists()
    if field == "organisation":
        empty = _create(signed_in(admin), tree, organisation="").content.decode()
        assert "Hãy chọn một đơn vị trong danh sách." in empty


def test_the_visible_rule_offers_a_non_administrator_only_what_the_gate_shows(
    tree: Tree,
) -> None:
    # Anyone may ask for the account pages' rule; it holds only organisations the user may
    # see anyway (the organisation list's): another commune is answered as a missing name.
    officer = signed_in(make_user(tree.committee_a, Role.BVCT_OFFICER))
    ask = {"field": "org", "among": "visible"}
    hidden = officer.get(CHOICES, {**ask, "org_q": "xa b"})
    missing = officer.get(CHOICES, {**ask, "org_q": "khong co"})
    assert hidden.content == missing.content
    kept = officer.get(CHOICES, {**ask, "org": str(tree.committee_b.public_id)})
    assert str(tree.committee_b.public_id) not in kept.content.decode()
    above = officer.get(CHOICES, {**ask, "org_q": "tinh uy"}).content.decode()
    assert str(tree.root.public_id) in above  # the chain above their scope, as /orgs/ shows


# --- change -------------------------------------------------------------------------------------


def test_change_roles_clearance_and_scope(tree: Tree, target: User, audit_mark: int) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    data = _edit(
        tree, target, roles=[Role.SECRET_CLERK], clearance="3",
        organisation=str(tree.committee_b.public_id), scope="",
    )  # fmt: skip
    response = signed_in(admin).post(BASE + f"{target.public_id}/", data)
    assert response.status_code == 302
    fresh = User.objects.get(pk=target.pk)
    # The officer's role goes at once; the clerk's, the clearance and the move wait.
    assert (fresh.roles, fresh.clearance, fresh.version) == ([], 1, 2)
    [event] = events_since(audit_mark, action=AuditAction.USER_UPDATE)
    assert event.before["roles"] == [Role.BVCT_OFFICER]
    fresh = confirm_pending(fresh)
    assert (fresh.roles, fresh.clearance, fresh.version) == ([Role.SECRET_CLERK], 3, 3)
    assert (fresh.organisation, fresh.scope) == (tree.committee_b, tree.committee_b)


def test_a_change_from_a_stale_page_is_refused_and_shows_the_account_as_it_now_is(
    tree: Tree, target: User
) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    stale = _edit(tree, target, full_name="Ghi đè")
    signed_in(admin).post(
        BASE + f"{target.public_id}/", _edit(tree, target, full_name="Người khác")
    )
    before = account_state(target)
    response = signed_in(admin).post(BASE + f"{target.public_id}/", stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "vừa được người khác sửa" in html
    assert "Người khác" in html  # the account as it now is
    assert 'value="Ghi đè"' in html  # what was typed, to save again knowingly
    assert 'name="version" value="2"' in html
    assert account_state(target) == before


def test_own_account_page_cannot_change_own_access(tree: Tree) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    client = signed_in(admin)
    page = client.get(BASE + f"{admin.public_id}/").content.decode()
    assert "không thể tự thay đổi" in page
    assert 'name="organisation"' not in page  # no organisation picker for oneself
    response = client.post(
        BASE + f"{admin.public_id}/",
        {
            "full_name": "Tên Mới", "email": "", "roles": [Role.SYSADMIN, Role.AUDITOR],
            "clearance": "3", "organisation": str(tree.committee_a.public_id), "version": "1",
        },
    )  # fmt: skip
    assert response.status_code == 302
    fresh = User.objects.get(pk=admin.pk)
    assert fresh.full_name == "Tên Mới"
    assert (fresh.roles, fresh.clearance, fresh.organisation) == ([Role.SYSADMIN], 0, tree.board)


# --- disable, enable, password ------------------------------------------------------------------


def test_disable_and_enable(tree: Tree, target: User) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    client = signed_in(admin)
    response = client.post(BASE + f"{target.public_id}/trang-thai/", {"version": "1"})
    assert response.status_code == 302
    assert not User.objects.get(pk=target.pk).is_active
    assert "Đã khóa tài khoản" in client.get(response["Location"]).content.decode()
    client.post(BASE + f"{target.public_id}/trang-thai/", {"version": "2", "is_active": "on"})
    assert User.objects.get(pk=target.pk).is_active


def test_disable_from_a_stale_page_is_refused_with_a_message(tree: Tree, target: User) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    client = signed_in(admin)
    client.post(BASE + f"{target.public_id}/", _edit(tree, target, full_name="Người khác"))
    response = client.post(BASE + f"{target.public_id}/trang-thai/", {"version": "1"})
    assert User.objects.get(pk=target.pk).is_active
    assert "vừa được người khác sửa" in client.get(response["Location"]).content.decode()


def test_reset_password_shows_a_temporary_one_once(tree: Tree, target: User) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    response = signed_in(admin).post(
        BASE + f"{target.public_id}/mat-khau/", {"version": "1", "password": ""}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = re.search(r"<output[^>]*>([^<]+)</output>", response.content.decode())
    assert password and User.objects.get(pk=target.pk).check_password(password.group(1))


def test_reset_password_typed_is_checked_and_stale_is_refused(tree: Tree, target: User) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    client = signed_in(admin)
    weak = client.post(BASE + f"{target.public_id}/mat-khau/", {"version": "1", "password": "abc"})
    assert weak.status_code == 400
    assert User.objects.get(pk=target.pk).check_password(PASSWORD)
    client.post(BASE + f"{target.public_id}/", _edit(tree, target, full_name="Người khác"))
    stale = client.post(
        BASE + f"{target.public_id}/mat-khau/", {"version": "1", "password": "Mat-khau-moi-2026-x"}
    )
    assert stale.status_code == 409
    assert "vừa được người khác sửa" in stale.content.decode()
    assert User.objects.get(pk=target.pk).check_password(PASSWORD)
    done = client.post(
        BASE + f"{target.public_id}/mat-khau/", {"version": "2", "password": "Mat-khau-moi-2026-x"}
    )
    assert done.status_code == 302
    assert User.objects.get(pk=target.pk).check_password("Mat-khau-moi-2026-x")
