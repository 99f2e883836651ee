"""May this user do X: predicates used by services and views (the rows come from visible_to)."""

from __future__ import annotations

from typing import Any

from bvct.accounts.constants import Role
from bvct.core.gate import active_user


def _has(user: Any, role: str) -> bool:
    actor = active_user(user)
    return actor is not None and actor.has_role(role)


def can_manage_users(user: Any) -> bool:
    """Create, change and disable accounts: the system administrator."""
    return _has(user, Role.SYSADMIN)


def can_manage_organisations(user: Any) -> bool:
    """Change the organisation tree and management scope: the system administrator."""
    return _has(user, Role.SYSADMIN)


def can_view_audit(user: Any) -> bool:
    """Search the audit trail of one's own scope: auditors."""
    return _has(user, Role.AUDITOR)
