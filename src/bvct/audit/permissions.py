"""May this user read the audit trail (which events: ``AuditEvent.objects.visible_to``)."""

from __future__ import annotations

from typing import Any

from bvct.core.constants import Action
from bvct.core.gate import may


def can_view_audit(user: Any) -> bool:
    """Search the audit trail of one's own scope: whoever was granted auditing."""
    return may(user, Action.AUDIT)
