"""Reads of posts, the catalogue, holdings and decisions: every one starts from the gate."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from bvct.core.constants import Action
from bvct.core.gate import get_for_user
from bvct.core.text import normalize
from bvct.people.models import Dossier
from bvct.positions.models import CatalogueEntry, PersonnelDecision, Post, PostHolding


def _named(qs: QuerySet[Any], query: str) -> QuerySet[Any]:
    for word in normalize(query).split():
        qs = qs.filter(name_norm__contains=word)
    return qs


def post_list(
    *,
    user: Any,
    org_path: str = "",
    query: str = "",
    active: bool | None = True,
    action: str = Action.VIEW,
) -> QuerySet[Post]:
    """Posts the user may see (``action``: change, for choosing one to keep), in the
    organisation ``org_path``'s subtree, whose name holds every word of ``query``."""
    qs = Post.objects.visible_to(user, action).select_related("organisation")
    if org_path:
        qs = qs.filter(org_path__startswith=org_path)
    if active is not None:
        qs = qs.filter(is_active=active)
    return _named(qs, query).order_by("org_path", "name_norm", "id")


def post_get_for_user(*, user: Any, public_id: Any, action: str = Action.VIEW) -> Post:
    return get_for_user(
        Post.objects.select_related("organisation"), user, action=action, public_id=public_id
    )


def catalogue_list(
    *,
    user: Any,
    org_path: str = "",
    query: str = "",
    kind: str = "",
    active: bool | None = True,
) -> QuerySet[CatalogueEntry]:
    """Catalogue entries the user may see (up to their clearance), narrowed as asked."""
    qs = CatalogueEntry.objects.visible_to(user).select_related("organisation", "post")
    if org_path:
        qs = qs.filter(org_path__startswith=org_path)
    if kind:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(is_active=active)
    return _named(qs, query).order_by("org_path", "kind", "name_norm", "id")


def catalogue_entry_get_for_user(
    *, user: Any, public_id: Any, action: str = Action.VIEW
) -> CatalogueEntry:
    return get_for_user(
        CatalogueEntry.objects.select_related("organisation", "post"),
        user,
        action=action,
        public_id=public_id,
    )


def holdings_for_dossier(*, user: Any, dossier: Dossier) -> QuerySet[PostHolding]:
    """The person's holdings, plannings and candidacies, open ones first, newest first."""
    return (
        PostHolding.objects.visible_to(user)
        .filter(dossier=dossier)
        .select_related("post__organisation")
        .order_by(F("ends_on").desc(nulls_first=True), "-starts_on", "-id")
    )


def holding_get_for_user(*, user: Any, public_id: Any, action: str = Action.VIEW) -> PostHolding:
    return get_for_user(
        PostHolding.objects.select_related("post", "dossier"),
        user,
        action=action,
        public_id=public_id,
    )


def _decisions(user: Any, action: str = Action.VIEW) -> QuerySet[PersonnelDecision]:
    return PersonnelDecision.objects.visible_to(user, action).select_related(
        "dossier", "post__organisation", "catalogue_entry", "deciding_org"
    )


def decisions_for_dossier(*, user: Any, dossier: Dossier) -> QuerySet[PersonnelDecision]:
    return _decisions(user).filter(dossier=dossier).order_by("-proposed_on", "-id")


def decision_list(
    *,
    user: Any,
    kind: str = "",
    status: str = "",
    org_path: str = "",
) -> QuerySet[PersonnelDecision]:
    """Decisions about dossiers the user may see, newest first; ``org_path``: of dossiers
    managed in that organisation's subtree."""
    qs = _decisions(user)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if org_path:
        qs = qs.filter(dossier__org_path__startswith=org_path)
    return qs.order_by("-proposed_on", "-id")


def decision_get_for_user(
    *, user: Any, public_id: Any, action: str = Action.VIEW
) -> PersonnelDecision:
    return get_for_user(
        PersonnelDecision.objects.select_related(
            "dossier__managing_org", "post__organisation", "catalogue_entry", "deciding_org"
        ),
        user,
        action=action,
        public_id=public_id,
    )
