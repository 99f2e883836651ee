"""Reads about organisations and management scope."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
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


def _as_uuid(key: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(key.strip())
    except ValueError:
        return None


def _by_key(key: str) -> Q:
    """An organisation by its public id (what pages send) or its code (what the API and
    older links send)."""
    public_id = _as_uuid(key)
    return Q(public_id=public_id) if public_id else Q(code=key.strip())


def visible_org_path(*, user: Any, code: str) -> str | None:
    """The path of an organisation the user may see, by code or public id; None when hidden
    or missing."""
    org = Organisation.objects.visible_to(user, Action.VIEW).filter(_by_key(code)).first()
    return org.path if org else None


CHOICES_SHOWN = 30


@dataclass
class OrganisationChoices:
    """What an organisation chooser shows: the matching organisations (the chosen one first)
    and whether more match than are shown."""

    orgs: list[Organisation]
    more: bool


def _in_own_scope(user: Any) -> OrganisationQuerySet:
    """Those the gate lets the user see, within their own scope's subtree (the chain above it
    narrows nothing and holds no dossier they may open): a dossier page's choice."""
    from bvct.core.gate import active_user

    actor = active_user(user)
    if actor is None:
        return Organisation.objects.none()
    return Organisation.objects.visible_to(actor, Action.VIEW).subtree(actor.scope_path)


def _visible(user: Any) -> OrganisationQuerySet:
    """Every organisation the gate lets the user see (the administrator: the whole tree): the
    account pages' choice of an account's organisation and scope."""
    return Organisation.objects.visible_to(user, Action.VIEW)


# Which organisations a chooser offers, by the name its page gives (the chooser's requests
# carry that name, never the organisations themselves): every rule reads through the gate.
CHOOSABLE: dict[str, Callable[[Any], OrganisationQuerySet]] = {
    "scope": _in_own_scope,
    "visible": _visible,
}


def organisation_choosable(*, user: Any, among: str = "scope") -> OrganisationQuerySet:
    """The organisations a user may choose under the rule ``among`` (a key of CHOOSABLE):
    ``scope`` on dossier pages (search filter, new dossier, import), ``visible`` on the
    administrator's account pages."""
    return CHOOSABLE[among](user)


def organisation_choice(*, user: Any, key: str, among: str = "scope") -> Organisation | None:
    """The organisation chosen by its public id (or code), if the user may choose it; None
    for one outside what they may choose exactly as for one that does not exist."""
    if not key or not key.strip():
        return None
    qs = organisation_choosable(user=user, among=among)
    return qs.filter(_by_key(key)).select_related("parent").first()


def organisation_choices(
    *,
    user: Any,
    query: str = "",
    chosen: Organisation | None = None,
    limit: int = CHOICES_SHOWN,
    among: str = "scope",
) -> OrganisationChoices:
    """Choosable organisations whose name (or short name) holds every word of ``query``,
    typed with or without diacritics; the topmost first, then by name."""
    qs = organisation_choosable(user=user, among=among)
    for word in normalize(query).split():
        qs = qs.filter(Q(name_norm__contains=word) | Q(short_name__icontains=word))
    found = list(qs.select_related("parent").order_by("depth", "name_norm", "id")[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    if chosen is not None:
        found = [chosen, *(o for o in found if o.pk != chosen.pk)]
    return OrganisationChoices(found, more)


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
    """The organisation with this code (or public id), or a specific error naming the code.
    Given a ``user``, only among those the user may see: a hidden code gets the same answer as
    a missing one."""
    orgs = (
        Organisation.objects if user is None else Organisation.objects.visible_to(user, Action.VIEW)
    )
    org = orgs.select_related("kind").filter(_by_key(code)).first()
    if org is None:
        if _as_uuid(code):
            raise ValidationFailed("Không có tổ chức này.", field=field)
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
