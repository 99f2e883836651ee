"""API tokens: shown once, stored as a hash, refused when revoked, expired, wrong or malformed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from bvct.accounts import services
from bvct.accounts.models import ApiToken, User
from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.errors import ValidationFailed
from bvct.core.gate import SYSTEM
from tests.accounts.helpers import event_text, last_seq
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.permission_matrix import Expect, assert_permission_matrix, make_personas

ME_URL = "/api/me/"
TOKENS_URL = "/api/tokens/"


@pytest.fixture
def official(tree: Tree) -> User:
    return make_user(tree.committee_a, Role.BVCT_OFFICER, username="canbo.token")


def _bearer(key: str, scheme: str = "Bearer") -> dict[str, str]:
    return {"Authorization": f"{scheme} {key}"}


def _row_values(token: ApiToken) -> list[str]:
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    return [str(v) for v in row.values()]


# --- the service ------------------------------------------------------------------------------


def test_token_create_stores_only_the_hash_and_audits_without_the_key(
    official: User, audit_mark: int
) -> None:
    before = timezone.now()
    token, key = services.api_token_create(actor=official, name="  Máy chủ báo cáo ", days=30)

    assert key.startswith("bvct_") and len(key) > 40
    token.refresh_from_db()
    assert token.user == official
    assert token.name == "Máy chủ báo cáo"
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:12]
    assert all(key not in value for value in _row_values(token))
    expected_expiry = before + dt.timedelta(days=30)
    assert abs((token.expires_at - expected_expiry).total_seconds()) < 60
    assert token.revoked_at is None and token.last_used_at is None

    [event] = events_since(audit_mark)
    assert event.action == AuditAction.TOKEN_CREATE
    assert event.actor_public_id == official.public_id
    assert event.object_type == "accounts.apitoken"
    assert event.object_public_id == str(token.public_id)
    assert event.before is None
    assert event.after["name"] == "Máy chủ báo cáo"
    assert event.after["prefix"] == token.prefix
    assert key not in event_text(event)
    assert token.key_hash not in event_text(event)


def test_each_token_gets_its_own_key(official: User) -> None:
    keys = {services.api_token_create(actor=official, name=f"t{i}")[1] for i in range(5)}
    assert len(keys) == 5


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"name": "   "}, "name", "Cần đặt tên cho mã truy cập."),
        ({"name": "x", "days": 0}, "days", "Thời hạn từ 1 đến 366 ngày."),
        ({"name": "x", "days": 367}, "days", "Thời hạn từ 1 đến 366 ngày."),
    ],
)
def test_token_create_refuses_bad_input(
    official: User, audit_mark: int, kwargs: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as info:
        services.api_token_create(actor=official, **kwargs)
    assert (info.value.field, info.value.message) == (field, message)
    assert not ApiToken.objects.filter(user=official).exists()
    assert events_since(audit_mark) == []


def test_token_revoke_is_audited_once(official: User) -> None:
    token, _ = services.api_token_create(actor=official, name="t")
    mark = last_seq()
    services.api_token_revoke(actor=official, token=token)
    services.api_token_revoke(actor=official, token=token)  # already revoked: nothing new
    token.refresh_from_db()
    assert token.revoked_at is not None
    [event] = events_since(mark)
    assert event.action == AuditAction.TOKEN_REVOKE
    assert event.actor_public_id == official.public_id
    assert event.object_public_id == str(token.public_id)


# --- authenticating with a token --------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "Token"])
def test_valid_token_authenticates(official: User, scheme: str) -> None:
    token, key = services.api_token_create(actor=official, name="t")
    response = Client().get(ME_URL, headers=_bearer(key, scheme))
    assert response.status_code == 200
    assert response.json()["username"] == "canbo.token"
    assert response.json()["id"] == str(official.public_id)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_used_is_written_at_most_once_a_minute(official: User) -> None:
    token, key = services.api_token_create(actor=official, name="t")
    client = Client()
    client.get(ME_URL, headers=_bearer(key))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get(ME_URL, headers=_bearer(key))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - dt.timedelta(minutes=2)
    )
    client.get(ME_URL, headers=_bearer(key))
    latest = ApiToken.objects.get(pk=token.pk).last_used_at
    assert latest is not None and latest > first


def test_token_request_needs_no_csrf_token(official: User) -> None:
    token, key = services.api_token_create(actor=official, name="t")
    client = Client(enforce_csrf_checks=True)
    response = client.delete(f"{TOKENS_URL}{token.public_id}/", headers=_bearer(key))
    assert response.status_code == 204


def _revoked(user: User) -> str:
    token, key = services.api_token_create(actor=user, name="t")
    services.api_token_revoke(actor=user, token=token)
    return key


def _expired(user: User) -> str:
    token, key = services.api_token_create(actor=user, name="t")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    return key


def _wrong(user: User) -> str:
    _, key = services.api_token_create(actor=user, name="t")
    return key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")


def _inactive_owner(user: User) -> str:
    _, key = services.api_token_create(actor=user, name="t")
    services.user_update(actor=SYSTEM, user=user, is_active=False)
    return key


@pytest.mark.parametrize("make_key", [_revoked, _expired, _wrong, _inactive_owner])
def test_unusable_token_gets_401(official: User, make_key: Any) -> None:
    key = make_key(official)
    response = Client().get(ME_URL, headers=_bearer(key))
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Mã truy cập không hợp lệ hoặc đã hết hạn.",
        "code": "not_authenticated",
    }
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Bearer a b", "Token x y z"],
)
def test_malformed_authorization_header_gets_401(db: Any, header: str) -> None:
    response = Client().get(ME_URL, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"] == "Mã truy cập không hợp lệ."


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "bvct_abcdef", ""])
def test_other_schemes_are_anonymous_and_get_401(db: Any, header: str) -> None:
    response = Client().get(ME_URL, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_bad_token_is_refused_even_with_a_valid_session(official: User) -> None:
    # An explicit credential that fails is not silently replaced by the session.
    client = Client()
    client.force_login(official)
    assert client.get(ME_URL).status_code == 200
    assert client.get(ME_URL, headers=_bearer("bvct_wrong")).status_code == 401


# --- token endpoints --------------------------------------------------------------------------


def test_token_create_endpoint_shows_the_key_once(official: User, audit_mark: int) -> None:
    client = Client()
    client.force_login(official)
    response = client.post(
        TOKENS_URL, {"name": "Kịch bản đồng bộ", "days": 7}, content_type="application/json"
    )

    assert response.status_code == 201
    body = response.json()
    key = body["key"]
    token = ApiToken.objects.get(public_id=body["id"])
    assert token.user == official
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert body["prefix"] == key[:12]
    listed = client.get(TOKENS_URL).json()
    assert [t["id"] for t in listed] == [body["id"]]
    assert "key" not in listed[0]
    assert key not in json.dumps(listed)
    [event] = events_since(audit_mark, action=AuditAction.TOKEN_CREATE)
    assert event.actor_public_id == official.public_id
    assert key not in event_text(event)
    assert Client().get(ME_URL, headers=_bearer(key)).status_code == 200


@pytest.mark.parametrize("payload", [{"name": ""}, {"name": "x", "days": 0}, {"days": 5}])
def test_token_create_endpoint_refuses_bad_input(official: User, payload: dict[str, Any]) -> None:
    client = Client()
    client.force_login(official)
    response = client.post(TOKENS_URL, payload, content_type="application/json")
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=official).exists()


def test_token_list_shows_only_own_live_tokens(official: User, tree: Tree) -> None:
    other = make_user(tree.committee_a, Role.BVCT_OFFICER)
    live, _ = services.api_token_create(actor=official, name="còn hiệu lực")
    gone, _ = services.api_token_create(actor=official, name="đã thu hồi")
    services.api_token_revoke(actor=official, token=gone)
    services.api_token_create(actor=other, name="của người khác")

    client = Client()
    client.force_login(official)
    response = client.get(TOKENS_URL)

    assert response.status_code == 200
    assert [t["id"] for t in response.json()] == [str(live.public_id)]
    assert set(response.json()[0]) == {"id", "name", "prefix", "expires_at"}


def test_token_list_query_count_does_not_grow(
    official: User, django_assert_max_num_queries: Any
) -> None:
    for i in range(15):
        services.api_token_create(actor=official, name=f"t{i}")
    client = Client()
    client.force_login(official)
    client.get(TOKENS_URL)  # warm the session
    # session, user, the list; one more if the idle clock is written back: never per row.
    with django_assert_max_num_queries(4):
        response = client.get(TOKENS_URL)
    assert len(response.json()) == 15


def test_revoke_endpoint_runs_the_permission_matrix(tree: Tree) -> None:
    personas = make_personas(
        role=Role.BVCT_OFFICER,
        org=tree.committee_a,
        other_org=tree.committee_b,
        agency_org=tree.agency,
    )
    token, key = services.api_token_create(actor=personas.allowed, name="t")

    def state() -> Any:
        return ApiToken.objects.get(pk=token.pk).revoked_at

    # A token is its owner's alone: every other caller, even in the same committee, gets 404.
    assert_permission_matrix(
        f"{TOKENS_URL}{token.public_id}/",
        personas,
        Expect.api(allowed=204),
        method="delete",
        state=state,
    )
    assert state() is not None
    assert Client().get(ME_URL, headers=_bearer(key)).status_code == 401


def test_a_user_cannot_revoke_another_users_token(official: User, tree: Tree) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    token, key = services.api_token_create(actor=official, name="t")
    colleague = make_user(tree.committee_a, Role.BVCT_OFFICER)
    mark = last_seq()
    for intruder in (colleague, admin):
        client = Client()
        client.force_login(intruder)
        response = client.delete(f"{TOKENS_URL}{token.public_id}/")
        missing = client.delete(f"{TOKENS_URL}{uuid.uuid4()}/")
        assert response.status_code == missing.status_code == 404
        assert response.json() == missing.json()  # someone else's token looks missing
    token.refresh_from_db()
    assert token.revoked_at is None
    assert events_since(mark) == []
    assert Client().get(ME_URL, headers=_bearer(key)).status_code == 200


def test_revoking_through_the_api_is_audited(official: User) -> None:
    token, key = services.api_token_create(actor=official, name="t")
    mark = last_seq()
    response = Client().delete(f"{TOKENS_URL}{token.public_id}/", headers=_bearer(key))
    assert response.status_code == 204
    [event] = events_since(mark)
    assert event.action == AuditAction.TOKEN_REVOKE
    assert event.actor_public_id == official.public_id
    assert Client().get(ME_URL, headers=_bearer(key)).status_code == 401


def test_me_endpoint_runs_the_permission_matrix(tree: Tree) -> None:
    personas = make_personas(
        role=Role.BVCT_OFFICER,
        org=tree.committee_a,
        other_org=tree.committee_b,
        agency_org=tree.agency,
    )
    # Everyone signed in may read their own account; the answer is always their own.
    responses = assert_permission_matrix(
        ME_URL,
        personas,
        Expect.api(other_scope=200, insufficient_clearance=200, agency=200),
    )
    for name, user in personas.as_dict().items():
        if user is not None:
            assert responses[name].json()["username"] == user.username


def test_revoke_of_an_unknown_token_answers_like_other_404s(official: User) -> None:
    client = Client()
    client.force_login(official)
    response = client.delete(f"{TOKENS_URL}{uuid.uuid4()}/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Không tìm thấy."}


def test_a_token_cannot_mint_tokens(tree: Tree) -> None:
    from bvct.accounts import services as account_services

    user = make_user(tree.board, Role.BVCT_OFFICER)
    _token, key = account_services.api_token_create(actor=user, name="máy trạm", days=30)
    response = Client().post(
        "/api/tokens/",
        {"name": "thêm", "days": 366},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 403
    assert user.api_tokens.count() == 1
