"""Account services: creation, changes and passwords, each with its audit event; the parsers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bvct.accounts import grants, services
from bvct.accounts.models import User
from bvct.audit.constants import AuditAction
from bvct.core.constants import Classification, Role
from bvct.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from bvct.core.gate import SYSTEM
from tests.accounts.helpers import confirm_pending, event_text, last_seq
from tests.conftest import events_since
from tests.factories import PASSWORD, Tree, make_user

NEW_PASSWORD = "Doi-mat-khau-moi-2026"


@pytest.fixture
def admin(tree: Tree) -> User:
    """The administrator who acts; a second one (made first) confirms grants."""
    make_user(tree.board, Role.SYSADMIN, username="quantri-xacnhan")
    return make_user(tree.board, Role.SYSADMIN, username="quantri")


def _create(admin: User, tree: Tree, confirm: bool = True, **overrides: Any) -> User:
    """An account made by ``admin``; with ``confirm``, its access confirmed by another."""
    kwargs: dict[str, Any] = {
        "actor": admin,
        "username": "nguyenvana",
        "full_name": "Nguyễn Văn A",
        "organisation_code": tree.committee_a.code,
        "roles": [Role.BVCT_OFFICER],
        "clearance": "MAT",
        "password": PASSWORD,
    }
    kwargs.update(overrides)
    user = services.user_create(**kwargs)
    if confirm and grants.pending_grant(user) is not None:
        user = confirm_pending(user)
    return user


# --- user_create ------------------------------------------------------------------------------


def test_user_create_records_the_account_and_its_audit_event(
    admin: User, tree: Tree, audit_mark: int
) -> None:
    user = _create(
        admin,
        tree,
        confirm=False,
        email=" a@example.vn ",
        roles=["bvct_officer", "COMMITTEE_MEMBER"],
    )
    user = confirm_pending(user)

    user.refresh_from_db()
    assert user.organisation == tree.committee_a
    assert user.scope == tree.committee_a
    assert user.roles == [Role.BVCT_OFFICER, Role.COMMITTEE_MEMBER]
    assert user.clearance == Classification.MAT
    assert user.email == "a@example.vn"
    assert user.check_password(PASSWORD)
    assert user.version == 2  # made without access, then given it by the second administrator

    event, request, confirmed = events_since(audit_mark)
    assert [request.action, confirmed.action] == [
        AuditAction.USER_GRANT_REQUEST,
        AuditAction.USER_GRANT_CONFIRM,
    ]
    assert request.actor_username == "quantri"
    assert request.after["roles"] == ["BVCT_OFFICER", "COMMITTEE_MEMBER"]
    assert confirmed.actor_username == "quantri-xacnhan"
    assert confirmed.before["roles"] == [] and confirmed.after["roles"] == request.after["roles"]
    assert event.action == AuditAction.USER_CREATE
    assert event.actor_public_id == admin.public_id
    assert event.actor_username == "quantri"
    assert event.object_type == "accounts.user"
    assert event.object_public_id == str(user.public_id)
    assert event.org_path == tree.committee_a.path
    assert event.before is None
    assert event.after == {
        "username": "nguyenvana",
        "full_name": "Nguyễn Văn A",
        "email": "a@example.vn",
        "citizen_id": "",
        "organisation": str(tree.committee_a.public_id),
        "scope": str(tree.committee_a.public_id),
        "roles": [],
        "clearance": Classification.NONE,
        "is_active": True,
    }
    assert PASSWORD not in event_text(event)
    assert user.password not in event_text(event)


def test_board_member_works_in_the_parent_committee(
    admin: User, tree: Tree, audit_mark: int
) -> None:
    user = _create(admin, tree, organisation_code=tree.board.code)

    assert user.organisation == tree.board
    assert user.scope == tree.root  # Ban Tổ chức staff work for the Tỉnh ủy it serves
    [event] = events_since(audit_mark, action=AuditAction.USER_CREATE)
    assert event.after["organisation"] == str(tree.board.public_id)
    assert event.after["scope"] == str(tree.root.public_id)


def test_agency_member_works_in_their_own_agency(admin: User, tree: Tree) -> None:
    user = _create(admin, tree, organisation_code=tree.agency.code, roles=[Role.AGENCY_OFFICER])
    assert user.scope == tree.agency


def test_user_create_without_password_cannot_sign_in(
    admin: User, tree: Tree, audit_mark: int
) -> None:
    user = _create(admin, tree, password=None)
    assert not user.has_usable_password()
    [event] = events_since(audit_mark, action=AuditAction.USER_CREATE)
    assert event.action == AuditAction.USER_CREATE
    assert event.after["username"] == "nguyenvana"


def test_system_actor_is_recorded_as_no_one(tree: Tree, audit_mark: int) -> None:
    user = services.user_create(
        actor=SYSTEM,
        username="hethong1",
        full_name="Tài khoản hệ thống",
        organisation_code=tree.root.code,
        roles=[],
    )
    [event] = events_since(audit_mark)
    assert event.actor_public_id is None
    assert event.actor_username == ""
    assert event.object_public_id == str(user.public_id)
    assert event.after["roles"] == []
    assert event.after["clearance"] == Classification.NONE


@pytest.mark.parametrize(
    ("overrides", "field", "fragments"),
    [
        pytest.param(
            {"organisation_code": "khong-co-ma"},
            "organisation",
            ["Không có tổ chức mã", "'khong-co-ma'"],
            id="unknown-organisation",
        ),
        pytest.param(
            {"roles": [Role.BVCT_OFFICER, "KE_TOAN"]},
            "roles",
            ["Vai trò không tồn tại", "'KE_TOAN'", "SYSADMIN"],
            id="unknown-role",
        ),
        pytest.param(
            {"clearance": "rat mat"},
            "clearance",
            ["Mức tiếp cận bí mật không hợp lệ", "'rat mat'", "TUYET_MAT"],
            id="malformed-clearance",
        ),
        pytest.param(
            {"clearance": 7},
            "clearance",
            ["Mức tiếp cận bí mật không hợp lệ", "7"],
            id="clearance-out-of-range",
        ),
        pytest.param(
            {"username": "ab"},
            "username",
            ["Tên đăng nhập gồm 3–64 ký tự"],
            id="username-too-short",
        ),
        pytest.param(
            {"username": "nguyễn văn a"},
            "username",
            ["Tên đăng nhập gồm 3–64 ký tự", "không dấu"],
            id="username-with-accents-and-spaces",
        ),
        pytest.param(
            {"full_name": "   "},
            "full_name",
            ["Cần nhập họ và tên"],
            id="blank-full-name",
        ),
        pytest.param(
            {"password": "123456789012345"},
            "password",
            ["Mật khẩu này hoàn toàn là số"],
            id="numeric-password",
        ),
        pytest.param(
            {"password": "nguyenvana2026!"},
            "password",
            ["Mật khẩu quá giống với"],
            id="password-like-username",
        ),
    ],
)
def test_user_create_refuses_bad_input_and_changes_nothing(
    admin: User,
    tree: Tree,
    audit_mark: int,
    overrides: dict[str, Any],
    field: str,
    fragments: list[str],
) -> None:
    users_before = User.objects.count()
    with pytest.raises(ValidationFailed) as info:
        _create(admin, tree, **overrides)
    assert info.value.field == field
    for fragment in fragments:
        assert fragment in info.value.message
    assert User.objects.count() == users_before
    assert not User.objects.filter(username="nguyenvana").exists()
    assert events_since(audit_mark) == []


def test_duplicate_username_is_refused_whatever_its_case(
    admin: User, tree: Tree, audit_mark: int
) -> None:
    _create(admin, tree)
    mark = events_since(audit_mark)[-1].seq
    users_before = User.objects.count()

    with pytest.raises(ValidationFailed) as info:
        _create(admin, tree, username="  NguyenVanA ", organisation_code=tree.committee_b.code)

    assert info.value.field == "username"
    assert info.value.message == "Tên đăng nhập 'nguyenvana' đã được dùng."
    assert User.objects.count() == users_before
    assert User.objects.get(username="nguyenvana").organisation == tree.committee_a
    assert events_since(mark) == []


def test_bad_username_message_names_the_value(admin: User, tree: Tree) -> None:
    with pytest.raises(ValidationFailed) as info:
        _create(admin, tree, username="x!")
    assert "x!" in info.value.message


def test_short_password_is_refused_in_vietnamese(admin: User, tree: Tree, audit_mark: int) -> None:
    users_before = User.objects.count()
    with pytest.raises(ValidationFailed) as info:
        _create(admin, tree, password="Ngan-1")
    assert info.value.field == "password"
    assert User.objects.count() == users_before
    assert events_since(audit_mark) == []
    assert "too short" not in info.value.message
    assert "quá ngắn" in info.value.message


@pytest.mark.parametrize("roles", [[Role.BVCT_OFFICER], [Role.AUDITOR], [Role.COMMITTEE_MEMBER]])
def test_user_create_by_a_non_administrator_is_denied(
    tree: Tree, audit_mark: int, roles: list[str]
) -> None:
    actor = make_user(tree.board, *roles, clearance="TUYET_MAT")
    mark = events_since(audit_mark)[-1].seq
    users_before = User.objects.count()
    with pytest.raises(PermissionDeniedError, match="Chỉ quản trị hệ thống"):
        _create(actor, tree)
    assert User.objects.count() == users_before
    assert events_since(mark) == []


def test_a_disabled_administrator_is_denied(admin: User, tree: Tree) -> None:
    make_user(tree.board, Role.SYSADMIN)  # someone must remain to administer the system
    services.user_update(actor=SYSTEM, user=admin, is_active=False)
    admin.refresh_from_db()
    with pytest.raises(PermissionDeniedError):
        _create(admin, tree)
    assert not User.objects.filter(username="nguyenvana").exists()


# --- user_update ------------------------------------------------------------------------------


def test_user_update_records_roles_and_clearance_before_and_after(admin: User, tree: Tree) -> None:
    user = _create(admin, tree)
    made = user.version
    mark = last_seq()

    updated = services.user_update(
        actor=admin,
        user=user,
        expected_version=made,
        roles=["committee_member", "BVCT_OFFICER"],
        clearance="Tối mật",
    )

    assert updated.version == user.version  # nothing applies before the second administrator
    confirm_pending(user)
    user.refresh_from_db()
    assert user.roles == [Role.BVCT_OFFICER, Role.COMMITTEE_MEMBER]
    assert user.clearance == Classification.TOI_MAT
    assert user.version == updated.version + 1
    [_request, event] = events_since(mark)
    assert event.action == AuditAction.USER_GRANT_CONFIRM
    assert event.actor_username == "quantri-xacnhan"
    assert event.object_public_id == str(user.public_id)
    assert event.before["roles"] == ["BVCT_OFFICER"]
    assert event.after["roles"] == ["BVCT_OFFICER", "COMMITTEE_MEMBER"]
    assert event.before["clearance"] == Classification.MAT
    assert event.after["clearance"] == Classification.TOI_MAT
    unchanged = {k for k in event.before if k not in {"roles", "clearance"}}
    assert {k: event.before[k] for k in unchanged} == {k: event.after[k] for k in unchanged}


def test_moving_a_user_recomputes_the_scope(admin: User, tree: Tree, audit_mark: int) -> None:
    user = _create(admin, tree)
    services.user_update(actor=admin, user=user, organisation_code=tree.board.code)
    user.refresh_from_db()
    # An officer moved reads other people's dossiers: that waits for the second administrator.
    assert (user.organisation, user.scope) == (tree.committee_a, tree.committee_a)
    confirm_pending(user)
    user.refresh_from_db()
    assert (user.organisation, user.scope) == (tree.board, tree.root)
    [event] = events_since(audit_mark, action=AuditAction.USER_GRANT_CONFIRM)[-1:]
    assert event.before["scope"] == str(tree.committee_a.public_id)
    assert event.after["scope"] == str(tree.root.public_id)
    assert event.after["organisation"] == str(tree.board.public_id)


def test_stale_version_is_refused_and_changes_nothing(admin: User, tree: Tree) -> None:
    user = _create(admin, tree)
    made = user.version
    services.user_update(actor=admin, user=user, expected_version=made, full_name="Nguyễn Văn Á")
    mark = last_seq()

    with pytest.raises(ConflictError, match="vừa được người khác sửa") as info:
        services.user_update(
            actor=admin, user=user, expected_version=made, clearance="TUYET_MAT", roles=[]
        )

    assert info.value.code == "conflict"
    user.refresh_from_db()
    assert (user.version, user.clearance, user.roles, user.full_name) == (
        made + 1,
        Classification.MAT,
        [Role.BVCT_OFFICER],
        "Nguyễn Văn Á",
    )
    assert events_since(mark) == []


def test_an_update_that_changes_nothing_writes_no_event(admin: User, tree: Tree) -> None:
    user = _create(admin, tree)
    made = user.version
    mark = last_seq()

    # The same values spelled differently: role codes in lower case, clearance by name.
    result = services.user_update(
        actor=admin,
        user=user,
        expected_version=made,
        full_name=" Nguyễn Văn A ",
        roles=["bvct_officer", "BVCT_OFFICER"],
        clearance="mật",
        organisation_code=tree.committee_a.code,
        is_active=True,
    )

    assert result.version == made
    user.refresh_from_db()
    assert user.version == made
    assert events_since(mark) == []


def test_administrator_cannot_deactivate_themself(admin: User, audit_mark: int) -> None:
    with pytest.raises(ValidationFailed, match="Không thể tự khóa") as info:
        services.user_update(actor=admin, user=admin, is_active=False, full_name="Đổi tên")
    assert info.value.field == "is_active"
    admin.refresh_from_db()
    assert admin.is_active
    assert admin.full_name == "Người Thử Nghiệm"
    assert admin.version == 1
    assert events_since(audit_mark) == []


def test_administrator_deactivates_another_account(admin: User, tree: Tree) -> None:
    user = _create(admin, tree)
    mark = last_seq()
    services.user_update(actor=admin, user=user, expected_version=user.version, is_active=False)
    user.refresh_from_db()
    assert not user.is_active
    [event] = events_since(mark)
    assert (event.before["is_active"], event.after["is_active"]) == (True, False)
    assert event.actor_public_id == admin.public_id


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"roles": ["QUAN_LY"]}, "roles", "'QUAN_LY'"),
        ({"clearance": "mật lắm"}, "clearance", "'mật lắm'"),
        ({"organisation_code": "khong-co"}, "organisation", "'khong-co'"),
        ({"full_name": ""}, "full_name", "Cần nhập họ và tên"),
    ],
)
def test_user_update_refuses_bad_input_and_changes_nothing(
    admin: User, tree: Tree, overrides: dict[str, Any], field: str, fragment: str
) -> None:
    user = _create(admin, tree)
    made = user.version
    mark = last_seq()
    # A valid change listed first must not be saved either.
    with pytest.raises(ValidationFailed) as info:
        services.user_update(actor=admin, user=user, email="moi@example.vn", **overrides)
    assert info.value.field == field
    assert fragment in info.value.message
    user.refresh_from_db()
    assert (user.email, user.version) == ("", made)
    assert events_since(mark) == []


def test_user_update_by_a_non_administrator_is_denied(admin: User, tree: Tree) -> None:
    user = _create(admin, tree)
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT")
    mark = last_seq()
    for target in (user, officer):  # not even on one's own account
        with pytest.raises(PermissionDeniedError):
            services.user_update(actor=officer, user=target, roles=[Role.SYSADMIN])
    assert User.objects.get(pk=officer.pk).roles == [Role.BVCT_OFFICER]
    assert events_since(mark) == []


# --- user_set_password ------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["self", "admin"])
def test_set_password_keeps_no_secret_in_the_audit_trail(admin: User, tree: Tree, by: str) -> None:
    user = _create(admin, tree)
    made = user.version
    old_hash = User.objects.get(pk=user.pk).password
    mark = last_seq()
    actor = user if by == "self" else admin

    services.user_set_password(actor=actor, user=user, password=NEW_PASSWORD)

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(PASSWORD)
    assert user.version == made + 1
    [event] = events_since(mark)
    assert event.action == AuditAction.USER_SET_PASSWORD
    assert event.actor_public_id == actor.public_id
    assert event.object_public_id == str(user.public_id)
    assert event.before is None
    # A password the administrator chose must be changed by its owner before anything else.
    assert event.after == {"api_tokens_revoked": 0, "must_change": by != "self"}
    assert user.must_change_password == (by != "self")
    text = event_text(event)
    for secret in (NEW_PASSWORD, PASSWORD, user.password, old_hash):
        assert secret not in text
    assert "password" not in json.dumps([event.before, event.after])


def test_set_password_of_someone_else_needs_an_administrator(admin: User, tree: Tree) -> None:
    user = _create(admin, tree)
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    mark = last_seq()
    with pytest.raises(PermissionDeniedError):
        services.user_set_password(actor=officer, user=user, password=NEW_PASSWORD)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert events_since(mark) == []


def test_weak_new_password_is_refused_and_changes_nothing(admin: User, tree: Tree) -> None:
    user = _create(admin, tree)
    made = user.version
    mark = last_seq()
    with pytest.raises(ValidationFailed, match="hoàn toàn là số") as info:
        services.user_set_password(actor=user, user=user, password="202620262026")
    assert info.value.field == "password"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user.version == made
    assert events_since(mark) == []


# --- parsers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SYSADMIN", Role.SYSADMIN),
        ("sysadmin", Role.SYSADMIN),
        ("  Bvct_Officer ", Role.BVCT_OFFICER),
        ("agency_officer", Role.AGENCY_OFFICER),
    ],
)
def test_role_parse_accepts_codes_in_any_case(raw: str, expected: Role) -> None:
    assert Role.parse(raw) is expected


@pytest.mark.parametrize("raw", ["", "ADMIN", "Quản trị hệ thống", "BVCT OFFICER", "SYSADMIN2"])
def test_role_parse_rejects_anything_else(raw: str) -> None:
    with pytest.raises(ValueError):
        Role.parse(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NONE", Classification.NONE),
        ("toi_mat", Classification.TOI_MAT),
        ("Tuyet_Mat", Classification.TUYET_MAT),
        (0, Classification.NONE),
        (3, Classification.TUYET_MAT),
        ("2", Classification.TOI_MAT),
        (" 1 ", Classification.MAT),
        ("Tối mật", Classification.TOI_MAT),
        ("TỐI MẬT", Classification.TOI_MAT),
        ("toi mat", Classification.TOI_MAT),
        ("Mật", Classification.MAT),
        ("mat", Classification.MAT),
        ("Tuyệt mật", Classification.TUYET_MAT),
        ("Không mật", Classification.NONE),
        ("không", Classification.NONE),
    ],
)
def test_classification_parse(raw: str | int, expected: Classification) -> None:
    assert Classification.parse(raw) is expected
    assert services.parse_clearance(raw) is expected


@pytest.mark.parametrize("raw", ["", "4", -1, 9, "-1", "mật mật", "secret", "toimat", "²"])
def test_classification_parse_rejects_anything_else(raw: str | int) -> None:
    with pytest.raises(ValueError):
        Classification.parse(raw)
    with pytest.raises(ValidationFailed) as info:
        services.parse_clearance(raw)
    assert info.value.field == "clearance"
    assert repr(raw) in info.value.message


def test_parse_roles_names_the_unknown_role_and_deduplicates() -> None:
    assert services.parse_roles(["auditor", "AUDITOR", "bvct_officer"]) == [
        "AUDITOR",
        "BVCT_OFFICER",
    ]
    with pytest.raises(ValidationFailed, match="'thu ky'") as info:
        services.parse_roles(["auditor", "thu ky"])
    assert info.value.field == "roles"


_CLEARANCE_WORDS = st.sampled_from(
    ["mật", "Mật", "tối", "TỐI", "tuyệt", "không", "khong", "toi", "mat", "_", " ", "-", "NONE"]
)


@given(
    st.one_of(
        st.text(),
        st.text(alphabet=st.characters(categories=["Nd", "No", "Zs"])),
        st.lists(_CLEARANCE_WORDS, max_size=4).map("".join),
        st.lists(_CLEARANCE_WORDS, max_size=4).map(" ".join),
        st.integers(min_value=-5, max_value=10**6).map(str),
    )
)
def test_parse_clearance_returns_a_level_or_a_validation_error(raw: str) -> None:
    try:
        level = services.parse_clearance(raw)
    except ValidationFailed as exc:
        assert exc.field == "clearance"
        assert repr(raw) in exc.message
    else:
        assert isinstance(level, Classification)
        assert level in list(Classification)


def test_the_last_active_administrator_cannot_be_removed(tree: Tree) -> None:
    only = make_user(tree.board, Role.SYSADMIN)
    others = User.objects.filter(roles__contains=[Role.SYSADMIN], is_active=True).exclude(
        pk=only.pk
    )
    assert not others.exists(), "the session tree has no other administrator"
    mark = last_seq()
    with pytest.raises(ValidationFailed, match="ít nhất một quản trị hệ thống"):
        services.user_update(actor=SYSTEM, user=only, roles=[Role.AUDITOR])
    with pytest.raises(ValidationFailed, match="ít nhất một quản trị hệ thống"):
        services.user_update(actor=SYSTEM, user=only, is_active=False)
    assert User.objects.get(pk=only.pk).roles == [Role.SYSADMIN]
    second = make_user(tree.board, Role.SYSADMIN)
    services.user_update(actor=SYSTEM, user=only, roles=[Role.AUDITOR])
    assert User.objects.get(pk=only.pk).roles == [Role.AUDITOR]
    assert second.is_active
    assert len(events_since(mark, action=AuditAction.USER_UPDATE)) == 1


def test_a_new_password_revokes_api_tokens(admin: User, tree: Tree) -> None:
    user = _create(admin, tree)
    _token, key = services.api_token_create(actor=user, name="máy trạm", days=30)
    assert services.api_token_authenticate(key) == user
    services.user_set_password(actor=user, user=user, password=NEW_PASSWORD)
    assert services.api_token_authenticate(key) is None
    [event] = events_since(last_seq() - 1, action=AuditAction.USER_SET_PASSWORD)
    assert event.after == {"api_tokens_revoked": 1, "must_change": False}


def test_the_citizen_id_is_twelve_digits_and_audited(admin: User, tree: Tree) -> None:
    user = _create(admin, tree, citizen_id="0012 3456 7890")
    assert User.objects.get(pk=user.pk).citizen_id == "001234567890"
    mark = last_seq()
    with pytest.raises(ValidationFailed, match="12 chữ số") as info:
        services.user_update(actor=admin, user=user, citizen_id="12345")
    assert info.value.field == "citizen_id"
    assert events_since(mark) == []
    services.user_update(actor=admin, user=user, citizen_id="")
    [event] = events_since(mark)
    assert (event.before["citizen_id"], event.after["citizen_id"]) == ("001234567890", "")
