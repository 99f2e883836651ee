"""Reads of casework, all through the gate: one case, the work queue, decisions waiting for
a check, a dossier's conclusions and reported changes, and the timeliness report."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from bvct.audit.constants import AuditAction
from bvct.core.constants import Action
from bvct.core.gate import active_user, get_for_user
from bvct.people.models import Dossier
from bvct.positions.constants import DecisionStatus
from bvct.positions.models import PersonnelDecision
from bvct.vetting.constants import OPEN_STATES, CheckStatus, Requirement, Stage
from bvct.vetting.models import (
    CASE_GATE,
    Case,
    CaseDecision,
    Conclusion,
    ConclusionUse,
    ReportedChange,
)
from bvct.vetting.rules import rule_pack_current
from bvct.vetting.services_common import case_audit, today


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def case_get(*, user: Any, public_id: Any, action: str = Action.VIEW) -> Case:
    """One case through the gate; hidden and missing both raise Http404."""
    return get_for_user(
        Case.objects.select_related("subject", "competent_body", "rule_pack", "previous_case"),
        user,
        action=action,
        public_id=_uuid(public_id),
    )


def case_access(*, user: Any, public_id: Any) -> Case:
    """One case for reading its page: gated (404 as missing) and the read recorded."""
    case = case_get(user=user, public_id=public_id)
    with transaction.atomic():
        case_audit(actor=user, action=AuditAction.CASE_VIEW, case=case)
    return case


# --- the work queue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueCounts:
    by_state: dict[str, int]
    late: int
    mine: int


def case_queue_counts(*, user: Any) -> QueueCounts:
    """How many open cases the user sees per state, how many are late, how many are theirs
    (one query)."""
    from django.db.models import Count

    actor = active_user(user)
    mine = Q(assignee_ids__contains=[actor.pk]) if actor is not None and actor.pk else Q(pk=None)
    rows = (
        Case.objects.visible_to(user)
        .filter(state__in=OPEN_STATES)
        .values("state")
        .annotate(
            n=Count("id"),
            late=Count("id", filter=Q(stage_due_on__lt=today())),
            mine=Count("id", filter=mine),
        )
    )
    by_state: dict[str, int] = {str(s): 0 for s in OPEN_STATES}
    late = own = 0
    for row in rows:
        by_state[row["state"]] = row["n"]
        late += row["late"]
        own += row["mine"]
    return QueueCounts(by_state=by_state, late=late, mine=own)


def decisions_waiting_for_check(*, user: Any) -> QuerySet[PersonnelDecision]:
    """Proposed decisions the user sees that no case serves and no conclusion was reused for,
    of kinds the active rule pack may require a conclusion for, unless their last check found
    that they need none."""
    rules = rule_pack_current()
    never = [k for k, r in rules.conclusion_required.items() if r.when == Requirement.NEVER]
    return (
        PersonnelDecision.objects.visible_to(user)
        .filter(status=DecisionStatus.PROPOSED)
        .exclude(kind__in=never)
        .exclude(Exists(CaseDecision.objects.filter(decision=OuterRef("pk"))))
        .exclude(Exists(ConclusionUse.objects.filter(decision=OuterRef("pk"))))
        .exclude(last_check__status=CheckStatus.NOT_NEEDED)
        .select_related("dossier", "post")
        .order_by("proposed_on", "id")
    )


def decision_case(*, user: Any, decision: PersonnelDecision) -> Case | None:
    """The newest case serving the decision that the user sees."""
    return (
        Case.objects.visible_to(user)
        .filter(decision_links__decision=decision)
        .order_by("-opened_at")
        .first()
    )


# --- a dossier's conclusions and changes ------------------------------------------------------


def conclusions_for_dossier(*, user: Any, dossier: Dossier) -> QuerySet[Conclusion]:
    """The subject's conclusions the user sees, newest first (superseded ones included)."""
    return (
        Conclusion.objects.visible_to(user)
        .filter(subject=dossier)
        .select_related("competent_body", "signer", "supersedes", "upholds", "case")
        .order_by("-concluded_on", "-id")
    )


