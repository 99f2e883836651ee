"""One's own password, changed on a page: the current one first, the new one twice, checked
as every password is; audited, the session kept, the old API tokens revoked."""

from __future__ import annotations

import pytest
from django.test import Client

from bvct.accounts.models import ApiToken, User
from bvct.accounts.services import api_token_create
from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from tests.conftest import events_since
from tests.factories import PASSWORD, Tree, make_user

pytestmark = pytest.mark.django_db
URL = "/accounts/doi-mat-khau/"
NEW = "Mot-mat-khau-moi-2026!"


def _signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_an_officer_changes_their_own_password(tree: Tree, audit_mark: int) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    api_token_create(actor=officer, name="máy trạm")
    client = _signed_in(officer)
    page = client.get(URL)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    response = client.post(URL, {"current": PASSWORD, "new": NEW, "again": NEW})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    assert client.get("/").status_code == 200  # still signed in
    assert not ApiToken.objects.filter(user=officer, revoked_at__isnull=True).exists()
    [event] = events_since(audit_mark, action=AuditAction.USER_SET_PASSWORD)
    assert event.actor_public_id == officer.public_id
    assert NEW not in str(event.payload) and PASSWORD not in str(event.payload)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"current": "sai-mat-khau-roi", "new": NEW, "again": NEW}, "Mật khẩu hiện tại không đúng"),
        ({"current": PASSWORD, "new": NEW, "again": NEW + "x"}, "không giống nhau"),
        ({"current": PASSWORD, "new": PASSWORD, "again": PASSWORD}, "phải khác mật khẩu hiện tại"),
        ({"current": PASSWORD, "new": "ngan", "again": "ngan"}, "12"),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(
    tree: Tree, audit_mark: int, data: dict[str, str], message: str
) -> None:
    officer = make_user(tree.committee_a, Role.COMMITTEE_MEMBER)
    response = _signed_in(officer).post(URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    assert events_since(audit_mark, action=AuditAction.USER_SET_PASSWORD) == []


def test_a_password_an_administrator_set_must_be_changed_before_anything_else(
    tree: Tree, audit_mark: int
) -> None:
    from bvct.accounts.services import user_set_password

    admin = make_user(tree.board, Role.SYSADMIN)
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    temporary = "Tam-thoi-do-quan-tri-dat-1"
    user_set_password(actor=admin, user=officer, password=temporary)
    officer.refresh_from_db()
    assert officer.must_change_password
    client = Client()
    assert client.login(username=officer.username, password=temporary)
    # The administrator knows that password: pages lead to the change, the API refuses.
    for url in ("/", "/ho-so/", "/audit/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, URL), url
    api = client.get("/api/me/")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"current": temporary, "new": NEW, "again": NEW})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.must_change_password
    assert client.get("/").status_code == 200 and client.get("/api/me/").status_code == 200
    set_by_admin, own = events_since(audit_mark, action=AuditAction.USER_SET_PASSWORD)
    assert set_by_admin.after["must_change"] and not own.after["must_change"]


def test_an_account_created_with_a_password_typed_by_the_administrator_must_change_it(
    tree: Tree,
) -> None:
    from bvct.accounts.services import user_create

    admin = make_user(tree.board, Role.SYSADMIN)
    user = user_create(
        actor=admin, username="moi.tao", full_name="Người Mới", organisation_code="t-a",
        roles=[Role.BVCT_OFFICER], password="Do-quan-tri-go-2026!",
    )  # fmt: skip
    assert user.must_change_password
    # A command run on the server by the account's own owner (the system) is no one else.
    assert not make_user(tree.committee_a, Role.BVCT_OFFICER).must_change_password


def test_wrong_current_passwords_are_recorded_and_delayed_like_failed_sign_ins(
    tree: Tree, audit_mark: int
) -> None:
    """Whoever finds a session open cannot try passwords on this page without limit: each wrong
    current password is an event, and past the free failures the page waits, even for the
    right one."""
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    client = _signed_in(officer)
    free = 5
    for _ in range(free + 1):
        client.post(URL, {"current": "doan-sai-mat-khau", "new": NEW, "again": NEW})
    events = events_since(audit_mark, action=AuditAction.PASSWORD_CHANGE_FAILED)
    assert len(events) == free + 1
    assert events[0].actor_public_id == officer.public_id
    assert "doan-sai-mat-khau" not in str(events[-1].payload)
    assert "delayed_until" in events[-1].after
    response = client.post(URL, {"current": PASSWORD, "new": NEW, "again": NEW})
    assert "nhiều lần từ máy này" in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
