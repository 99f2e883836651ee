"""Reads for the work queue and the case lists (pages and API): cases in any state with
filters, the subject's name in the same query, and working days left to each deadline with
the calendar read once for the whole list. Everything starts from the gate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from bvct.core.constants import Action, Role
from bvct.core.counting import capped_count
from bvct.core.gate import active_user, is_system, may
from bvct.core.text import normalize
from bvct.orgs.models import Organisation
from bvct.people.models import Dossier, Person
from bvct.positions.models import PersonnelDecision
from bvct.vetting.calendar import WorkingCalendar
from bvct.vetting.constants import OPEN_STATES, CaseState
from bvct.vetting.models import Case
from bvct.vetting.selectors import decisions_waiting_for_check
from bvct.vetting.services_common import today

#: How many rows each block of the home page's queue shows (the lists link to the rest).
QUEUE_ROWS = 10


def can_read_cases(user: Any) -> bool:
    """Officers, committee members and auditors read the cases of their reach."""
    return may(user, Action.VIEW) and active_user(user) is not None


def can_work_cases(user: Any) -> bool:
    """Who opens cases, moves them, records appraisals, findings and results: officers."""
    return may(user, Action.CHANGE) and may(user, Action.OPEN_CASE)


def with_subject_name(qs: QuerySet[Case]) -> QuerySet[Case]:
    """The subject's full name as ``subject_name``, in the same query."""
    name = Person.objects.filter(dossier_id=OuterRef("subject_id"), is_subject=True).values(
        "full_name"
    )[:1]
    return qs.annotate(subject_name=Subquery(name))


@dataclass(frozen=True)
class CaseFilter:
    """What a case list is narrowed to (every list of cases goes through :func:`case_list`):
    ``state`` one state; ``open_only`` those still being worked on; ``mine`` those assigned to
    the user; ``late`` open ones past their stage's deadline; ``body_only`` those the user's
    own committee concludes; ``dossier`` one subject's; ``competent_body`` those one committee
    concludes; ``q`` a case number (or part of it) or the subject's name, without diacritics
    or case mattering."""

    state: str = ""
    open_only: bool = False
    mine: bool = False
    late: bool = False
    body_only: bool = False
    dossier: Dossier | None = None
    competent_body: Organisation | None = None
    q: str = ""


