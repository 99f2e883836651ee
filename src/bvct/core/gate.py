"""The permission gate: the one place that decides which rows a user may see or change.

Every protected model's queryset subclasses :class:`GateQuerySet` and implements
``visible_to(user, action)`` as one SQL condition over indexed columns (organisation path,
classification, assignment). Pages and the API never look an object up any other way:
:func:`get_for_user` raises ``Http404`` for hidden rows exactly as for missing ones, so the
answer does not reveal that a hidden row exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

from bvct.core.constants import Action

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from bvct.accounts.models import User

M = TypeVar("M", bound=models.Model)


class GateQuerySet(models.QuerySet[M]):
    def visible_to(self, user: User | AnonymousUser, action: str = Action.VIEW) -> GateQuerySet[M]:
        raise NotImplementedError(f"{self.model.__name__} must define visible_to()")


def active_user(user: Any) -> User | None:
    """The user if signed in and active, else None (anonymous and disabled users see nothing)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not getattr(user, "is_active", False):
        return None
    return user


def get_for_user(
    queryset: GateQuerySet[M], user: Any, *, action: str = Action.VIEW, **lookup: Any
) -> M:
    """Fetch one row through the gate; hidden and missing both raise Http404."""
    try:
        return queryset.visible_to(user, action).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
