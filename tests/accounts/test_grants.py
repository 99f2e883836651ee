"""The two-person rule: access that widens waits for a second, different administrator."""

from __future__ import annotations

from typing import Any

import pytest

from bvct.accounts import grants, services
from bvct.accounts.models import AccessGrant, User
from bvct.audit.constants import AuditAction
from bvct.core.constants import Classification, Role
from bvct.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from bvct.core.gate import SYSTEM
from bvct.people import services as people_services
from tests.accounts.helpers import account_state, last_seq, signed_in
from tests.conftest import events_since
from tests.factories import PASSWORD, Tree, make_user
from tests.people.factories import declaration

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(tree: Tree) -> tuple[User, User]:
    return (
        make_user(tree.board, Role.SYSADMIN, username="quantri"),
        make_user(tree.board, Role.SYSADMIN, username="quantri2"),
    )


def _fresh(user: User) -> User:
    return User.objects.select_related("organisation", "scope").get(pk=user.pk)


def test_a_role_given_by_one_administrator_reads_nothing_until_a_second_confirms(
    tree: Tree, admins: tuple[User, User]
) -> None:
    """The outside test's escalation, done the only way left (on another account): the role
    and clearance are asked, not given; the dossiers stay unread until a second person
    agrees."""
    first, second = admins
    people_services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    clerk = make_user(tree.committee_a, Role.SECRET_CLERK, username="vanthu")
    mark = last_seq()

    response = signed_in(first).patch(
        f"/api/users/{clerk.public_id}/",
        {"version": clerk.version, "roles": ["BVCT_OFFICER"], "clearance": "TUYET_MAT"},
        content_type="application/json",
    )

    assert response.status_code == 202
    body = response.json()
    assert body["roles"] == [] and body["clearance"] == "NONE"  # the clerk's role went at once
    assert body["pending_grant"]["roles"] == ["BVCT_OFFICER"]
    assert body["pending_grant"]["clearance"] == "TUYET_MAT"
    assert body["pending_grant"]["requested_by"] == "quantri"
    listed = signed_in(clerk).get("/api/dossiers/")
    assert listed.status_code in (403, 404) or listed.json()["count"] == 0

    confirmed = signed_in(second).post(f"/api/users/grants/{body['pending_grant']['id']}/confirm/")
    assert confirmed.status_code == 200
    assert confirmed.json()["roles"] == ["BVCT_OFFICER"]
    assert confirmed.json()["pending_grant"] is None
    assert signed_in(_fresh(clerk)).get("/api/dossiers/").json()["count"] == 1
    update, request, confirm = [e for e in events_since(mark) if e.object_type == "accounts.user"]
    assert (update.action, update.actor_username) == (AuditAction.USER_UPDATE, "quantri")
    assert update.after["roles"] == []
    assert (request.action, request.actor_username) == (AuditAction.USER_GRANT_REQUEST, "quantri")
    assert request.after["roles"] == ["BVCT_OFFICER"]
    assert (confirm.action, confirm.actor_username) == (AuditAction.USER_GRANT_CONFIRM, "quantri2")
    assert (confirm.before["roles"], confirm.after["roles"]) == ([], ["BVCT_OFFICER"])
    assert request.org_path == confirm.org_path == tree.committee_a.path  # its auditors read it


def test_the_one_who_asked_and_the_account_itself_cannot_confirm(
    tree: Tree, admins: tuple[User, User]
) -> None:
    first, second = admins
    user = make_user(tree.committee_a, Role.BVCT_OFFICER)
    services.user_update(actor=first, user=user, clearance="TOI_MAT")
    grant = grants.pending_grant(user)
    assert grant is not None
    before = account_state(user)
    with pytest.raises(PermissionDeniedError, match="quản trị hệ thống khác"):
        grants.grant_confirm(actor=first, grant=grant)
    assert account_state(user) == before
    assert _fresh(user).clearance == Classification.NONE
    grants.grant_confirm(actor=second, grant=grant)
    assert _fresh(user).clearance == Classification.TOI_MAT


def test_an_administrator_cannot_confirm_access_asked_for_themself(
    tree: Tree, admins: tuple[User, User]
) -> None:
    first, second = admins
    third = make_user(tree.board, Role.SYSADMIN, username="quantri3")
    # Another administrator asks to move the second one's place (no working role: at once)
    # and then to give them a clearance: the second may not confirm their own.
    services.user_update(actor=first, user=second, clearance="MAT")
    grant = grants.pending_grant(second)
    assert grant is not None
    with pytest.raises(PermissionDeniedError, match="chính mình"):
        grants.grant_confirm(actor=second, grant=grant)
    grants.grant_confirm(actor=third, grant=grant)
    assert _fresh(second).clearance == Classification.MAT


