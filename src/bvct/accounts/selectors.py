"""Reads about accounts (rows come from User.objects.visible_to)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from bvct.accounts.models import User, UserQuerySet
from bvct.core.constants import Action
from bvct.core.gate import get_for_user
from bvct.core.text import normalize


def user_list(*, user: Any, query: str = "", status: str = "") -> UserQuerySet:
    """The accounts the user may see, by name (no diacritics needed) or user name;
    ``status`` "active" or "disabled" narrows to those."""
    qs = User.objects.visible_to(user, Action.VIEW).select_related("organisation", "scope")
    key = normalize(query)
    if key:
        qs = qs.filter(Q(name_norm__contains=key) | Q(username__contains=key.replace(" ", "")))
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "disabled":
        qs = qs.filter(is_active=False)
    return qs.order_by("username")


def user_get_for_user(*, user: Any, public_id: Any, action: str = Action.VIEW) -> User:
    """One account through the gate; hidden and missing both raise Http404."""
    qs: Any = User.objects.select_related("organisation__kind", "scope")
    return get_for_user(qs, user, action=action, public_id=public_id)
