"""Reading the audit trail (auditors only, through the gate)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from bvct.audit.models import AuditEvent, AuditEventQuerySet
from bvct.core.constants import Action


@dataclass(frozen=True)
class EventFilter:
    actor: str = ""  # username or public id of who acted
    subject: uuid.UUID | None = None  # the person the data is about
    object_id: str = ""  # public id (or code) of the object
    object_type: str = ""
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    before_seq: int | None = None  # keyset pagination: newest first

    def as_audit_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def event_search(*, user: Any, filters: EventFilter, limit: int = 50) -> AuditEventQuerySet:
    """Events the user may read that match the filters, newest first (indexed conditions only)."""
    qs = AuditEvent.objects.visible_to(user, Action.VIEW)
    if filters.actor:
        try:
            qs = qs.filter(actor_public_id=uuid.UUID(filters.actor))
        except ValueError:
            qs = qs.filter(actor_username=filters.actor.strip().lower())
    if filters.subject:
        qs = qs.filter(subject_public_id=filters.subject)
    if filters.object_id:
        qs = qs.filter(object_public_id=filters.object_id.strip())
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.date_from:
        qs = qs.filter(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(occurred_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.before_seq:
        qs = qs.filter(seq__lt=filters.before_seq)
    return qs.order_by("-seq").defer("prev_hash")[:limit]
