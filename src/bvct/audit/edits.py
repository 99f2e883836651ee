"""Versioned edits: lock the row, refuse a stale version, save and audit only real changes.

Every service that edits a ``PublicModel`` row follows the same steps; keeping them here means
none of them can forget the conflict check or the audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

from bvct.audit.services import audit_record, snapshot
from bvct.core.errors import ConflictError
from bvct.core.gate import SystemPrincipal

if TYPE_CHECKING:
    from bvct.accounts.models import User
    from bvct.orgs.models import Organisation

M = TypeVar("M", bound=models.Model)


def lock_for_edit(
    queryset: models.QuerySet[M], pk: Any, expected_version: int | None, conflict: str
) -> M:
    """The row, locked until the transaction ends; ConflictError if someone changed it since
    the caller read ``expected_version``."""
    row = queryset.select_for_update(of=("self",)).get(pk=pk)
    if expected_version is not None and row.version != expected_version:  # type: ignore[attr-defined]
        raise ConflictError(conflict)
    return row


def save_edit(
    row: M,
    *,
    before: dict[str, Any],
    fields: Iterable[str],
    actor: User | SystemPrincipal,
    action: str,
    org: Organisation | None,
) -> bool:
    """Save ``row`` with its version bumped and one audit event, if anything changed."""
    after = snapshot(row, fields)
    if after == before:
        return False
    row.version += 1  # type: ignore[attr-defined]
    row.save()
    audit_record(actor=actor, action=action, obj=row, org=org, before=before, after=after)
    return True
