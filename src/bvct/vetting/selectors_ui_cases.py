"""Reads the casework pages need beyond the core selectors (``vetting.selectors``; the case
lists are ``selectors_queue.case_list``): everything one case page shows (in a fixed number
of queries), the officers a case may be assigned to and the agencies a result may come from,
each by name. All through the gate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch

from bvct.accounts.models import User
from bvct.core.constants import Action, Role
from bvct.documents.models import IssuedDocument
from bvct.orgs.models import Organisation
from bvct.people.models import Person
from bvct.people.selectors import dossier_persons
from bvct.positions.constants import DecisionStatus
from bvct.positions.models import PersonnelDecision
from bvct.vetting import workflow
from bvct.vetting.calendar import working_days_between
from bvct.vetting.constants import OPEN_STATES, CaseState
from bvct.vetting.models import (
    CASE_GATE,
    Appraisal,
    Case,
    CaseAssignment,
    CaseDecision,
    CaseEvent,
    Conclusion,
    Finding,
    VerificationResult,
)
from bvct.vetting.services_common import today


def days_left(due: dt.date | None) -> int | None:
    """Working days from today to ``due`` (negative: how late)."""
    if due is None:
        return None
    return working_days_between(today(), due)


@dataclass
class MoveOffer:
    """A transition the case's table allows from its state: its button, or why not now."""

    target: str
    label: str
    refused: str = ""


@dataclass
class CasePage:
    case: Case
    subject: Person
    persons: list[Person]
    decisions: list[PersonnelDecision]
    assignments: list[CaseAssignment]
    events: list[CaseEvent]
    appraisal: Appraisal | None
    findings: list[Finding]
    results: list[VerificationResult]
    documents: list[IssuedDocument]
    conclusion: Conclusion | None
    later_cases: list[Case]
    moves: list[MoveOffer] = field(default_factory=list)
    days_left: int | None = None

    @property
    def days_late(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def case_moves(case: Case) -> list[MoveOffer]:
    """The plain moves out of the case's state (concluding and withdrawing have their own
    forms), each with its guard's refusal if it refuses now."""
    offers = []
    for move in workflow.moves_from(case.state):
        if move.by_service:
            continue
        reason = move.guard(case) if move.guard else None
        offers.append(MoveOffer(move.target, move.label, reason or ""))
    return offers


def case_page(*, user: Any, case: Case) -> CasePage:
    """Everything the case page shows, for a case the user was let see."""
    persons = dossier_persons(case.subject)
    subject = next(p for p in persons if p.is_subject)
    decisions = list(
        PersonnelDecision.objects.filter(pk__in=case.decision_links.values("decision_id"))
        .select_related("post", "post__organisation", "catalogue_entry", "deciding_org")
        .order_by("proposed_on", "id")
    )
    results = list(
        VerificationResult.objects.filter(case=case)
        .select_related("agency")
        .order_by("received_on", "id")
    )
    findings = list(
        Finding.objects.filter(case=case)
        .select_related("person", "person__relation")
        .prefetch_related(Prefetch("evidence", queryset=VerificationResult.objects.only("id")))
        .order_by("created_at", "id")
    )
    by_id = {r.pk: r for r in results}
    for finding in findings:
        rows = [by_id[r.pk] for r in finding.evidence.all() if r.pk in by_id]
        finding.evidence_rows = rows
    conclusion = (
        Conclusion.objects.filter(case=case)
        .select_related("signer", "document", "supersedes", "upholds")
        .first()
    )
    page = CasePage(
        case=case,
        subject=subject,
        persons=persons,
        decisions=decisions,
        assignments=list(
            CaseAssignment.objects.filter(case=case, ended_at__isnull=True)
            .select_related("user")
            .order_by("assigned_at", "id")
        ),
        events=list(CaseEvent.objects.filter(case=case).order_by("at", "id")),
        appraisal=Appraisal.objects.filter(case=case).select_related("decided_by").first(),
        findings=findings,
        results=results,
        documents=list(
            IssuedDocument.objects.visible_to(user)
            .filter(case=case)
            .select_related("issuer")
            .order_by("issued_on", "id")
        ),
        conclusion=conclusion,
        later_cases=list(
            Case.objects.visible_to(user).filter(previous_case=case).order_by("opened_at")
        ),
    )
    if case.is_open:
        page.moves = case_moves(case)
        page.days_left = days_left(case.stage_due_on)
    return page


def linkable_decisions(*, user: Any, case: Case) -> list[PersonnelDecision]:
    """The subject's proposed decisions the user may change that the case could also serve:
    not linked to it, and served by no other open case (the service checks each again)."""
    served = CaseDecision.objects.filter(
        decision=OuterRef("pk"), case__state__in=OPEN_STATES
    ).exclude(case=case)
    return list(
        PersonnelDecision.objects.visible_to(user, Action.CHANGE)
        .filter(dossier_id=case.subject_id, status=DecisionStatus.PROPOSED)
        .exclude(pk__in=case.decision_links.values("decision_id"))
        .exclude(Exists(served))
        .select_related("post", "post__organisation", "catalogue_entry", "deciding_org")
        .order_by("proposed_on", "id")[:200]
    )


def _ancestor_paths(path: str) -> list[str]:
    """'/1/4/9/' → ['/1/', '/1/4/', '/1/4/9/']."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def assignable_officers(case: Case) -> list[User]:
    """Active BVCTNB officers whose scope holds the case and whose clearance reaches its level
    (the service checks each again, with the conflict-of-interest check), by name."""
    found = (
        User.objects.filter(
            is_active=True,
            roles__contains=[Role.BVCT_OFFICER],
            clearance__gte=case.classification,
            scope__path__in=_ancestor_paths(case.org_path),
        )
        .only("id", "public_id", "full_name", "roles", "clearance")
        .order_by("full_name", "id")[:300]
    )
    return list(found)


def agencies() -> list[Organisation]:
    """The coordinating agencies (public security, military, inspection...) by name."""
    return list(Organisation.objects.filter(kind__is_agency=True).order_by("name", "id")[:500])


def may(user: Any, action: str, case: Case) -> bool:
    return bool(CASE_GATE.allows(user, action, case))


def can_sign(user: Any, case: Case) -> bool:
    """A committee member of the case's competent body, while it awaits its conclusion."""
    return case.state == CaseState.DELIBERATION and may(user, Action.SIGN_CONCLUSION, case)
