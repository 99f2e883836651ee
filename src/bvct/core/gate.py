"""The permission gate: the one place that decides who may do what to which rows.

Three pieces, each defined once:

* :data:`GRANTS`, the roles × actions table: for each role, the actions it may take and how
  far each reaches (:class:`Reach`). An action no role of the user was granted is refused;
  nothing is granted by default.
* :class:`ScopeRule`, the row condition for rows that carry an organisation path and a
  classification (a dossier, and everything that hangs below one). From one definition come
  the ``Q`` for querysets (:meth:`ScopeRule.q`), the SQL fragment with its parameters for
  set-based statements (:meth:`ScopeRule.sql`) and the check of one object
  (:meth:`ScopeRule.allows`).
* :class:`GateQuerySet`: every protected model's queryset. ``visible_to(user, action)`` applies
  the model's rule, on its own columns or through a parent (``gate_lookup = "dossier"``), so
  child rows are gated by their parent, never by convention.

:data:`SYSTEM` is the one principal for work no person does (commands, demo data, the
generator): it may do everything, everywhere, and is audited as the system. ``None`` is no
principal: it sees nothing.

Pages and the API never look an object up any other way: :func:`get_for_user` raises
``Http404`` for hidden rows exactly as for missing ones, so the answer does not reveal that a
hidden row exists.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404

from bvct.core.constants import Action, Classification, Role

M = TypeVar("M", bound=models.Model)


class Reach(enum.Enum):
    """How far a granted action reaches, as a condition on the rows' own columns."""

    SCOPE = "scope"  # rows of the user's scope subtree, up to their clearance
    COMPETENT_BODY = "competent_body"  # rows whose competent body is the user's organisation
    ADDRESSEE = "addressee"  # rows addressed to the user's organisation (an agency's requests)
    ASSIGNED = "assigned"  # rows the user is assigned to
    EVERYWHERE = "everywhere"  # configuration that holds no personal data


_S, _C, _A, _ME = Reach.SCOPE, Reach.COMPETENT_BODY, Reach.ADDRESSEE, Reach.ASSIGNED

#: The roles × actions table (docs/permissions.md). A model's rule says which reaches it has
#: columns for; a reach it has none for grants nothing on it.
GRANTS: Mapping[str, Mapping[str, frozenset[Reach]]] = {
    Role.BVCT_OFFICER: {
        Action.VIEW: frozenset({_S}),
        Action.CHANGE: frozenset({_S}),
        Action.OPEN_CASE: frozenset({_S}),
        Action.ASSIGN: frozenset({_S}),
        Action.REQUEST_VERIFICATION: frozenset({_S}),
    },
    Role.COMMITTEE_MEMBER: {
        Action.VIEW: frozenset({_S}),
        Action.SIGN_CONCLUSION: frozenset({_C}),
    },
    Role.AUDITOR: {
        Action.VIEW: frozenset({_S}),
        Action.AUDIT: frozenset({_S}),
    },
    Role.AGENCY_OFFICER: {
        Action.REPLY_AS_AGENCY: frozenset({_A}),
    },
    Role.SECRET_CLERK: {
        Action.REGISTER_SECRET: frozenset({_S}),
    },
    Role.SYSADMIN: {
        Action.ADMINISTER: frozenset({Reach.EVERYWHERE}),
    },
}


#: Roles one account may not hold together (separation of duties): whoever administers the
#: system reads no personal data, so holds no other role; whoever audits the trail does not
#: also do the dossier work it records.
EXCLUSIVE: tuple[tuple[str, frozenset[str]], ...] = (
    (Role.SYSADMIN, frozenset(Role) - {Role.SYSADMIN}),
    (Role.AUDITOR, frozenset({Role.BVCT_OFFICER})),
)


def conflicting_roles(roles: Any) -> tuple[str, str] | None:
    """Two roles of ``roles`` that one account may not hold together, or None."""
    held = set(roles)
    for role, excluded in EXCLUSIVE:
        if role in held and held & excluded:
            return role, sorted(held & excluded)[0]
    return None


class SystemPrincipal:
    """Work that no person does (management commands, demo data, the generator, migrations).

    It may do everything everywhere; the audit trail records it as the system (no account).
    """

    pk = None
    public_id = None
    username = ""
    full_name = "Hệ thống"
    roles: tuple[str, ...] = ()
    clearance = int(Classification.TUYET_MAT)
    is_active = True
    is_authenticated = True
    scope_path = "/"
    scope_depth = 0

    def has_role(self, role: str) -> bool:
        return False

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemPrincipal()


def is_system(user: Any) -> bool:
    return user is SYSTEM


