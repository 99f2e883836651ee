"""Reads about organisations and management scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from bvct.core.constants import Action
from bvct.core.errors import ValidationFailed
from bvct.core.text import normalize
from bvct.orgs.models import ManagementScope, ManagementTier, Organisation
from bvct.orgs.querysets import OrganisationQuerySet, ancestor_paths


def organisation_list(*, user: Any, query: str = "") -> OrganisationQuerySet:
    """Organisations the user may see; ``query`` matches names without diacritics, or codes."""
    qs = Organisation.objects.visible_to(user, Action.VIEW).select_related("kind", "parent")
    if query:
        key = normalize(query)
        qs = qs.filter(Q(name_norm__contains=key) | Q(code__icontains=query.strip()))
    return qs.order_by("path")


def visible_org_path(*, user: Any, code: str) -> str | None:
    """The path of an organisation the user may see, by code; None when hidden or missing."""
    org = Organisation.objects.visible_to(user, Action.VIEW).filter(code=code).first()
    return org.path if org else None


def organisation_get_for_user(
    *, user: Any, public_id: str, action: str = Action.VIEW
) -> Organisation:
    from bvct.core.gate import get_for_user

    qs = Organisation.objects.select_related("kind", "parent")
    return get_for_user(qs, user, action=action, public_id=public_id)


def management_scopes_of(*, org: Organisation, user: Any) -> Any:
    """The management rules a committee holds, naming only organisations the user may see."""
    return ManagementScope.objects.filter(
        managing_org=org, subject_root__in=Organisation.objects.visible_to(user)
    ).select_related("tier", "subject_root")


def org_by_code(code: str, *, field: str = "organisation", user: Any = None) -> Organisation:
    """The organisation with this code, or a specific error naming the code. Given a ``user``,
    only among those the user may see: a hidden code gets the same answer as a missing one."""
    orgs = (
        Organisation.objects if user is None else Organisation.objects.visible_to(user, Action.VIEW)
    )
    org = orgs.select_related("kind").filter(code=code).first()
    if org is None:
        raise ValidationFailed(f"Không có tổ chức mã {code!r}.", field=field)
    return org


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
