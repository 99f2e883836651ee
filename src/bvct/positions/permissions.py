"""May this user keep posts and the catalogue, and read or record a person's holdings and
decisions (which rows: ``POSITION_GATE`` and the dossier's gate)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bvct.core.constants import Action
from bvct.people.models import DOSSIER_GATE, Dossier, Person
from bvct.people.selectors import dossier_get_for_user, dossier_subject
from bvct.people.services import dossier_read_record
from bvct.positions.models import POSITION_GATE, PersonnelDecision, PostHolding
from bvct.positions.selectors import decisions_for_dossier, holdings_for_dossier

PART = "chức vụ, quy hoạch và quyết định nhân sự"


def can_view_positions(user: Any) -> bool:
    """Whether the user's roles let them read posts and the catalogue at all."""
    return POSITION_GATE.q(user, Action.VIEW) is not None


def can_keep_positions(user: Any) -> bool:
    """Whether the user's roles let them keep posts and the catalogue somewhere."""
    return POSITION_GATE.q(user, Action.CHANGE) is not None


def can_change_in(user: Any, org_path: str, classification: int = 0) -> bool:
    return POSITION_GATE.allows(
        user, Action.CHANGE, org_path=org_path, classification=classification
    )


def can_record_for(user: Any, dossier: Dossier) -> bool:
    """Record holdings and decisions about this dossier's person."""
    return DOSSIER_GATE.allows(user, Action.CHANGE, dossier)


@dataclass(frozen=True)
class DossierPositions:
    """A person's holdings and decisions as a user was let read them (the read recorded)."""

    dossier: Dossier
    subject: Person
    holdings: list[PostHolding]
    decisions: list[PersonnelDecision]


def dossier_positions_access(user: Any, public_id: Any, purpose: str = PART) -> DossierPositions:
    """The person's holdings and decisions: the dossier through the gate (hidden and missing
    alike raise Http404), and the read recorded on the dossier, as any read of it is."""
    dossier = dossier_get_for_user(user=user, public_id=public_id)
    subject = dossier_subject(dossier)
    holdings = list(holdings_for_dossier(user=user, dossier=dossier))
    decisions = list(decisions_for_dossier(user=user, dossier=dossier))
    dossier_read_record(actor=user, dossier=dossier, subject=subject, part=purpose)
    return DossierPositions(dossier, subject, holdings, decisions)


def decision_read_record(user: Any, decision: PersonnelDecision) -> None:
    """One decision shown: a read of its dossier."""
    dossier = decision.dossier
    dossier_read_record(
        actor=user,
        dossier=dossier,
        subject=dossier_subject(dossier),
        part=f"quyết định nhân sự {decision.public_id}",
    )
