"""Users API: who may list, read, change and create accounts (the shared permission matrix)."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import pytest

from bvct.accounts import services
from bvct.accounts.models import User
from bvct.audit.constants import AuditAction
from bvct.core.constants import Classification, Role
from tests.accounts.helpers import account_state, last_seq, signed_in
from tests.conftest import events_since
from tests.factories import PASSWORD, Tree, make_user
from tests.permission_matrix import Expect, Personas, assert_permission_matrix, make_personas

USERS_URL = "/api/users/"
_names = itertools.count(1)


def _detail_url(user: User) -> str:
    return f"{USERS_URL}{user.public_id}/"


def _sysadmins(tree: Tree) -> Personas:
    # Account administration is global: the "other scope" and "insufficient clearance" personas
    # are system administrators too (of committee B, and with no clearance), and they may do
    # everything the allowed one may. Only the agency officer and anonymous are refused.
    return make_personas(
        role=Role.SYSADMIN, org=tree.board, other_org=tree.committee_b, agency_org=tree.agency
    )


def _auditors(tree: Tree) -> Personas:
    # Auditors see the accounts of their scope (to look people up by who acted), never change
    # them: a board auditor's scope is the whole province, committee A's is committee A.
    return make_personas(
        role=Role.AUDITOR, org=tree.board, other_org=tree.committee_a, agency_org=tree.agency
    )


def _officers(tree: Tree) -> Personas:
    return make_personas(
        role=Role.BVCT_OFFICER,
        org=tree.committee_b,
        other_org=tree.committee_a,
        agency_org=tree.agency,
    )


@pytest.fixture
def target(tree: Tree) -> User:
    return make_user(tree.committee_b, Role.BVCT_OFFICER, username="muctieu.b", clearance="MAT")


# --- GET /api/users/ ----------------------------------------------------------------------------


def test_user_list_matrix_for_administrators(tree: Tree, target: User) -> None:
    personas = _sysadmins(tree)
    everyone = sorted(User.objects.values_list("username", flat=True))

    responses = assert_permission_matrix(
        USERS_URL,
        personas,
        Expect.api(other_scope=200, insufficient_clearance=200, agency=200),
    )

    for name in ("allowed", "other_scope", "insufficient_clearance"):
        assert [u["username"] for u in responses[name].json()["results"]] == everyone
    assert [u["username"] for u in responses["agency"].json()["results"]] == [
        personas.agency.username
    ]
    assert responses["anonymous"].json()["code"] == "not_authenticated"


def test_user_list_non_administrators_see_only_themselves(tree: Tree, target: User) -> None:
    personas = _officers(tree)
    responses = assert_permission_matrix(
        USERS_URL,
        personas,
        Expect.api(other_scope=200, insufficient_clearance=200, agency=200),
    )
    for name, user in personas.as_dict().items():
        if user is not None:
            assert [u["username"] for u in responses[name].json()["results"]] == [user.username]


def test_user_list_auditors_see_the_accounts_of_their_scope(tree: Tree, target: User) -> None:
    in_a = make_user(tree.cell_a, Role.BVCT_OFFICER)
    personas = _auditors(tree)
    everyone = sorted(User.objects.values_list("username", flat=True))

    responses = assert_permission_matrix(
        USERS_URL,
        personas,
        Expect.api(other_scope=200, insufficient_clearance=200, agency=200),
    )

    assert [u["username"] for u in responses["allowed"].json()["results"]] == everyone
    assert [u["username"] for u in responses["other_scope"].json()["results"]] == sorted(
        [in_a.username, personas.other_scope.username]
    )
    assert [u["username"] for u in responses["agency"].json()["results"]] == [
        personas.agency.username
    ]


def test_user_list_output_has_no_secrets(tree: Tree, target: User) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    body = signed_in(admin).get(USERS_URL).json()["results"]
    row = next(u for u in body if u["username"] == "muctieu.b")
    assert row == {
        "id": str(target.public_id),
        "username": "muctieu.b",
        "full_name": "Người Thử Nghiệm",
        "email": "",
        "citizen_id": "",
        "organisation": "t-b",
        "scope": "t-b",
        "roles": ["BVCT_OFFICER"],
        "clearance": "MAT",
        "is_active": True,
        "version": 1,
        "pending_grant": None,
    }


def test_user_list_query_count_does_not_grow(
    tree: Tree, django_assert_max_num_queries: Any
) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    client = signed_in(admin)
    for org in (tree.committee_a, tree.committee_b, tree.agency, tree.cell_a, tree.board) * 5:
        make_user(org, Role.BVCT_OFFICER)
    client.get(USERS_URL)  # settle the session
    # session, user, the list; one more if the idle clock is written back: never per row.
    with django_assert_max_num_queries(5):  # session, user, count, page, waiting grants
        response = client.get(USERS_URL)
    assert response.json()["count"] == User.objects.count() == 26


# --- GET /api/users/<id>/ -----------------------------------------------------------------------


def test_user_detail_matrix_for_administrators(tree: Tree, target: User) -> None:
    responses = assert_permission_matrix(
        _detail_url(target),
        _sysadmins(tree),
        Expect.api(other_scope=200, insufficient_clearance=200),
    )
    assert responses["allowed"].json()["id"] == str(target.public_id)
    assert responses["agency"].json() == {"code": "not_found", "detail": "Không tìm thấy."}


def test_user_detail_matrix_for_auditors(tree: Tree, target: User) -> None:
    # Clearance plays no part for accounts: the board auditor without clearance sees them too.
    assert_permission_matrix(
        _detail_url(target),
        _auditors(tree),
        Expect.api(insufficient_clearance=200),
    )


def test_user_detail_matrix_for_officers_of_the_same_committee(tree: Tree, target: User) -> None:
    assert_permission_matrix(_detail_url(target), _officers(tree), Expect.api(allowed=404))


def test_hidden_user_answers_exactly_like_a_missing_one(tree: Tree, target: User) -> None:
    client = signed_in(make_user(tree.committee_b, Role.BVCT_OFFICER))
    hidden = client.get(_detail_url(target))
    missing = client.get(f"{USERS_URL}{uuid.uuid4()}/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


# --- PATCH /api/users/<id>/ ---------------------------------------------------------------------


def test_user_patch_matrix_for_administrators(tree: Tree, target: User) -> None:
    def data() -> dict[str, Any]:
        return {
            "version": User.objects.get(pk=target.pk).version,
            "full_name": f"Tên {next(_names)}",
        }

    responses = assert_permission_matrix(
        _detail_url(target),
        _sysadmins(tree),
        Expect.api(other_scope=200, insufficient_clearance=200),
        method="patch",
        data=data,
        state=lambda: account_state(target),
    )
    # Three administrators changed it in turn, each from the version they had just read.
    target.refresh_from_db()
    assert target.version == 4
    assert responses["allowed"].json()["version"] == 4
    assert responses["allowed"].json()["full_name"] == target.full_name


@pytest.mark.parametrize("personas", [_auditors, _officers])
def test_user_patch_is_refused_to_non_administrators(
    tree: Tree, target: User, personas: Any
) -> None:
    group = personas(tree)
    mark = last_seq()
    assert_permission_matrix(
        _detail_url(target),
        group,
        Expect.api(allowed=404),  # even the board auditor, who may read the account
        method="patch",
        data={"version": 1, "roles": [Role.SYSADMIN], "clearance": "TUYET_MAT"},
        state=lambda: account_state(target),
    )
    assert account_state(target)[0] == 1
    assert events_since(mark) == []


def test_user_patch_by_administrator_is_audited(tree: Tree, target: User) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    mark = last_seq()
    response = signed_in(admin).patch(
        _detail_url(target),
        {"version": 1, "roles": ["bvct_officer", "secret_clerk"], "clearance": "Tối mật"},
        content_type="application/json",
    )
    assert response.status_code == 202  # the widening waits for a second administrator
    waiting = response.json()["pending_grant"]
    assert waiting["roles"] == ["BVCT_OFFICER", "SECRET_CLERK"]
    assert waiting["clearance"] == "TOI_MAT"
    second = make_user(tree.board, Role.SYSADMIN)
    response = signed_in(second).post(f"{USERS_URL}grants/{waiting['id']}/confirm/")
    assert response.status_code == 200
    assert response.json()["roles"] == ["BVCT_OFFICER", "SECRET_CLERK"]
    assert response.json()["clearance"] == "TOI_MAT"
    assert response.json()["version"] == 2
    [event] = events_since(mark, action=AuditAction.USER_GRANT_CONFIRM)
    assert event.action == AuditAction.USER_GRANT_CONFIRM
    assert event.actor_public_id == second.public_id
    assert event.object_public_id == str(target.public_id)
    assert (event.before["roles"], event.after["roles"]) == (
        ["BVCT_OFFICER"],
        ["BVCT_OFFICER", "SECRET_CLERK"],
    )
    assert (event.before["clearance"], event.after["clearance"]) == (
        Classification.MAT,
        Classification.TOI_MAT,
    )


def test_user_patch_with_a_stale_version_is_a_conflict(tree: Tree, target: User) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    services.user_update(actor=admin, user=target, full_name="Đã sửa trước")
    before = account_state(target)
    mark = last_seq()

    response = signed_in(admin).patch(
        _detail_url(target),
        {"version": 1, "full_name": "Ghi đè", "is_active": False},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "vừa được người khác sửa" in response.json()["detail"]
    assert account_state(target) == before
    assert events_since(mark) == []


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({"roles": ["KHONG_CO"]}, "roles", "Vai trò không tồn tại: 'KHONG_CO'"),
        ({"clearance": "bí mật"}, "clearance", "Mức tiếp cận bí mật không hợp lệ: 'bí mật'"),
        ({"organisation": "khong-co"}, "organisation", "Không có tổ chức mã 'khong-co'"),
    ],
)
def test_user_patch_refuses_bad_values_with_a_specific_message(
    tree: Tree, target: User, payload: dict[str, Any], field: str, fragment: str
) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    before = account_state(target)
    response = signed_in(admin).patch(
        _detail_url(target),
        {"version": 1, "full_name": "Không được lưu", **payload},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert fragment in response.json()["detail"]
    assert account_state(target) == before


def test_user_patch_without_version_is_refused(tree: Tree, target: User) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    before = account_state(target)
    response = signed_in(admin).patch(
        _detail_url(target), {"full_name": "X"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "version" in response.json()
    assert account_state(target) == before


def test_administrator_cannot_lock_themself_through_the_api(tree: Tree) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    client = signed_in(admin)
    response = client.patch(
        _detail_url(admin), {"version": 1, "is_active": False}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "is_active"
    assert User.objects.get(pk=admin.pk).is_active
    assert client.get("/api/me/").status_code == 200


# --- POST /api/users/ ---------------------------------------------------------------------------


def _new_user(**overrides: Any) -> dict[str, Any]:
    return {
        "username": f"moi.{next(_names)}",
        "full_name": "Trần Thị Bích",
        "organisation": "t-a",
        "roles": ["BVCT_OFFICER"],
        "clearance": "MAT",
        "password": PASSWORD,
        **overrides,
    }


def test_user_create_matrix_for_administrators(tree: Tree) -> None:
    count = User.objects.count

    responses = assert_permission_matrix(
        USERS_URL,
        _sysadmins(tree),
        Expect.api(other_scope=201, insufficient_clearance=201, agency=403, allowed=201),
        method="post",
        data=_new_user,
        state=count,
    )

    body = responses["allowed"].json()
    created = User.objects.get(public_id=body["id"])
    assert created.organisation == tree.committee_a
    assert created.check_password(PASSWORD)
    assert body["clearance"] == "NONE" and body["roles"] == []  # until a second one confirms
    assert body["pending_grant"]["clearance"] == "MAT"
    assert "password" not in body
    assert responses["agency"].json() == {
        "code": "permission_denied",
        "detail": "Chỉ quản trị hệ thống được tạo tài khoản.",
    }


@pytest.mark.parametrize("personas", [_auditors, _officers])
def test_user_create_is_refused_to_non_administrators(tree: Tree, personas: Any) -> None:
    group = personas(tree)
    mark = last_seq()
    assert_permission_matrix(
        USERS_URL,
        group,
        Expect.api(other_scope=403, insufficient_clearance=403, agency=403, allowed=403),
        method="post",
        data=_new_user,
        state=User.objects.count,
    )
    assert events_since(mark) == []


def test_user_create_by_administrator_is_audited(tree: Tree) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    mark = last_seq()
    response = signed_in(admin).post(
        USERS_URL,
        _new_user(username="tran.bich", organisation="t-btc", clearance="tuyệt mật"),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["scope"] == "t-root"
    assert response.json()["pending_grant"]["clearance"] == "TUYET_MAT"
    [event, _request] = events_since(mark)
    assert event.action == AuditAction.USER_CREATE
    assert event.actor_public_id == admin.public_id
    assert event.object_public_id == response.json()["id"]
    assert event.before is None
    assert event.after["username"] == "tran.bich"
    assert event.after["clearance"] == Classification.NONE
    assert _request.after["clearance"] == "TUYET_MAT"
    assert PASSWORD not in str(event.after)


@pytest.mark.parametrize(
    ("overrides", "field", "detail"),
    [
        (
            {"organisation": "khong-co-ma"},
            "organisation",
            "Không có tổ chức mã 'khong-co-ma'.",
        ),
        (
            {"roles": ["BVCT_OFFICER", "GIAM_DOC"]},
            "roles",
            "Vai trò không tồn tại: 'GIAM_DOC'. Các vai trò hợp lệ: "
            "BVCT_OFFICER, COMMITTEE_MEMBER, AGENCY_OFFICER, SECRET_CLERK, AUDITOR, SYSADMIN.",
        ),
        (
            {"clearance": "mat mat"},
            "clearance",
            "Mức tiếp cận bí mật không hợp lệ: 'mat mat'. "
            "Dùng một trong: NONE, MAT, TOI_MAT, TUYET_MAT.",
        ),
        (
            {"username": "moi.trung"},
            "username",
            "Tên đăng nhập 'moi.trung' đã được dùng.",
        ),
    ],
)
def test_user_create_refuses_bad_values_with_a_specific_message(
    tree: Tree, overrides: dict[str, Any], field: str, detail: str
) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    make_user(tree.committee_b, username="moi.trung")
    users_before = User.objects.count()
    mark = last_seq()

    response = signed_in(admin).post(
        USERS_URL, _new_user(**overrides), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "detail": detail, "field": field}
    assert User.objects.count() == users_before
    assert events_since(mark) == []


def test_user_create_with_missing_fields_is_refused(tree: Tree) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    users_before = User.objects.count()
    response = signed_in(admin).post(
        USERS_URL, {"username": "thieu.truong"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert {"full_name", "organisation", "roles"} <= set(response.json())
    assert User.objects.count() == users_before