def active_user(user: Any) -> Any:
    """The principal if it may act at all: :data:`SYSTEM`, or a signed-in, active account;
    else None (anonymous and disabled users see nothing)."""
    if user is SYSTEM:
        return user
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not getattr(user, "is_active", False):
        return None
    return user


def reaches(user: Any, action: str) -> frozenset[Reach]:
    """How far ``action`` reaches for this user: the union over their roles (empty: refused)."""
    actor = active_user(user)
    if actor is None:
        return frozenset()
    if actor is SYSTEM:
        return frozenset({Reach.EVERYWHERE})
    found: set[Reach] = set()
    for role in actor.roles:
        found |= GRANTS.get(role, {}).get(action, frozenset())
    return frozenset(found)


def may(user: Any, action: str) -> bool:
    """Whether any role of the user was granted ``action`` at all (which rows is the rule's)."""
    return bool(reaches(user, action))


def _like_prefix(path: str) -> str:
    """``LIKE`` pattern for the subtree of ``path`` (its LIKE characters escaped)."""
    return path.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"


@dataclass(frozen=True)
class ScopeRule:
    """Which rows a user may act on, for rows with an organisation path and a classification.

    ``actions`` are the actions taken on these rows: any other action lets nobody but
    :data:`SYSTEM` through (a clerk's ``register_secret`` reaches no dossier, whatever its
    scope). ``path`` and ``level`` name the two columns (the same names as model fields and
    as SQL columns). ``columns`` names, per further reach, the column it compares with the
    user: ``COMPETENT_BODY`` and ``ADDRESSEE`` an organisation id (the user's organisation),
    ``ASSIGNED`` an account id (the user). ``everywhere``: whether a grant that reaches
    everywhere (administration) reaches these rows at all; rows of personal data say no.
    Every other reach is bounded by the clearance.

    ``restricted`` names a boolean column: a restricted row drops the ``SCOPE`` reach except
    for the accounts listed in the ``assignees`` array column (account ids) and the members of
    the organisation in the ``COMPETENT_BODY`` column holding one of ``body_roles`` (a
    restricted case: only its assignees and the competent body's committee members).
    """

    actions: frozenset[str]
    path: str = "org_path"
    level: str = "classification"
    columns: Mapping[Reach, str] = field(default_factory=dict)
    everywhere: bool = False
    restricted: str = ""
    assignees: str = ""
    body_roles: frozenset[str] = frozenset()

    def _body_keeps(self, user: Any) -> str | None:
        """The competent-body column, if this user keeps the reach on restricted rows as a
        member of the body (holding one of ``body_roles``, when the rule names some)."""
        body = self.columns.get(Reach.COMPETENT_BODY)
        if not body:
            return None
        if self.body_roles and not any(user.has_role(r) for r in self.body_roles):
            return None
        return body

    def _restricted_q(self, user: Any, prefix: str) -> Q:
        """Who keeps the SCOPE reach on a restricted row (the rule must name ``restricted``)."""
        keep = Q(**{f"{prefix}{self.restricted}": False})
        if self.assignees:
            keep |= Q(**{f"{prefix}{self.assignees}__contains": [user.pk]})
        body = self._body_keeps(user)
        if body:
            keep |= Q(**{f"{prefix}{body}": user.organisation_id})
        return keep

    def _restricted_sql(self, user: Any, col: str) -> tuple[str, list[Any]]:
        parts, values = [f"NOT {col}{self.restricted}"], []
        if self.assignees:
            parts.append(f"{col}{self.assignees} @> ARRAY[{{}}]::bigint[]")
            values.append(user.pk)
        body = self._body_keeps(user)
        if body:
            parts.append(f"{col}{body} = {{}}")
            values.append(user.organisation_id)
        return "(" + " OR ".join(parts) + ")", values

    def _restricted_allows(self, user: Any, get: Any) -> bool:
        if not get(self.restricted):
            return True
        if self.assignees and user.pk in (get(self.assignees) or ()):
            return True
        body = self._body_keeps(user)
        return bool(body) and get(body) == user.organisation_id

    def _terms(self, user: Any, action: str) -> list[tuple[Reach, Any]] | None:
        """The (reach, value) terms that let ``user`` act, or None when none does."""
        actor = active_user(user)
        if actor is None:
            return None
        if actor is SYSTEM:
            return [(Reach.EVERYWHERE, None)]
        if action not in self.actions:
            return None
        terms: list[tuple[Reach, Any]] = []
        for reach in sorted(reaches(actor, action), key=lambda r: r.value):
            if reach is Reach.EVERYWHERE:
                if self.everywhere:
                    return [(reach, None)]
                continue
            if reach is Reach.SCOPE:
                terms.append((reach, actor.scope_path))
            elif reach in self.columns:
                value = actor.pk if reach is Reach.ASSIGNED else actor.organisation_id
                terms.append((reach, value))
        return terms or None

    def q(self, user: Any, action: str = Action.VIEW, prefix: str = "") -> Q | None:
        """The queryset condition (``prefix`` applies it through a relation, ``"dossier__"``);
        None: nothing."""
        terms = self._terms(user, action)
        if terms is None:
            return None
        if terms[0][0] is Reach.EVERYWHERE:
            # A real condition, not Q(): Q() | X would be X, and a caller may OR with it.
            return Q(**{f"{prefix}pk__isnull": False})
        either = Q()
        for reach, value in terms:
            if reach is Reach.SCOPE:
                term = Q(**{f"{prefix}{self.path}__startswith": value})
                if self.restricted:
                    term &= self._restricted_q(active_user(user), prefix)
                either |= term
            else:
                either |= Q(**{f"{prefix}{self.columns[reach]}": value})
        return either & Q(**{f"{prefix}{self.level}__lte": active_user(user).clearance})

    def sql(
        self, user: Any, action: str = Action.VIEW, alias: str = "", named: str = ""
    ) -> tuple[str, Any] | None:
        """The same condition as SQL text over ``alias``'s columns, with its parameters
        (a list; a dict of ``%(named_…)s`` parameters when ``named`` is given); None: nothing."""
        terms = self._terms(user, action)
        if terms is None:
            return None
        if terms[0][0] is Reach.EVERYWHERE:
            return "TRUE", ({} if named else [])
        col = (alias + ".") if alias else ""
        values: list[Any] = []
        parts: list[str] = []
        for reach, value in terms:
            if reach is Reach.SCOPE:
                parts.append(f"{col}{self.path} LIKE {{}}")
                values.append(_like_prefix(value))
                if self.restricted:
                    text, extra = self._restricted_sql(active_user(user), col)
                    parts[-1] = f"({parts[-1]} AND {text})"
                    values += extra
            else:
                parts.append(f"{col}{self.columns[reach]} = {{}}")
                values.append(value)
        values.append(active_user(user).clearance)
        text = f"({' OR '.join(parts)}) AND {col}{self.level} <= {{}}"
        if not named:
            return text.format(*(["%s"] * len(values))), values
        keys = [f"{named}_{i}" for i in range(len(values))]
        return text.format(*(f"%({k})s" for k in keys)), dict(zip(keys, values, strict=True))

    def allows(self, user: Any, action: str = Action.VIEW, obj: Any = None, **values: Any) -> bool:
        """The check of one object (or of the column ``values`` given by name)."""
        terms = self._terms(user, action)
        if terms is None:
            return False
        if terms[0][0] is Reach.EVERYWHERE:
            return True

        def get(name: str) -> Any:
            return values[name] if name in values else getattr(obj, name)

        if get(self.level) > active_user(user).clearance:
            return False
        for reach, value in terms:
            if (
                reach is Reach.SCOPE
                and str(get(self.path)).startswith(value)
                and (not self.restricted or self._restricted_allows(active_user(user), get))
            ):
                return True
            if reach is not Reach.SCOPE and get(self.columns[reach]) == value:
                return True
        return False


class GateQuerySet(models.QuerySet[M]):
    """A protected model's queryset: ``visible_to`` applies the model's :class:`ScopeRule`.

    ``gate_lookup`` names the relation(s) whose rows carry the rule's columns: ``""`` for the
    model's own columns, ``"dossier"`` for a child of a dossier, several for a row that joins
    two gated rows (each must be visible).
    """

    gate: ClassVar[ScopeRule | None] = None
    gate_lookup: ClassVar[tuple[str, ...]] = ("",)

    def visible_to(self, user: Any, action: str = Action.VIEW) -> GateQuerySet[M]:
        if self.gate is None:
            raise NotImplementedError(f"{self.model.__name__} must define visible_to()")
        condition = Q()
        for lookup in self.gate_lookup:
            part = self.gate.q(user, action, prefix=f"{lookup}__" if lookup else "")
            if part is None:
                return self.none()
            condition &= part
        return self.filter(condition)


def get_for_user(
    queryset: GateQuerySet[M], user: Any, *, action: str = Action.VIEW, **lookup: Any
) -> M:
    """Fetch one row through the gate; hidden and missing both raise Http404."""
    try:
        return queryset.visible_to(user, action).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