def _search(qs: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Cases whose number contains ``text``, or whose subject's folded name contains its
    folded form (both checked per case as the ordered walk reaches it: one index probe on the
    subject's person row)."""
    raw = " ".join(text.split())[:100]
    key = normalize(raw)
    if not raw:
        return qs
    named = Person.objects.filter(
        dossier_id=OuterRef("subject_id"), is_subject=True, name_norm__contains=key
    )
    if not key:
        return qs.filter(reference__icontains=raw)
    return qs.filter(Q(reference__icontains=raw) | Q(Exists(named)))


def case_list(*, user: Any, filters: CaseFilter = CaseFilter()) -> QuerySet[Case]:
    """Cases ``user`` sees, narrowed by ``filters``, by nearest deadline (cases without one
    last), then the newest: the order of the ``case_open_queue`` index, which a page of open
    cases walks and stops. Each row carries ``subject_name`` and its competent body."""
    f = filters
    qs: QuerySet[Case] = Case.objects.visible_to(user, Action.VIEW)
    actor = active_user(user)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.open_only or f.late:
        qs = qs.filter(state__in=OPEN_STATES)
    if f.mine:
        qs = qs.filter(assignee_ids__contains=[getattr(actor, "pk", None) or 0])
    if f.body_only and actor is not None and not is_system(actor):
        qs = qs.filter(competent_body_id=actor.organisation_id)
    if f.late:
        qs = qs.filter(stage_due_on__lt=today())
    if f.dossier is not None:
        qs = qs.filter(subject=f.dossier)
    if f.competent_body is not None:
        qs = qs.filter(competent_body=f.competent_body)
    if f.q:
        qs = _search(qs, f.q)
    named = with_subject_name(qs.select_related("competent_body", "subject"))
    return named.order_by("stage_due_on", "-opened_at", "-id")


def case_committees(*, user: Any, with_cases: bool = True) -> QuerySet[Organisation]:
    """The committees a case list may be narrowed to: those the user may see (their scope and
    the chain above it), by name; ``with_cases``: only those that conclude at least one case
    (what the page offers; the API takes any of them)."""
    qs = Organisation.objects.visible_to(user, Action.VIEW).filter(
        kind__is_committee=True, is_active=True
    )
    if with_cases:
        qs = qs.filter(Exists(Case.objects.filter(competent_body_id=OuterRef("pk"))))
    return qs.only("id", "public_id", "name", "name_norm", "path").order_by(
        "name_norm", "name", "id"
    )


def mark_deadlines(cases: Iterable[Case], on: dt.date | None = None) -> list[Case]:
    """Set ``days_left`` (working days from ``on`` to the stage's deadline; negative when
    late; None without a deadline or closed) and ``is_late`` on each case, reading the entered
    calendar days once for the whole list."""
    rows = list(cases)
    on = on or today()
    dues = [c.stage_due_on for c in rows if c.stage_due_on is not None and c.is_open]
    calendar = None
    if dues:
        calendar = WorkingCalendar(min([*dues, on]), max([*dues, on]))
    for case in rows:
        due = case.stage_due_on
        if calendar is None or due is None or not case.is_open:
            case.days_left = case.days_late = None  # type: ignore[attr-defined]
            case.is_late = False  # type: ignore[attr-defined]
            continue
        case.days_left = _between(calendar, on, due)  # type: ignore[attr-defined]
        case.days_late = max(0, -case.days_left)  # type: ignore[attr-defined]
        case.is_late = due < on  # type: ignore[attr-defined]
    return rows


def _between(calendar: WorkingCalendar, a: dt.date, b: dt.date) -> int:
    """Working days after ``a`` up to ``b`` (negative when ``b`` is before ``a``), as
    ``calendar.working_days_between`` counts, with the calendar already read."""
    if b < a:
        return -_between(calendar, b, a)
    count, day = 0, a
    while day < b:
        day += dt.timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


# --- the home page's queue --------------------------------------------------------------------


@dataclass
class StageBlock:
    state: str
    label: str
    cases: list[Case]
    total: Any  # an int, or a core.counting.Count past the cap


@dataclass
class WorkQueue:
    """What the home page shows: the user's own open cases by stage, what is late in their
    reach, the proposed decisions waiting for a check, and for a committee member the cases
    in deliberation at their body."""

    mine: list[StageBlock] = field(default_factory=list)
    mine_total: Any = 0
    late: list[Case] = field(default_factory=list)
    late_total: Any = 0
    waiting: Sequence[PersonnelDecision] = ()
    waiting_total: Any = 0
    deliberation: list[Case] = field(default_factory=list)
    deliberation_total: Any = 0
    shows_cases: bool = False
    shows_deliberation: bool = False


def _rows_and_total(qs: QuerySet[Any], limit: int) -> tuple[list[Any], Any]:
    """The first ``limit`` rows, and how many there are (counted up to core.counting's cap:
    past it, "hơn 1.000")."""
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, len(rows)
    return rows[:limit], capped_count(qs)


def work_queue(*, user: Any, limit: int = QUEUE_ROWS) -> WorkQueue:
    """The home page's queue for ``user`` (a bounded number of queries whatever the number
    of cases: the counts, one per stage and block, one more when a block is longer than it
    shows)."""
    queue = WorkQueue()
    if not can_read_cases(user):
        return queue
    queue.shows_cases = True
    actor = active_user(user)
    if actor.has_role(Role.BVCT_OFFICER):
        # Per stage: the first rows, and a count that stops at the cap (an officer with
        # thousands of cases is told "hơn 1.000", not made to wait for the exact number).
        # Counted first (the assignment index answers at once when there is none; walking the
        # deadline order for cases that are not there would read them all), then listed.
        for state in OPEN_STATES:
            own_qs = case_list(user=user, filters=CaseFilter(mine=True, state=state))
            total = capped_count(own_qs)
            if total:
                own = mark_deadlines(own_qs[:limit])
                queue.mine.append(StageBlock(state, str(CaseState(state).label), own, total))
                queue.mine_total = total + queue.mine_total
        name = Person.objects.filter(dossier_id=OuterRef("dossier_id"), is_subject=True).values(
            "full_name"
        )[:1]
        queue.waiting, queue.waiting_total = _rows_and_total(
            decisions_waiting_for_check(user=user).annotate(subject_name=Subquery(name)), limit
        )
    late, queue.late_total = _rows_and_total(
        case_list(user=user, filters=CaseFilter(late=True)), limit
    )
    queue.late = mark_deadlines(late)
    if actor.has_role(Role.COMMITTEE_MEMBER):
        queue.shows_deliberation = True
        rows, queue.deliberation_total = _rows_and_total(
            case_list(user=user, filters=CaseFilter(state=CaseState.DELIBERATION, body_only=True)),
            limit,
        )
        queue.deliberation = mark_deadlines(rows)
    return queue


__all__ = [
    "QUEUE_ROWS",
    "CaseFilter",
    "StageBlock",
    "WorkQueue",
    "can_read_cases",
    "can_work_cases",
    "case_committees",
    "case_list",
    "mark_deadlines",
    "with_subject_name",
    "work_queue",
]
