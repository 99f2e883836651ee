"""Organisation rows as the gate lets a user see them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bvct.core.constants import Action
from bvct.core.gate import GateQuerySet, active_user, may

if TYPE_CHECKING:
    from bvct.orgs.models import Organisation  # noqa: F401  (named in the generic base)


class OrganisationQuerySet(GateQuerySet["Organisation"]):
    def subtree(self, path: str) -> OrganisationQuerySet:
        """The organisation at ``path`` and everything below it: one indexed prefix match."""
        return self.filter(path__startswith=path)

    def visible_to(self, user: Any, action: str = Action.VIEW) -> OrganisationQuerySet:
        actor = active_user(user)
        if actor is None:
            return self.none()
        if may(actor, Action.ADMINISTER):
            # The administrator configures the tree; organisations hold no personal data.
            return self.all()
        if action != Action.VIEW:
            return self.none()
        # Everyone else reads their own scope's subtree and the chain of organisations above it.
        return self.subtree(actor.scope_path) | self.filter(
            path__in=ancestor_paths(actor.scope_path)
        )


def ancestor_paths(path: str) -> list[str]:
    """'/1/4/9/' -> ['/1/', '/1/4/'] (strict ancestors, no query needed)."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]
