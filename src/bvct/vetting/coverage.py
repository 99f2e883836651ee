"""The requirement check: does a proposed decision need a conclusion, and does a valid one
cover it? Always with its reasons in Vietnamese.

:func:`coverage_evaluate` reads (a handful of indexed queries: the current declaration, the
subject's newest conclusions the user may see, open findings, reported changes since, the
open case serving the decision); :func:`decision_check` is the service: it evaluates, records
the reuse of a conclusion for a decision it was not issued for (``ConclusionUse`` and an audit
event), opens a case when nothing covers the decision and none is open, and audits the check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bvct.audit.constants import AuditAction
from bvct.core.constants import Action
from bvct.core.errors import NotFoundError, ValidationFailed
from bvct.core.gate import is_system, may
from bvct.people.constants import DeclarationStatus
from bvct.people.models import Declaration, Person
from bvct.positions.constants import DecisionStatus
from bvct.positions.models import PersonnelDecision
from bvct.vetting.appraisal import declared_issue
from bvct.vetting.constants import (
    OPEN_STATES,
    ChangeKind,
    CheckStatus,
    FindingStatus,
    Outcome,
    Requirement,
)
from bvct.vetting.models import (
    CASE_GATE,
    Case,
    CaseDecision,
    Conclusion,
    ConclusionUse,
    DecisionCheck,
)
from bvct.vetting.rules import Rules, rule_pack_current
from bvct.vetting.services_common import case_audit, today

# How many of the subject's newest conclusions the check reads: the newest covering the kind
# is among them in any real dossier (a person gets a few conclusions in a career).
RECENT = 20


@dataclass
class Check:
    """The answer for one decision: its status, the reasons (Vietnamese sentences, the first
    one the summary), the conclusion it rests on (covered, or the one that no longer covers),
    and the case serving the decision (found or opened)."""

    status: str
    reasons: list[str] = field(default_factory=list)
    conclusion: Conclusion | None = None
    case: Case | None = None
    case_opened: bool = False
    reused: bool = False
    # Covered as checked before a change the member reported since: "… cần xem xét lại".
    review: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return self.reasons[0] if self.reasons else ""

    @property
    def label(self) -> str:
        return str(CheckStatus(self.status).label)


def _day(value: dt.date) -> str:
    return f"{value:%d/%m/%Y}"


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def describe(conclusion: Conclusion) -> str:
    """“kết luận số 12-KL/TU ngày 02/06/2026, còn giá trị đến 02/12/2026, kết luận: …” (mid
    sentence: a sentence it begins capitalises it)."""
    return (
        f"kết luận số {conclusion.number_symbol} ngày {_day(conclusion.concluded_on)}, "
        f"còn giá trị đến {_day(conclusion.valid_until)}, kết luận: "
        f"{Outcome(conclusion.outcome).label.lower()}"
    )


def _newest_conclusions(user: Any, dossier_id: int) -> list[Conclusion]:
    # The index conclusion_subject (subject, concluded_on DESC, id DESC) serves this; the gate
    # joins the case by its primary key.
    return list(
        Conclusion.objects.visible_to(user)
        .filter(subject_id=dossier_id)
        .order_by("-concluded_on", "-id")
        .only(
            "id", "public_id", "case_id", "number_symbol", "concluded_on", "valid_until",
            "outcome", "covers_kinds", "declaration_id", "created_at", "supersedes_id",
        )[:RECENT]
    )  # fmt: skip


def coverage_evaluate(user: Any, decision: PersonnelDecision, rules: Rules | None = None) -> Check:
    """The answer for ``decision`` as ``user`` may know it (conclusions they may not see are
    not counted: nothing is told of them). Reads only."""
    rules = rules or rule_pack_current()
    declaration = (
        Declaration.objects.filter(
            dossier_id=decision.dossier_id, status=DeclarationStatus.SUBMITTED
        )
        .only("id", "number", "submitted_at")
        .first()
    )
    rule = rules.conclusion_required.get(decision.kind)
    issue = False
    if declaration is not None and rule is not None and rule.when == Requirement.ISSUE_DECLARED:
        content = Declaration.objects.filter(pk=declaration.pk).values_list("content", flat=True)
        issue = declared_issue(content.first())
    needed, why = rules.needs_conclusion(decision.kind, declared_issue=issue)
    running = (
        Case.objects.visible_to(user)
        .filter(decision_links__decision=decision, state__in=OPEN_STATES)
        .order_by("-opened_at")
        .first()
    )
    if not needed:
        return Check(CheckStatus.NOT_NEEDED, [why], case=running)
    found = _newest_conclusions(user, decision.dossier_id)
    superseded = {c.supersedes_id for c in found if c.supersedes_id}
    candidates = [c for c in found if c.id not in superseded]
    if not candidates:
        return Check(
            CheckStatus.NOT_COVERED,
            ["Chưa có kết luận tiêu chuẩn chính trị nào về người này.", why],
            case=running,
        )
    kind_label = str(decision.get_kind_display())
    covering = [c for c in candidates if decision.kind in c.covers_kinds]
    if not covering:
        newest = candidates[0]
        return Check(
            CheckStatus.NOT_COVERED,
            [
                f"{_first_up(describe(newest))}; kết luận này không dùng cho “{kind_label}”.",
                why,
            ],
            conclusion=newest,
            case=running,
        )
    conclusion = covering[0]
    review: list[str] = []
    reasons = _why_not(user, decision, conclusion, declaration, rules, review)
    if reasons:
        return Check(
            CheckStatus.NOT_COVERED,
            [f"{_first_up(describe(conclusion))}; nhưng không còn đáp ứng:", *reasons],
            conclusion=conclusion,
            case=running,
        )
    return Check(
        CheckStatus.COVERED,
        [f"Đã có {describe(conclusion)}.", *review, why],
        conclusion=conclusion,
        case=running,
        review=review,
    )


# What happened since the conclusion, in one statement: an open finding about the person, a
# case reconsidering it, when the decision was already found covered (its own case's
# conclusion: its day; a recorded reuse: its time), the newest change reported after the
# conclusion's day that counts against it (reported before that check) and the newest reported
# after that check (the decision keeps its answer, to be looked at again).
_SINCE_SQL = """
WITH checked AS (
  SELECT COALESCE(own.day, u.day) AS day, CASE WHEN own.day IS NULL THEN u.at END AS at
    FROM (SELECT 1) one
    LEFT JOIN (SELECT %(concluded)s::date AS day FROM vetting_casedecision
                WHERE case_id = %(case)s AND decision_id = %(decision)s LIMIT 1) own ON TRUE
    LEFT JOIN (SELECT at, (at AT TIME ZONE %(tz)s)::date AS day FROM vetting_conclusionuse
                WHERE conclusion_id = %(conclusion)s AND decision_id = %(decision)s) u ON TRUE
), changes AS (
  SELECT ch.kind, ch.reported_on, ch.created_at,
         checked.day IS NOT NULL AND (CASE WHEN checked.at IS NULL THEN TRUE
              ELSE ch.reported_on >= checked.day AND ch.created_at > checked.at END) AS later
    FROM vetting_reportedchange ch, checked
   WHERE ch.dossier_id = %(dossier)s AND ch.reported_on > %(concluded)s
)
SELECT EXISTS (SELECT 1 FROM vetting_finding f JOIN vetting_case c ON c.id = f.case_id
                WHERE c.subject_id = %(dossier)s AND c.state = ANY(%(open)s)
                  AND f.status = ANY(%(statuses)s)),
       ch.kind, ch.reported_on,
       EXISTS (SELECT 1 FROM vetting_case r
                WHERE r.previous_case_id = %(case)s AND r.state = ANY(%(open)s)),
       checked.day, later.kind, later.reported_on
  FROM checked
  LEFT JOIN LATERAL (SELECT kind, reported_on FROM changes WHERE NOT later
                      ORDER BY reported_on DESC, created_at DESC LIMIT 1) ch ON TRUE
  LEFT JOIN LATERAL (SELECT kind, reported_on FROM changes WHERE later
                      ORDER BY reported_on DESC, created_at DESC LIMIT 1) later ON TRUE
