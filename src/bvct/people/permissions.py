"""May this user do X with dossiers (which rows: ``DOSSIER_GATE``, the model querysets' rule)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bvct.core.constants import Action
from bvct.core.gate import may
from bvct.people.models import DOSSIER_GATE, Dossier, Person, PersonLink
from bvct.people.selectors import dossier_get_for_user, dossier_persons
from bvct.people.services import dossier_read_record


def can_use_dossiers(user: Any, action: str = Action.VIEW) -> bool:
    """Whether the user's roles give any access to dossier data for ``action`` at all
    (which dossiers is the gate's business: ``Dossier.objects.visible_to``)."""
    return DOSSIER_GATE.q(user, action) is not None


def can_edit_dossiers_in(user: Any, org_path: str, classification: int) -> bool:
    """Open dossiers and submit declarations there: BVCTNB officers, in scope, cleared enough."""
    return DOSSIER_GATE.allows(
        user, Action.CHANGE, org_path=org_path, classification=classification
    )


def can_decide_link(user: Any, link: PersonLink) -> bool:
    """Confirm or reject a proposed link: who may change both persons' dossiers."""
    return all(DOSSIER_GATE.allows(user, Action.CHANGE, p) for p in (link.person_a, link.person_b))


def can_view_access_log(user: Any) -> bool:
    """The dossier's access log tab: auditors."""
    return may(user, Action.AUDIT)


@dataclass(frozen=True)
class DossierAccess:
    """A dossier a user was let into for a purpose, with its subject and its relatives in
    the pages' order (the read is recorded)."""

    dossier: Dossier
    subject: Person
    relatives: list[Person]

    @property
    def persons(self) -> list[Person]:
        return [self.subject, *self.relatives]


def dossier_access(user: Any, public_id: Any, purpose: str = "") -> DossierAccess:
    """The dossier for this purpose ("bản in", "so sánh bản khai 1 và 2"; empty: its page):
    through the gate (hidden and missing alike raise Http404), its subject loaded, and the
    read on the record, named by the purpose. Every page and API that shows a dossier's
    content asks for it here."""
    dossier = dossier_get_for_user(user=user, public_id=public_id)
    persons = dossier_persons(dossier)  # the subject and its relatives: one query
    if not persons or not persons[0].is_subject:
        raise Person.DoesNotExist(f"dossier {dossier.public_id} has no subject")
    subject, relatives = persons[0], persons[1:]
    dossier_read_record(actor=user, dossier=dossier, subject=subject, part=purpose)
    return DossierAccess(dossier, subject, relatives)
