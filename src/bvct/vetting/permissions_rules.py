"""Who may read and change the rule pack and the working-day calendar. Neither holds personal
data: every active account reads them (officers need to know the rules they work under);
only whoever was granted administration changes them."""

from __future__ import annotations

from typing import Any

from bvct.core.constants import Action
from bvct.core.gate import active_user, may


def can_view_rules(user: Any) -> bool:
    """Read the rule pack (every version) and the entered calendar days."""
    return active_user(user) is not None


def can_manage_rules(user: Any) -> bool:
    """Edit a draft, publish it, enter days off and make-up working days."""
    return may(user, Action.ADMINISTER)
