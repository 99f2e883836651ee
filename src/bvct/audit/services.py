"""Writing the audit trail. Services call :func:`audit_record` inside their own transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import connection, models

from bvct.audit.constants import AuditAction
from bvct.core import context
from bvct.core.constants import Classification
from bvct.core.gate import SYSTEM, SystemPrincipal
from bvct.core.ids import uuid7

if TYPE_CHECKING:
    from bvct.accounts.models import User
    from bvct.audit.models import AuditEvent
    from bvct.audit.verify import VerifyResult
    from bvct.orgs.models import Organisation

_INSERT = """
INSERT INTO audit_auditevent (seq, payload, prev_hash, hash)
VALUES (0, %s, '\\x', '\\x')
RETURNING seq
"""


def _json_default(value: Any) -> Any:
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value)
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", value.pk))
    raise TypeError(f"not JSON serialisable for the audit trail: {type(value).__name__}")


def _dumps(value: dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(value, default=_json_default, ensure_ascii=False, sort_keys=True)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of ``instance`` as the audit trail keeps them (FKs by public id)."""
    data: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            related = getattr(instance, name)
            data[name] = getattr(related, "public_id", None) or getattr(related, "code", None)
        else:
            data[name] = getattr(instance, name)
    return json.loads(_dumps(data) or "{}")


def audit_record(
    *,
    actor: User | SystemPrincipal | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    org: Organisation | None = None,
    subject_id: uuid.UUID | None = None,
    classification: int = Classification.NONE,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> int:
    """Append one event to the chain and return its sequence number.

    ``actor`` is the account that acted, :data:`~bvct.core.gate.SYSTEM` for work no person
    does, or None when nobody is signed in (a failed sign-in); the last two are recorded with
    no account. Call it inside the transaction of the change it describes: if that rolls
    back, so does the event. ``org`` is the organisation the event concerns (whose auditors
    may read it); it defaults to the actor's organisation. The trigger adds seq and time to
    the payload and computes the hashes; PostgreSQL derives the searchable columns from the
    payload.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", obj.pk))
        object_label = object_label or str(obj)[:300]
    if org is None:
        org = getattr(actor, "organisation", None)  # the system has none
    ctx = context.current()
    content: dict[str, Any] = {
        "id": str(uuid7()),
        "action": str(action),
        "actor": str(actor.public_id) if actor is not None and actor.public_id else None,
        "actor_username": actor.username if actor is not None else "",
        "org": str(org.public_id) if org else None,
        "org_path": org.path if org else "",
        "object_type": object_type,
        "object_id": object_id,
        "object_label": object_label[:300],
        "subject": str(subject_id) if subject_id else None,
        "classification": int(classification),
        "before": before,
        "after": after,
        "request_id": ctx.request_id,
        "ip": ctx.client_addr,
    }
    # The payload is stored verbatim and hashed as stored: compact, sorted keys, real UTF-8.
    payload = json.dumps(
        content, default=_json_default, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, [payload])
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def audit_search_record(*, actor: User, filters: dict[str, Any]) -> None:
    """An auditor searched the trail: who looked for what is itself on the record."""
    audit_record(
        actor=actor, action=AuditAction.AUDIT_SEARCH, object_type="audit.auditevent", after=filters
    )


def audit_read_record(*, actor: User, event: AuditEvent) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.AUDIT_VIEW,
        object_type="audit.auditevent",
        object_id=str(event.public_id),
        object_label=f"#{event.seq}",
        classification=event.classification,
    )


def audit_verify_record(*, result: VerifyResult) -> None:
    """A verification run and the head it found (the anchor to write down) join the chain."""
    audit_record(
        actor=SYSTEM,
        action=AuditAction.AUDIT_VERIFY,
        object_type="audit.auditevent",
        object_id=str(result.bad_seq or result.head_seq or ""),
        after={
            "ok": result.ok,
            "count": result.count,
            "head": f"{result.head_seq}:{result.head_hash}" if result.head_seq else None,
            "problem": result.problem,
            "bad_seq": result.bad_seq,
        },
    )