def reported_changes_for_dossier(
    *, user: Any, dossier: Dossier, since: dt.date | None = None
) -> QuerySet[ReportedChange]:
    """What the member reported (reported after the day ``since``: e.g. their conclusion's
    day; a change reported on that day was before the committee)."""
    qs = ReportedChange.objects.visible_to(user).filter(dossier=dossier)
    if since is not None:
        qs = qs.filter(reported_on__gt=since)
    return qs.select_related("person").order_by("-reported_on", "-id")


def changes_for_conclusion_holders(*, user: Any) -> QuerySet[ReportedChange]:
    """Changes reported after the day of a still-valid conclusion on the person, for whoever
    may see that conclusion: its competent body's members and the officers of its scope."""
    valid = Conclusion.objects.visible_to(user).filter(
        subject_id=OuterRef("dossier_id"),
        valid_until__gte=today(),
        concluded_on__lt=OuterRef("reported_on"),
    )
    return (
        ReportedChange.objects.visible_to(user)
        .filter(Exists(valid))
        .select_related("person")
        .order_by("-created_at", "-id")
    )


# --- timeliness -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageStat:
    """One stage at one organisation (the cases' competent body); durations in working
    days."""

    stage: str
    organisation_id: int
    organisation_name: str
    spans: int  # spans of the stage, finished or still running
    finished: int  # spans of the stage that ended
    average_days: float | None  # average of the fastest 90 % of the finished spans
    late: int  # spans (finished or running) past their deadline

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)


# Durations count working days (``calendar.working_days_between``: the days after the start up
# to and including the end) through a table of the stretch's days numbered by the working days
# up to each (``calendar.working_day_numbers``), passed as two arrays: the calendar (holidays,
# announced days off and make-up days) stays in one place, in Python.
_DURATIONS_SQL = """
WITH ev AS (
    SELECT e.id, e.case_id, e.kind, e.to_state, e.at, e.due_on, c.competent_body_id,
           LEAD(e.at) OVER (PARTITION BY e.case_id ORDER BY e.at, e.id) AS next_at
      FROM vetting_caseevent e JOIN vetting_case c ON c.id = e.case_id
     WHERE e.kind IN ('OPEN', 'TRANSITION', 'WITHDRAW') AND {gate} {period}
), spans AS (
    SELECT ev.case_id, ev.competent_body_id AS org, ev.to_state AS stage, ev.at AS started,
           ev.next_at AS ended,
           COALESCE((SELECT d.due_on FROM vetting_caseevent d
                      WHERE d.case_id = ev.case_id AND d.kind = 'DEADLINE' AND d.at >= ev.at
                        AND (ev.next_at IS NULL OR d.at < ev.next_at)
                      ORDER BY d.at DESC, d.id DESC LIMIT 1), ev.due_on) AS due
      FROM ev WHERE ev.to_state IN ('APPRAISAL', 'VERIFICATION', 'DELIBERATION')
), wd AS (
    SELECT t.day, t.n FROM unnest(%(wd_days)s::date[], %(wd_numbers)s::int[]) AS t(day, n)
), measured AS (
    SELECT s.*, we.n - ws.n AS days,
           (s.due IS NOT NULL AND COALESCE((s.ended AT TIME ZONE %(tz)s)::date, %(today)s) > s.due)
               AS is_late
      FROM spans s
      LEFT JOIN wd ws ON ws.day = (s.started AT TIME ZONE %(tz)s)::date
      LEFT JOIN wd we ON we.day = (s.ended AT TIME ZONE %(tz)s)::date
), ranked AS (
    SELECT m.*,
           ROW_NUMBER() OVER (PARTITION BY m.stage, m.org ORDER BY m.days) AS rn,
           COUNT(m.days) OVER (PARTITION BY m.stage, m.org) AS n
      FROM measured m
)
SELECT r.stage, r.org, o.name,
       COUNT(*) AS spans,
       COUNT(r.days) AS finished,
       AVG(r.days) FILTER (WHERE r.days IS NOT NULL AND r.rn <= CEIL(0.9 * r.n)) AS fastest,
       COUNT(*) FILTER (WHERE r.is_late) AS late
  FROM ranked r JOIN orgs_organisation o ON o.id = r.org
 GROUP BY r.stage, r.org, o.name
 ORDER BY o.name, r.stage
"""