def test_a_sock_puppet_administrator_cannot_confirm_anything(
    tree: Tree, admins: tuple[User, User]
) -> None:
    """An administrator who makes a second administrator account gives it no role: it cannot
    be the second person."""
    first, _second = admins
    puppet = services.user_create(
        actor=first,
        username="buinhin",
        full_name="Bù Nhìn",
        organisation_code=tree.board.code,
        roles=[Role.SYSADMIN],
        password=PASSWORD,
    )
    assert _fresh(puppet).roles == []
    user = make_user(tree.committee_a, Role.BVCT_OFFICER)
    services.user_update(actor=first, user=user, clearance="TUYET_MAT")
    grant = grants.pending_grant(user)
    assert grant is not None
    with pytest.raises(PermissionDeniedError):
        grants.grant_confirm(actor=_fresh(puppet), grant=grant)
    # Signed in, it is sent to change its password first; and it has no role anyway.
    answer = signed_in(_fresh(puppet)).post(f"/api/users/grants/{grant.public_id}/confirm/")
    assert answer.status_code in (403, 404)
    assert _fresh(user).clearance == Classification.NONE


def test_narrowing_applies_at_once_and_asks_nothing(tree: Tree, admins: tuple[User, User]) -> None:
    first, _ = admins
    user = make_user(
        tree.committee_a, Role.BVCT_OFFICER, Role.COMMITTEE_MEMBER, clearance="TOI_MAT"
    )
    services.user_update(
        actor=first,
        user=user,
        roles=[Role.COMMITTEE_MEMBER],
        clearance="MAT",
        scope_code=tree.grassroots_a.code,
    )
    fresh = _fresh(user)
    assert (fresh.roles, fresh.clearance, fresh.scope) == (
        [Role.COMMITTEE_MEMBER],
        Classification.MAT,
        tree.grassroots_a,
    )
    assert grants.pending_grant(user) is None


def test_a_mixed_change_takes_away_at_once_and_asks_for_the_rest(
    tree: Tree, admins: tuple[User, User]
) -> None:
    first, second = admins
    user = make_user(tree.committee_a, Role.BVCT_OFFICER, Role.COMMITTEE_MEMBER, clearance="MAT")
    services.user_update(
        actor=first, user=user, roles=[Role.COMMITTEE_MEMBER, Role.SECRET_CLERK], clearance="NONE"
    )
    assert (_fresh(user).roles, _fresh(user).clearance) == ([Role.COMMITTEE_MEMBER], 0)
    grant = grants.pending_grant(user)
    assert grant is not None
    assert grant.roles == [Role.COMMITTEE_MEMBER, Role.SECRET_CLERK] and grant.clearance == 0
    grants.grant_confirm(actor=second, grant=grant)
    assert _fresh(user).roles == [Role.COMMITTEE_MEMBER, Role.SECRET_CLERK]


def test_moving_an_officer_to_another_organisation_waits(
    tree: Tree, admins: tuple[User, User]
) -> None:
    first, second = admins
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    services.user_update(actor=first, user=officer, organisation_code=tree.committee_b.code)
    assert _fresh(officer).scope == tree.committee_a
    grants.grant_confirm(actor=second, grant=grants.pending_grant(officer))  # type: ignore[arg-type]
    assert (_fresh(officer).organisation, _fresh(officer).scope) == (
        tree.committee_b,
        tree.committee_b,
    )
    # An account with no working role moves at once: it reads nobody's data.
    bare = make_user(tree.committee_a)
    services.user_update(actor=first, user=bare, organisation_code=tree.committee_b.code)
    assert _fresh(bare).organisation == tree.committee_b
    assert grants.pending_grant(bare) is None


def test_the_system_gives_access_directly(tree: Tree) -> None:
    user = services.user_create(
        actor=SYSTEM,
        username="hethongcap",
        full_name="Người Được Cấp",
        organisation_code=tree.committee_a.code,
        roles=[Role.BVCT_OFFICER],
        clearance="MAT",
    )
    assert (_fresh(user).roles, _fresh(user).clearance) == ([Role.BVCT_OFFICER], 1)
    assert not AccessGrant.objects.exists()


def test_a_request_changed_under_it_cannot_be_confirmed(
    tree: Tree, admins: tuple[User, User]
) -> None:
    first, second = admins
    user = make_user(tree.committee_a, Role.BVCT_OFFICER, Role.COMMITTEE_MEMBER)
    services.user_update(actor=first, user=user, clearance="MAT")
    grant = grants.pending_grant(user)
    assert grant is not None
    # Meanwhile a role is taken away: the request no longer says what it would widen.
    services.user_update(actor=second, user=user, roles=[Role.BVCT_OFFICER])
    before = account_state(user)
    with pytest.raises(ConflictError, match="đã thay đổi"):
        grants.grant_confirm(actor=second, grant=grant)
    assert account_state(user) == before
    assert AccessGrant.objects.get(pk=grant.pk).status == AccessGrant.Status.PENDING


