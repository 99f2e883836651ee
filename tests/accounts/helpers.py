"""Small helpers shared by the accounts tests."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Max
from django.test import Client

from bvct.audit.models import AuditEvent


def last_seq() -> int:
    """The newest audit sequence number now: pass it to events_since() to see what follows."""
    return AuditEvent.objects.aggregate(m=Max("seq"))["m"] or 0


def event_text(event: AuditEvent) -> str:
    """Every stored column of an event as one string, to search it for secrets."""
    values = {f.attname: getattr(event, f.attname) for f in AuditEvent._meta.concrete_fields}
    return json.dumps(values, default=str, ensure_ascii=False)


def signed_in(user: Any) -> Client:
    """A client signed in as ``user`` (no password needed)."""
    client = Client()
    client.force_login(user)
    return client


def account_state(user: Any) -> tuple[Any, ...]:
    """What a write to an account could change, read afresh: a refused one must leave it."""
    from bvct.accounts.models import User

    fresh = User.objects.get(pk=user.pk)
    return (
        fresh.version, fresh.full_name, fresh.roles, fresh.clearance, fresh.is_active,
        fresh.organisation_id, fresh.scope_id, fresh.password,
    )  # fmt: skip


def second_administrator() -> Any:
    """Another administrator (made once per test), the one who confirms grants."""
    from bvct.accounts.models import User
    from bvct.core.constants import Role
    from tests.factories import make_user

    other = User.objects.filter(username="quantri-xacnhan").first()
    if other is None:
        root = User.objects.filter(roles__contains=[Role.SYSADMIN]).first()
        assert root is not None, "an administrator must exist to confirm"
        other = make_user(root.organisation, Role.SYSADMIN, username="quantri-xacnhan")
    return other


def confirm_pending(user: Any) -> Any:
    """Confirm the access waiting for ``user`` as a second administrator; the account after."""
    from bvct.accounts import grants

    grant = grants.pending_grant(user)
    assert grant is not None, "no access is waiting for this account"
    return grants.grant_confirm(actor=second_administrator(), grant=grant)
