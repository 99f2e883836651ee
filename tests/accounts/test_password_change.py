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