"""


def _why_not(
    user: Any,
    decision: PersonnelDecision,
    conclusion: Conclusion,
    declaration: Any,
    rules: Rules,
    review: list[str] | None = None,
) -> list[str]:
    """Every reason the newest conclusion covering the kind does not cover this decision.

    A change the member reported after the conclusion's day counts against it for a decision
    checked after the report. A decision already found covered (by its own case's conclusion,
    or a reuse recorded) before the change was reported keeps that answer: the change is put
    in ``review`` ("… cần xem xét lại") instead, and a case may be opened about it."""
    reasons: list[str] = []
    if conclusion.valid_until < today():
        reasons.append(f"Kết luận đã hết giá trị từ ngày {_day(conclusion.valid_until)}.")
    post, entry = decision.post, decision.catalogue_entry
    barred = rules.bars(
        conclusion.outcome,
        tier=post.tier if post else None,
        is_management=bool(post and post.is_management),
        decision_kind=decision.kind,
        required_clearance=entry.required_clearance if entry else None,
    )
    if barred:
        reasons.append(barred)
    if declaration is not None and declaration.id != conclusion.declaration_id:
        reasons.append(
            f"Bản khai lý lịch đã thay đổi sau kết luận (bản khai số {declaration.number} "
            f"nộp ngày {_day(declaration.submitted_at.date())})."
        )
    with connection.cursor() as cursor:
        cursor.execute(_SINCE_SQL, {
            "dossier": decision.dossier_id, "open": list(OPEN_STATES),
            "statuses": [FindingStatus.TO_VERIFY, FindingStatus.CONFIRMED],
            "concluded": conclusion.concluded_on, "case": conclusion.case_id,
            "decision": decision.pk, "conclusion": conclusion.pk,
            "tz": timezone.get_current_timezone_name(),
        })  # fmt: skip
        row = cursor.fetchone()
    open_finding, change_kind, change_on, reopened, checked_on, later_kind, later_on = row
    if open_finding:
        reasons.append(
            "Đang có vấn đề chính trị chưa kết luận về người này (hồ sơ thẩm tra đang giải quyết)."
        )
    if change_kind:
        reasons.append(
            f"Có báo cáo bổ sung sau kết luận: {ChangeKind(change_kind).label.lower()} "
            f"(báo cáo ngày {_day(change_on)})."
        )
    if reopened:
        reasons.append("Kết luận đang được xem xét lại (khiếu nại, tố cáo hoặc thông tin mới).")
    if later_kind and review is not None:
        review.append(
            f"Đề xuất này được đáp ứng khi kiểm tra ngày {_day(checked_on)}; có báo cáo bổ sung "
            f"sau đó ({ChangeKind(later_kind).label.lower()}, báo cáo ngày {_day(later_on)}): "
            "cần xem xét lại."
        )
    return reasons


@transaction.atomic(durable=True)
def decision_check(*, actor: Any, decision: PersonnelDecision, open_case: bool = True) -> Check:
    """Check ``decision`` (one the actor may see through its dossier; hidden is as missing).

    Covered by a conclusion issued for another decision: the reuse is recorded once per
    conclusion and decision (``ConclusionUse``) and audited. Not covered and no case open for
    it: a case is opened (when ``open_case`` and the actor may open cases). Every check is an
    audit event with its answer."""
    from bvct.vetting.services import open_case_inside

    found = (
        PersonnelDecision.objects.visible_to(actor)
        .select_related("dossier", "dossier__managing_org", "post", "catalogue_entry")
        .filter(pk=decision.pk)
        .first()
    )
    if found is None:
        raise NotFoundError()
    if found.status != DecisionStatus.PROPOSED:
        raise ValidationFailed("Đề xuất này đã được rút: không kiểm tra nữa.")
    check = coverage_evaluate(actor, found)
    if check.status == CheckStatus.COVERED and check.conclusion is not None:
        own = CaseDecision.objects.filter(case_id=check.conclusion.case_id, decision=found).exists()
        if not own:
            _, created = ConclusionUse.objects.get_or_create(
                conclusion=check.conclusion,
                decision=found,
                defaults={"checked_by": None if is_system(actor) else actor},
            )
            check.reused = True
            if created:
                case = Case.objects.select_related("subject__managing_org").get(
                    pk=check.conclusion.case_id
                )
                case_audit(
                    actor=actor,
                    action=AuditAction.CONCLUSION_USE,
                    case=case,
                    obj=check.conclusion,
                    after={
                        "conclusion": check.conclusion.public_id,
                        "number_symbol": check.conclusion.number_symbol,
                        "decision": found.public_id,
                        "decision_kind": found.kind,
                    },
                )
    if (
        check.status == CheckStatus.NOT_COVERED
        and check.case is None
        and open_case
        and may(actor, Action.OPEN_CASE)
        and CASE_GATE.q(actor, Action.OPEN_CASE) is not None
    ):
        check.case = open_case_inside(actor=actor, decision=found)
        check.case_opened = True
    from bvct.audit.services import audit_record

    DecisionCheck.objects.update_or_create(
        decision=found,
        defaults={
            "status": check.status,
            "checked_at": timezone.now(),
            "checked_by": None if is_system(actor) else actor,
        },
    )
    subject = Person.objects.only("public_id", "full_name").get(
        dossier_id=found.dossier_id, is_subject=True
    )
    audit_record(
        actor=actor,
        action=AuditAction.DECISION_CHECK,
        obj=found,
        object_label=f"{subject.full_name} ({found.get_kind_display()})",
        org=found.dossier.managing_org,
        subject_id=subject.public_id,
        classification=found.dossier.classification,
        after={
            "status": check.status,
            "reasons": check.reasons,
            "conclusion": check.conclusion.public_id if check.conclusion else None,
            "case": check.case.public_id if check.case else None,
            "case_opened": check.case_opened,
            "reused": check.reused,
        },
    )
    return check
