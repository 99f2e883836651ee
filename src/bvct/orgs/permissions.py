"""May this user change the organisation tree (the rows come from
``Organisation.objects.visible_to``)."""

from __future__ import annotations

from typing import Any

from bvct.core.constants import Action
from bvct.core.gate import may


def can_manage_organisations(user: Any) -> bool:
    """Change the organisation tree and management scope: whoever was granted administration."""
    return may(user, Action.ADMINISTER)
