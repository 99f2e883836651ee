"""Account services behind the administrator's pages: nobody widens their own access, the
scope chosen with the organisation, a password reset held to the version the page showed,
temporary passwords, name search."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.test import Client

from bvct.accounts import grants, services
from bvct.accounts.models import User
from bvct.accounts.selectors import user_list
from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from tests.accounts.helpers import confirm_pending, event_text
from tests.conftest import events_since
from tests.factories import PASSWORD, Tree, make_user

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Mat-khau-moi-cua-ban-2026"


@pytest.fixture
def admin(tree: Tree) -> User:
    return make_user(tree.board, Role.SYSADMIN, clearance="MAT")


def _access(user: User) -> tuple[Any, ...]:
    fresh = User.objects.get(pk=user.pk)
    return fresh.version, fresh.roles, fresh.clearance, fresh.organisation_id, fresh.scope_id


# --- nobody changes their own access ------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"roles": [Role.SYSADMIN, Role.AUDITOR]}, "roles"),
        ({"roles": [Role.SYSADMIN, Role.BVCT_OFFICER]}, "roles"),
        ({"clearance": "TUYET_MAT"}, "clearance"),
        ({"organisation_code": "t-a"}, "organisation"),
        ({"scope_code": "t-a"}, "scope"),
    ],
)
def test_an_administrator_cannot_change_their_own_access(
    admin: User, audit_mark: int, change: dict[str, Any], field: str
) -> None:
    before = _access(admin)
    with pytest.raises(PermissionDeniedError) as err:
        services.user_update(actor=admin, user=admin, expected_version=1, **change)
    assert err.value.field == field
    assert "chính mình" in err.value.message
    assert _access(admin) == before
    assert events_since(audit_mark) == []


def test_an_administrator_may_change_their_own_name(admin: User, audit_mark: int) -> None:
    services.user_update(actor=admin, user=admin, full_name="Tên Mới", roles=[Role.SYSADMIN])
    assert User.objects.get(pk=admin.pk).full_name == "Tên Mới"
    [event] = events_since(audit_mark, action=AuditAction.USER_UPDATE)
    assert event.after["full_name"] == "Tên Mới"


def test_another_administrator_may_change_their_access(admin: User, tree: Tree) -> None:
    other = make_user(tree.board, Role.SYSADMIN)
    services.user_update(actor=other, user=admin, roles=[Role.AUDITOR], clearance="MAT")
    # The administrator role goes at once; the auditor's waits for a third administrator.
    assert User.objects.get(pk=admin.pk).roles == []
    grant = grants.pending_grant(admin)
    assert grant is not None
    grants.grant_confirm(actor=make_user(tree.board, Role.SYSADMIN), grant=grant)
    assert User.objects.get(pk=admin.pk).roles == [Role.AUDITOR]


@pytest.mark.parametrize(
    "roles",
    [
        [Role.SYSADMIN, Role.AUDITOR],
        [Role.SYSADMIN, Role.BVCT_OFFICER],
        [Role.SYSADMIN, Role.SECRET_CLERK],
        [Role.AUDITOR, Role.BVCT_OFFICER],
    ],
)
def test_one_account_never_holds_roles_that_must_stay_apart(
    admin: User, tree: Tree, audit_mark: int, roles: list[str]
) -> None:
    # The administrator reads no personal data; the auditor does not do what they audit.
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    with pytest.raises(ValidationFailed) as err:
        services.user_update(actor=admin, user=officer, roles=roles)
    assert err.value.field == "roles" and "hai tài khoản" in err.value.message
    with pytest.raises(ValidationFailed):
        make_user(tree.committee_a, *roles)
    assert User.objects.get(pk=officer.pk).roles == [Role.BVCT_OFFICER]
    assert events_since(audit_mark, action=AuditAction.USER_UPDATE) == []


def test_the_api_refuses_an_administrator_giving_themself_roles(admin: User) -> None:
    client = Client()
    client.force_login(admin)
    before = _access(admin)
    response = client.patch(
        f"/api/users/{admin.public_id}/",
        {"version": 1, "roles": ["SYSADMIN", "BVCT_OFFICER"], "clearance": "TUYET_MAT"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "chính mình" in response.json()["detail"]
    assert _access(admin) == before


# --- scope --------------------------------------------------------------------------------------


def test_the_scope_may_be_narrower_than_the_organisation(admin: User, tree: Tree) -> None:
    user = services.user_create(
        actor=admin,
        username="canbo.a1",
        full_name="Lê Thị Thu",
        organisation_code=tree.committee_a.code,
        scope_code=tree.grassroots_a.code,
        roles=[Role.BVCT_OFFICER],
    )
    assert (user.organisation, user.scope) == (tree.committee_a, tree.grassroots_a)
    # Board staff work for the committee the board serves: any part of it may be their scope.
    board = services.user_create(
        actor=admin,
        username="canbo.btc",
        full_name="Lê Văn Tú",
        organisation_code=tree.board.code,
        scope_code=tree.committee_b.code,
        roles=[Role.BVCT_OFFICER],
    )
    assert board.scope == tree.committee_b


def test_the_scope_may_not_reach_outside_the_organisation(
    admin: User, tree: Tree, audit_mark: int
) -> None:
    count = User.objects.count()
    with pytest.raises(ValidationFailed) as err:
        services.user_create(
            actor=admin,
            username="canbo.x",
            full_name="Lê Văn X",
            organisation_code=tree.committee_a.code,
            scope_code=tree.committee_b.code,
            roles=[Role.BVCT_OFFICER],
        )
    assert err.value.field == "scope"
    assert tree.committee_a.name in err.value.message
    assert User.objects.count() == count
    assert events_since(audit_mark) == []


def test_changing_the_scope_and_back_to_the_default(admin: User, tree: Tree) -> None:
    user = make_user(tree.committee_a, Role.BVCT_OFFICER)
    user = services.user_update(actor=admin, user=user, scope_code=tree.cell_a.code)
    assert user.scope == tree.cell_a  # narrower: at once
    # A move to another organisation without a scope: that organisation's own (once confirmed).
    user = services.user_update(actor=admin, user=user, organisation_code=tree.committee_b.code)
    assert user.scope == tree.cell_a
    user = confirm_pending(user)
    assert user.scope == tree.committee_b
    user = services.user_update(
        actor=admin, user=user, organisation_code=tree.committee_a.code, scope_code=""
    )
    assert confirm_pending(user).scope == tree.committee_a


# --- password reset -----------------------------------------------------------------------------


def test_a_password_reset_from_a_stale_page_is_refused(
    admin: User, tree: Tree, audit_mark: int
) -> None:
    user = make_user(tree.committee_a, Role.BVCT_OFFICER)
    services.user_update(actor=admin, user=user, is_active=False)  # meanwhile, on another page
    mark = events_since(audit_mark)[-1].seq
    with pytest.raises(ConflictError) as err:
        services.user_set_password(
            actor=admin, user=user, password=NEW_PASSWORD, expected_version=1
        )
    assert "vừa được người khác sửa" in err.value.message
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
    assert events_since(mark) == []


def test_a_password_reset_from_the_current_page_is_audited_without_the_secret(
    admin: User, tree: Tree, audit_mark: int
) -> None:
    user = make_user(tree.committee_a, Role.BVCT_OFFICER)
    updated = services.user_set_password(
        actor=admin, user=user, password=NEW_PASSWORD, expected_version=1
    )
    assert updated.version == 2
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    [event] = events_since(audit_mark, action=AuditAction.USER_SET_PASSWORD)
    assert event.actor_public_id == admin.public_id
    assert NEW_PASSWORD not in event_text(event)


def test_temporary_passwords_pass_the_password_rules_and_differ(tree: Tree) -> None:
    user = make_user(tree.committee_a, Role.BVCT_OFFICER)
    seen = {services.temporary_password() for _ in range(200)}
    assert len(seen) == 200
    for password in seen:
        validate_password(password, user)
        assert not set(password) & set("0O1lI")


# --- name search --------------------------------------------------------------------------------


def test_accounts_are_found_by_name_without_diacritics(admin: User, tree: Tree) -> None:
    services.user_create(
        actor=admin,
        username="ntlan",
        full_name="Nguyễn Thị Lan",
        organisation_code=tree.committee_a.code,
        roles=[],
    )
    found = list(user_list(user=admin, query="nguyen thi LAN").values_list("username", flat=True))
    assert found == ["ntlan"]
    assert list(user_list(user=admin, query="Nguyễn Thị").values_list("username", flat=True)) == [
        "ntlan"
    ]
    assert list(user_list(user=admin, query="ntla").values_list("username", flat=True)) == ["ntlan"]
    renamed = services.user_update(
        actor=admin, user=User.objects.get(username="ntlan"), full_name="Đỗ Thị Lan"
    )
    assert renamed.name_norm == "do thi lan"
    assert not user_list(user=admin, query="nguyen thi lan").exists()
    disabled = services.user_update(actor=admin, user=renamed, is_active=False)
    assert disabled in user_list(user=admin, query="do thi", status="disabled")
    assert disabled not in user_list(user=admin, query="do thi", status="active")
