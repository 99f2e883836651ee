"""Reads about organisations and management scope."""

from __future__ import annotations

from typing import Any

from bvct.core.constants import Action
from bvct.orgs.models import ManagementScope, ManagementTier, Organisation
from bvct.orgs.querysets import OrganisationQuerySet, ancestor_paths


def organisation_list(*, user: Any, query: str = "") -> OrganisationQuerySet:
    qs = Organisation.objects.visible_to(user, Action.VIEW).select_related("kind", "parent")
    if query:
        qs = qs.filter(name__icontains=query) | qs.filter(code__icontains=query)
    return qs.order_by("path")


def competent_body_for(org: Organisation, tier: ManagementTier) -> Organisation | None:
    """The committee that manages cadres of ``tier`` working in ``org`` (nearest rule wins)."""
    scope = (
        ManagementScope.objects.filter(
            tier=tier, subject_root__path__in=[*ancestor_paths(org.path), org.path]
        )
        .select_related("managing_org")
        .order_by("-subject_root__depth")
        .first()
    )
    return scope.managing_org if scope else None


def scope_root_for(org: Organisation) -> Organisation:
    """The organisation whose subtree a member of ``org`` works in.

    Staff of an advisory board (Ban Tổ chức) work for the committee the board serves.
    """
    if org.kind.is_advisory and org.parent_id is not None:
        assert org.parent is not None
        return org.parent
    return org