def test_a_new_request_supersedes_the_pending_one(tree: Tree, admins: tuple[User, User]) -> None:
    first, second = admins
    user = make_user(tree.committee_a, Role.BVCT_OFFICER)
    services.user_update(actor=first, user=user, clearance="MAT")
    old = grants.pending_grant(user)
    services.user_update(actor=second, user=user, clearance="TOI_MAT")
    assert old is not None
    assert AccessGrant.objects.get(pk=old.pk).status == AccessGrant.Status.SUPERSEDED
    with pytest.raises(ConflictError, match="đã được xử lý"):
        grants.grant_confirm(actor=second, grant=old)
    new = grants.pending_grant(user)
    assert new is not None and new.clearance == Classification.TOI_MAT
    grants.grant_confirm(actor=first, grant=new)  # asked by the second: the first confirms
    assert _fresh(user).clearance == Classification.TOI_MAT


def test_refusing_needs_a_reason_and_withdrawing_does_not(
    tree: Tree, admins: tuple[User, User]
) -> None:
    first, second = admins
    user = make_user(tree.committee_a, Role.BVCT_OFFICER)
    services.user_update(actor=first, user=user, clearance="MAT")
    grant = grants.pending_grant(user)
    assert grant is not None
    with pytest.raises(ValidationFailed, match="lý do"):
        grants.grant_decline(actor=second, grant=grant, reason="  ")
    mark = last_seq()
    refused = grants.grant_decline(actor=second, grant=grant, reason="Chưa có quyết định điều động")
    assert refused.status == AccessGrant.Status.REFUSED and refused.decided_by == second
    [event] = events_since(mark)
    assert event.action == AuditAction.USER_GRANT_REFUSE
    assert event.after["reason"] == "Chưa có quyết định điều động"
    assert _fresh(user).clearance == Classification.NONE

    services.user_update(actor=first, user=user, clearance="MAT")
    again = grants.pending_grant(user)
    assert again is not None
    withdrawn = grants.grant_decline(actor=first, grant=again)
    assert withdrawn.status == AccessGrant.Status.WITHDRAWN
    assert events_since(mark)[-1].action == AuditAction.USER_GRANT_WITHDRAW


def test_pages_ask_then_a_second_administrator_confirms(
    tree: Tree, admins: tuple[User, User]
) -> None:
    first, second = admins
    user = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT")
    data: dict[str, Any] = {
        "full_name": user.full_name,
        "email": "",
        "organisation": str(tree.committee_a.public_id),
        "scope": "",
        "roles": [Role.BVCT_OFFICER, Role.COMMITTEE_MEMBER],
        "clearance": "2",
        "version": user.version,
    }
    response = signed_in(first).post(f"/accounts/quan-ly/{user.public_id}/", data, follow=True)
    page = response.content.decode()
    assert "chờ một quản trị hệ thống khác xác nhận" in page
    assert "Bạn là người đề nghị" in page and "Xác nhận cấp quyền" not in page
    assert _fresh(user).roles == [Role.BVCT_OFFICER]

    page = signed_in(second).get(f"/accounts/quan-ly/{user.public_id}/").content.decode()
    assert "Đề nghị cấp quyền chờ xác nhận" in page and "Xác nhận cấp quyền" in page
    grant = grants.pending_grant(user)
    assert grant is not None
    response = signed_in(second).post(f"/accounts/quan-ly/cap-quyen/{grant.public_id}/xac-nhan/")
    assert response.status_code == 302
    assert (_fresh(user).roles, _fresh(user).clearance) == (
        [Role.BVCT_OFFICER, Role.COMMITTEE_MEMBER],
        Classification.TOI_MAT,
    )


def test_auditors_read_the_requests_of_their_scope_and_decide_nothing(
    tree: Tree, admins: tuple[User, User]
) -> None:
    first, _ = admins
    in_a = make_user(tree.committee_a, Role.BVCT_OFFICER, username="canbo-a")
    in_b = make_user(tree.committee_b, Role.BVCT_OFFICER, username="canbo-b")
    for user in (in_a, in_b):
        services.user_update(actor=first, user=user, clearance="MAT")
    auditor = make_user(tree.committee_a, Role.AUDITOR)
    page = signed_in(auditor).get("/accounts/quan-ly/cap-quyen/").content.decode()
    assert "canbo-a" in page and "canbo-b" not in page
    assert "Xác nhận cấp quyền" not in page
    listed = signed_in(auditor).get("/api/users/grants/").json()
    assert [g["user"] for g in listed["results"]] == [str(in_a.public_id)]
    grant = grants.pending_grant(in_a)
    assert grant is not None
    refused = signed_in(auditor).post(f"/api/users/grants/{grant.public_id}/confirm/")
    assert refused.status_code == 404
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT")
    assert signed_in(officer).get("/accounts/quan-ly/cap-quyen/").status_code == 404
    assert signed_in(officer).get("/api/users/grants/").status_code == 404
