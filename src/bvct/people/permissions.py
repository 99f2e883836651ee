"""May this user do X with dossiers (rows come from Dossier.objects.visible_to)."""

from __future__ import annotations

from typing import Any

from bvct.accounts.constants import Role
from bvct.core.gate import active_user


def can_use_dossiers(user: Any, action: str = "view") -> bool:
    """Whether the user's roles give any access to dossier data for ``action`` at all
    (which dossiers is the gate's business: ``Dossier.objects.visible_to``)."""
    from bvct.people.models import dossier_condition

    return dossier_condition(user, action) is not None


def can_edit_dossiers_in(user: Any, org_path: str, classification: int) -> bool:
    """Open dossiers and submit declarations: BVCTNB officers, in scope, cleared enough."""
    actor = active_user(user)
    return (
        actor is not None
        and actor.has_role(Role.BVCT_OFFICER)
        and org_path.startswith(actor.scope_path)
        and classification <= actor.clearance
    )


def can_view_access_log(user: Any) -> bool:
    """The dossier's access log tab: auditors."""
    actor = active_user(user)
    return actor is not None and actor.has_role(Role.AUDITOR)