_STAGE_ORDER = {s: i for i, s in enumerate(Stage.values)}


def _day_start(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def stage_durations(
    *, user: Any, since: dt.date | None = None, until: dt.date | None = None
) -> list[StageStat]:
    """Per stage and per competent body, over the cases the user sees opened from ``since`` to
    ``until`` (both included, either open-ended): how many spans of the stage there were, how
    many ended, the average duration in working days of the fastest 90 % of those that ended
    (as clearance agencies report; a stage entered on Friday and left on Monday took 1), and
    how many spans ran past their deadline (a running one counts once today is past it). From
    the cases' events and the working calendar; two statements."""
    from django.db.models import Min
    from django.utils import timezone

    from bvct.vetting.calendar import working_day_numbers

    condition = CASE_GATE.sql(user, Action.VIEW, alias="c", named="gate")
    if condition is None:
        return []
    cases = Case.objects.visible_to(user)
    period, bounds = "", {}
    if since is not None:
        period += " AND c.opened_at >= %(since)s"
        bounds["since"] = _day_start(since)
        cases = cases.filter(opened_at__gte=bounds["since"])
    if until is not None:
        period += " AND c.opened_at < %(until)s"
        bounds["until"] = _day_start(until + dt.timedelta(days=1))
        cases = cases.filter(opened_at__lt=bounds["until"])
    first = cases.aggregate(first=Min("opened_at"))["first"]
    if first is None:
        return []
    now = today()
    days, numbers = working_day_numbers(min(timezone.localtime(first).date(), now), now)
    gate, params = condition
    assert isinstance(params, dict)
    params.update(bounds, tz=settings.TIME_ZONE, today=now, wd_days=days, wd_numbers=numbers)
    with connection.cursor() as cursor:
        cursor.execute(_DURATIONS_SQL.format(gate=gate, period=period), params)
        rows = cursor.fetchall()
    stats = [
        StageStat(
            stage=stage,
            organisation_id=org,
            organisation_name=name,
            spans=spans,
            finished=finished,
            average_days=round(float(fastest), 1) if fastest is not None else None,
            late=late,
        )
        for stage, org, name, spans, finished, fastest, late in rows
    ]
    return sorted(stats, key=lambda s: (s.organisation_name, _STAGE_ORDER.get(s.stage, 9)))


def related_assignees(case: Case) -> list[Any]:
    """The officers assigned to the case now whose account's citizen ID makes them the subject
    or related to them (``services_common.is_related``): an account's citizen ID can change
    after the assignment. One statement per assignee with a citizen ID (a handful)."""
    from bvct.vetting.models import CaseAssignment
    from bvct.vetting.services_common import is_related

    rows = (
        CaseAssignment.objects.filter(case_id=case.pk, ended_at__isnull=True)
        .select_related("user")
        .order_by("assigned_at", "id")
    )
    found: dict[int, Any] = {}
    for row in rows:
        user = row.user
        if (
            user.pk not in found
            and user.citizen_id
            and is_related(user.citizen_id, case.subject_id)
        ):
            found[user.pk] = user
    return list(found.values())


def reported_after(change: ReportedChange, conclusion: Conclusion | None) -> bool:
    """Whether ``change`` was reported after the day of ``conclusion`` (so it counts against
    it; one reported that day was before the committee)."""
    return bool(conclusion and change.reported_on > conclusion.concluded_on)


__all__ = [
    "case_access",
    "case_get",
    "case_queue_counts",
    "changes_for_conclusion_holders",
    "conclusions_for_dossier",
    "decision_case",
    "decisions_waiting_for_check",
    "related_assignees",
    "reported_after",
    "reported_changes_for_dossier",
    "stage_durations",
]
