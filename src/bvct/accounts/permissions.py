"""May this user manage accounts (the rows come from ``User.objects.visible_to``)."""

from __future__ import annotations

from typing import Any

from bvct.core.constants import Action
from bvct.core.gate import may


def can_manage_users(user: Any) -> bool:
    """Create, change and disable accounts: whoever was granted administration."""
    return may(user, Action.ADMINISTER)
