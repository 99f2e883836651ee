"""Small helpers shared by the accounts tests."""

from __future__ import annotations

import json

from django.db.models import Max

from bvct.audit.models import AuditEvent


def last_seq() -> int:
    """The newest audit sequence number now: pass it to events_since() to see what follows."""
    return AuditEvent.objects.aggregate(m=Max("seq"))["m"] or 0


def event_text(event: AuditEvent) -> str:
    """Every stored column of an event as one string, to search it for secrets."""
    values = {f.attname: getattr(event, f.attname) for f in AuditEvent._meta.concrete_fields}
    return json.dumps(values, default=str, ensure_ascii=False)
