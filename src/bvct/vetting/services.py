"""Cases: opening, moving through the workflow, assigning officers, withdrawing, deadlines.

Every service is one durable transaction that re-checks the actor through the gate, locks the
case it changes, refuses a stale version, appends the case's event and writes its audit row.
Findings, verification results and the appraisal are in ``services_findings``; conclusions in
``services_conclusions``; the requirement check in ``coverage``; reported changes in
``services_changes``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bvct.audit.constants import AuditAction
from bvct.core.constants import Action, Classification, Role
from bvct.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from bvct.core.gate import is_system, may
from bvct.core.submissions import submission_claim, submission_result
from bvct.people.models import Dossier
from bvct.positions.constants import DecisionKind, DecisionStatus
from bvct.positions.models import PersonnelDecision
from bvct.vetting import workflow
from bvct.vetting.calendar import add_working_days
from bvct.vetting.constants import (
    OPEN_STATES,
    CaseEventKind,
    CaseOrigin,
    CaseState,
    Duty,
    Stage,
)
from bvct.vetting.models import (
    CASE_GATE,
    Case,
    CaseAssignment,
    CaseDecision,
    CaseSequence,
    RulePack,
)
from bvct.vetting.rules import rule_pack_current
from bvct.vetting.services_common import (
    Actor,
    case_audit,
    case_for,
    case_rules,
    catalogue_levels,
    check_version,
    event,
    is_complex,
    refuse_if_related,
    require_open,
    today,
)

CASE_FIELDS = ("state", "stage_started_on", "stage_due_on", "restricted", "complex")


def _snapshot(case: Case) -> dict[str, Any]:
    return {
        "state": case.state,
        "stage_due_on": case.stage_due_on,
        "restricted": case.restricted,
        "complex": case.complex,
        "classification": case.classification,
        "assignees": len(case.assignee_ids),
    }


def body_symbol(body: Any) -> str:
    """The competent body's mark in case numbers: its short name ("TU Bắc Ninh" →
    "TU-Bắc-Ninh") when no other organisation has the same one, else its code in capitals
    ("du-phuong-kinh-bac" → "DU-PHUONG-KINH-BAC"), which is unique: so a case number names
    whose it is and never repeats across committees."""
    from bvct.orgs.models import Organisation

    short = "-".join(str(body.short_name or "").replace("/", " ").split())
    if short and not (
        Organisation.objects.filter(short_name=body.short_name).exclude(pk=body.pk).exists()
    ):
        return short
    return str(body.code).upper()


def _next_reference(body: Any, year: int) -> str:
    """The next case number of the body in the year, taken in this transaction (gap-free):
    "TT-2026-0001/TU-Bắc-Ninh"."""
    competent_body_id = body.pk
    table = CaseSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (competent_body_id, year, last_number) VALUES (%s, %s, 1)
                ON CONFLICT (competent_body_id, year)
                DO UPDATE SET last_number = {table}.last_number + 1
                RETURNING last_number""",
            [competent_body_id, year],
        )
        number = cursor.fetchone()[0]
    return f"TT-{year}-{number:04d}/{body_symbol(body)}"


def stage_deadline(case: Case, stage: str, start: dt.date) -> dt.date | None:
    """The stage's deadline from the case's rule pack, in working days after ``start``."""
    if stage not in Stage.values:
        return None
    days = case_rules(case).deadline_days(stage, complex=is_complex(case))
    return add_working_days(start, days)


def _dossier_for(actor: Actor, dossier: Dossier) -> Dossier:
    found = (
        Dossier.objects.visible_to(actor, Action.CHANGE)
        .select_related("managing_org")
        .filter(pk=dossier.pk)
        .first()
    )
    if found is None:
        raise NotFoundError()
    return found


def _decision_for(actor: Actor, decision: PersonnelDecision) -> PersonnelDecision:
    found = (
        PersonnelDecision.objects.visible_to(actor, Action.CHANGE)
        .select_related("dossier", "dossier__managing_org", "post", "catalogue_entry")
        .filter(pk=decision.pk)
        .first()
    )
    if found is None:
        raise NotFoundError()
    if found.status != DecisionStatus.PROPOSED:
        raise ValidationFailed("Đề xuất này đã được rút: không mở hồ sơ thẩm tra cho nó.")
    return found


def open_case_of(decision: PersonnelDecision) -> Case | None:
    """The case still being worked on that serves ``decision`` (any actor's: callers gate)."""
    return (
        Case.objects.filter(decision_links__decision=decision, state__in=OPEN_STATES)
        .order_by("-opened_at")
        .first()
    )


def _add_assignee(case: Case, user: Any, duty: str, actor: Actor) -> CaseAssignment:
    assignment = CaseAssignment.objects.create(
        case=case, user=user, duty=duty, assigned_by=None if is_system(actor) else actor
    )
    if user.pk not in case.assignee_ids:
        case.assignee_ids = [*case.assignee_ids, user.pk]
    return assignment


@transaction.atomic(durable=True)
def case_open(
    *,
    actor: Actor,
    decision: PersonnelDecision | None = None,
    dossier: Dossier | None = None,
    origin: str = CaseOrigin.DECISION,
    previous_case: Case | None = None,
    restricted: bool = False,
    complex: bool = False,
    summary: str = "",
    submission_token: uuid.UUID | None = None,
) -> Case:
    """Open a case about a dossier's subject (see :func:`open_case_inside`)."""
    submission_claim(actor=actor, token=submission_token)
    case = open_case_inside(
        actor=actor,
        decision=decision,
        dossier=dossier,
        origin=origin,
        previous_case=previous_case,
        restricted=restricted,
        complex=complex,
        summary=summary,
    )
    submission_result(actor=actor, token=submission_token, result=case.public_id)
    return case


def open_case_inside(
    *,
    actor: Actor,
    decision: PersonnelDecision | None = None,
    dossier: Dossier | None = None,
    origin: str = CaseOrigin.DECISION,
    previous_case: Case | None = None,
    restricted: bool = False,
    complex: bool = False,
    summary: str = "",
) -> Case:
    """Open a case about a dossier's subject: for a proposed decision (``origin`` DECISION,
    the decision linked), or after a complaint or new information (``dossier``, optionally the
    ``previous_case`` whose conclusion it questions). The competent body comes from the active
    rule pack (by the post's tier and the decision's kind), which the case keeps. The opener
    (an officer) is assigned as its lead, so a restricted case stays visible to them.

    The case is at least as classified as its dossier and as the key/classified catalogue
    asks of the decision's post or entry (their level and required clearance:
    ``catalogue_levels``), so the gate keeps it from whoever is not cleared for the post.

    Refused: a dossier or decision the actor may not change (as missing), a withdrawn
    decision, a decision already served by an open case, a previous case that is not
    concluded or is about someone else. Inside the caller's transaction (the requirement
    check opens a case this way)."""
    if not may(actor, Action.OPEN_CASE):
        raise PermissionDeniedError("Bạn không có quyền mở hồ sơ thẩm tra.")
    origin = str(origin)
    if origin not in CaseOrigin.values:
        raise ValidationFailed("Không có căn cứ mở hồ sơ này.", field="origin")
    post_tier, kind = None, None
    classification = 0
    if decision is not None:
        decision = _decision_for(actor, decision)
        if dossier is not None and dossier.pk != decision.dossier_id:
            raise ValidationFailed("Đề xuất không thuộc hồ sơ này.", field="decision")
        dossier = decision.dossier
        kind = decision.kind
        post_tier = decision.post.tier if decision.post else None
        classification = catalogue_levels([decision.pk])
        running = open_case_of(decision)
        if running is not None:
            told = CASE_GATE.allows(actor, Action.VIEW, running)
            raise ValidationFailed(
                "Đề xuất này đã có hồ sơ thẩm tra đang giải quyết"
                + (f" ({running.reference})." if told else ".")
            )
    elif origin == CaseOrigin.DECISION:
        raise ValidationFailed("Hãy chọn đề xuất quyết định cần thẩm tra.", field="decision")
    if dossier is None:
        raise ValidationFailed("Hãy chọn hồ sơ của người cần thẩm tra.", field="dossier")
    dossier = _dossier_for(actor, dossier)
    if origin == CaseOrigin.COMPLAINT:
        kind = kind or DecisionKind.COMPLAINT_REVIEW
    if previous_case is not None:
        previous_case = case_for(actor, previous_case, Action.VIEW, lock=False)
        if previous_case.subject_id != dossier.pk:
            raise ValidationFailed("Hồ sơ thẩm tra trước là về người khác.", field="previous_case")
        if previous_case.state != CaseState.CONCLUDED:
            raise ValidationFailed(
                "Chỉ mở lại được hồ sơ thẩm tra đã có kết luận.", field="previous_case"
            )
        classification = max(classification, previous_case.classification)
    rules = rule_pack_current()
    body = rules.competent_body(dossier.managing_org, post_tier, kind)
    now = timezone.now()
    case = Case(
        subject=dossier,
        origin=origin,
        state=CaseState.OPEN,
        rule_pack=RulePack.objects.get(version=rules.version),
        competent_body=body,
        org_path=dossier.org_path,
        classification=max(int(dossier.classification), int(classification)),
        restricted=bool(restricted),
        complex=bool(complex),
        summary=" ".join(str(summary or "").split())[:4000],
        stage_started_on=today(),
        opened_by=None if is_system(actor) else actor,
        previous_case=previous_case,
    )
    lead = not is_system(actor) and actor.has_role(Role.BVCT_OFFICER)
    if lead:
        case.assignee_ids = [actor.pk]
    if not CASE_GATE.allows(actor, Action.OPEN_CASE, case):
        # The case would be above the actor's clearance, or outside their reach.
        raise NotFoundError()
    case.reference = _next_reference(body, now.year)
    case.save()
    if lead:
        _add_assignee(case, actor, Duty.LEAD, actor)
    if decision is not None:
        CaseDecision.objects.create(case=case, decision=decision)
    note = f"Căn cứ: {CaseOrigin(origin).label}" + (
        f"; tiếp theo hồ sơ {previous_case.reference}" if previous_case else ""
    )
    event(case, actor=actor, kind=CaseEventKind.OPEN, to_state=CaseState.OPEN, note=note)
    case_audit(
        actor=actor,
        action=AuditAction.CASE_OPEN,
        case=case,
        after={
            **_snapshot(case),
            "reference": case.reference,
            "origin": origin,
            "competent_body": body.public_id,
            "rule_pack": rules.version,
            "decision": decision.public_id if decision else None,
            "previous_case": previous_case.public_id if previous_case else None,
        },
    )
    return case


@transaction.atomic(durable=True)
def case_transition(
    *, actor: Actor, case: Case, to: str, expected_version: int | None = None, note: str = ""
) -> Case:
    """Move the case along the workflow table (``workflow.TRANSITIONS``), its guards checked;
    a stage with a deadline gets it from the case's rule pack in working days from today.
    Concluding and withdrawing have their own services."""
    locked = case_for(actor, case, Action.CHANGE)
    check_version(locked, expected_version)
    workflow.check_move(locked, str(to))
    return move_case(actor, locked, str(to), note=" ".join(str(note or "").split())[:2000])


def move_case(
    actor: Actor, case: Case, to: str, *, note: str, kind: str = CaseEventKind.TRANSITION
) -> Case:
    """Set the new state (the move already checked), append the event, audit. Inside the
    caller's transaction, the case locked."""
    before = _snapshot(case)
    source = case.state
    start = today()
    case.state = to
    case.stage_started_on = start
    case.stage_due_on = stage_deadline(case, to, start)
    if to in (CaseState.CONCLUDED, CaseState.WITHDRAWN):
        case.closed_at = timezone.now()
    case.version += 1
    case.save()
    event(
        case,
        actor=actor,
        kind=kind,
        from_state=source,
        to_state=to,
        due_on=case.stage_due_on,
        note=note,
    )
    action = AuditAction.CASE_WITHDRAW if to == CaseState.WITHDRAWN else AuditAction.CASE_TRANSITION
    case_audit(
        actor=actor,
        action=action,
        case=case,
        before=before,
        after={**_snapshot(case), "note": note},
    )
    return case


@transaction.atomic(durable=True)
def case_withdraw(
    *, actor: Actor, case: Case, reason: str, expected_version: int | None = None
) -> Case:
    """Withdraw a case still being worked on (the decision withdrawn, a duplicate...), with
    why; it is kept with its history."""
    locked = case_for(actor, case, Action.CHANGE)
    check_version(locked, expected_version)
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationFailed("Hãy ghi lý do rút hồ sơ thẩm tra.", field="reason")
    if len(reason) > 2000:
        raise ValidationFailed("Lý do dài quá 2000 ký tự.", field="reason")
    require_open(locked)
    workflow.check_move(locked, CaseState.WITHDRAWN, service="case_withdraw")
    return move_case(actor, locked, CaseState.WITHDRAWN, note=reason, kind=CaseEventKind.WITHDRAW)


@transaction.atomic(durable=True)
def case_set_deadline(
    *,
    actor: Actor,
    case: Case,
    due_on: dt.date,
    reason: str,
    expected_version: int | None = None,
) -> Case:
    """Change the current stage's deadline (an extension decided by the board), with why.
    Refused: a date before today, a case in a stage without a deadline."""
    locked = case_for(actor, case, Action.CHANGE)
    check_version(locked, expected_version)
    require_open(locked)
    if locked.state not in Stage.values:
        raise ValidationFailed(
            f"Bước “{CaseState(locked.state).label}” không có hạn.", field="due_on"
        )
    if not isinstance(due_on, dt.date):
        raise ValidationFailed("Hãy nhập hạn mới (ngày/tháng/năm).", field="due_on")
    if due_on < today():
        raise ValidationFailed(
            f"Hạn mới không được trước hôm nay ({today():%d/%m/%Y}).", field="due_on"
        )
    if due_on == locked.stage_due_on:
        raise ValidationFailed(
            f"Hạn của bước đã là {due_on:%d/%m/%Y}: không có gì thay đổi.", field="due_on"
        )
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationFailed("Hãy ghi lý do đổi hạn.", field="reason")
    if len(reason) > 2000:
        raise ValidationFailed("Lý do dài quá 2000 ký tự.", field="reason")
    before = _snapshot(locked)
    locked.stage_due_on = due_on
    locked.version += 1
    locked.save(update_fields=["stage_due_on", "version", "updated_at"])
    event(
        locked,
        actor=actor,
        kind=CaseEventKind.DEADLINE,
        from_state=locked.state,
        to_state=locked.state,
        due_on=due_on,
        note=reason[:2000],
    )
    case_audit(
        actor=actor,
        action=AuditAction.CASE_DEADLINE,
        case=locked,
        before=before,
        after={**_snapshot(locked), "reason": reason[:2000]},
    )
    return locked


@transaction.atomic(durable=True)
def case_set_restriction(
    *,
    actor: Actor,
    case: Case,
    restricted: bool,
    reason: str,
    expected_version: int | None = None,
) -> Case:
    """Restrict who sees the case to its assigned officers and the members of its competent
    body (``restricted``), or lift that, with why; by whoever may manage the case (assign its
    officers). Refused: no change, no reason, and a restriction that would hide the case from
    the actor themselves (assign yourself first)."""
    locked = case_for(actor, case, Action.ASSIGN)
    check_version(locked, expected_version)
    restricted = bool(restricted)
    if locked.restricted == restricted:
        raise ValidationFailed(
            "Hồ sơ đã được hạn chế người xem."
            if restricted
            else "Hồ sơ đang không hạn chế người xem.",
            field="restricted",
        )
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationFailed("Hãy ghi lý do.", field="reason")
    if len(reason) > 2000:
        raise ValidationFailed("Lý do dài quá 2000 ký tự.", field="reason")
    before = _snapshot(locked)
    locked.restricted = restricted
    locked.version += 1
    if not CASE_GATE.allows(actor, Action.VIEW, locked):
        raise ValidationFailed(
            "Bạn chưa được phân công cho hồ sơ này: nếu hạn chế người xem, chính bạn sẽ không "
            "xem được hồ sơ nữa. Hãy phân công mình cho hồ sơ trước.",
            field="restricted",
        )
    locked.save(update_fields=["restricted", "version", "updated_at"])
    label = (
        "Hạn chế người xem: chỉ cán bộ được phân công và cấp có thẩm quyền"
        if restricted
        else "Bỏ hạn chế người xem"
    )
    event(locked, actor=actor, kind=CaseEventKind.RESTRICTION, note=f"{label}. Lý do: {reason}")
    case_audit(
        actor=actor,
        action=AuditAction.CASE_RESTRICTION,
        case=locked,
        before=before,
        after={**_snapshot(locked), "reason": reason},
    )
    return locked


def _assignee_may_work(user: Any, case: Case) -> bool:
    """An officer of the case's scope cleared for its level (restriction aside: assigning is
    what lets them through it)."""
    return bool(
        getattr(user, "is_active", False)
        and user.has_role(Role.BVCT_OFFICER)
        and CASE_GATE.allows(
            user,
            Action.CHANGE,
            org_path=case.org_path,
            classification=case.classification,
            restricted=False,
            assignee_ids=[],
            competent_body_id=case.competent_body_id,
        )
    )


@transaction.atomic(durable=True)
def case_assign(
    *, actor: Actor, case: Case, user: Any, duty: str, expected_version: int | None = None
) -> CaseAssignment:
    """Assign an officer to the case (lead, or verifier). The officer must work in the case's
    scope at its level; a verifier must have a citizen ID on their account and be neither the
    subject nor one of their relatives (checked for every assignee whose account has one)."""
    locked = case_for(actor, case, Action.ASSIGN)
    check_version(locked, expected_version)
    require_open(locked)
    duty = str(duty)
    if duty not in Duty.values:
        raise ValidationFailed("Không có nhiệm vụ này.", field="duty")
    if user is None or not _assignee_may_work(user, locked):
        raise ValidationFailed(
            "Chỉ phân công được cán bộ làm công tác BVCTNB trong phạm vi của hồ sơ và được "
            "tiếp cận mức mật của hồ sơ.",
            field="user",
        )
    what = "phân công thẩm tra, xác minh" if duty == Duty.VERIFIER else "phân công cho hồ sơ này"
    if duty == Duty.VERIFIER or getattr(user, "citizen_id", None):
        refuse_if_related(user, locked.subject_id, what=what, field="user")
    if CaseAssignment.objects.filter(
        case=locked, user=user, duty=duty, ended_at__isnull=True
    ).exists():
        raise ValidationFailed(f"{user.full_name} đã được phân công nhiệm vụ này.", field="user")
    before = _snapshot(locked)
    assignment = _add_assignee(locked, user, duty, actor)
    locked.version += 1
    locked.save(update_fields=["assignee_ids", "version", "updated_at"])
    event(
        locked, actor=actor, kind=CaseEventKind.ASSIGN, note=f"{user.full_name}: {Duty(duty).label}"
    )
    case_audit(
        actor=actor,
        action=AuditAction.CASE_ASSIGN,
        case=locked,
        obj=locked,
        before=before,
        after={**_snapshot(locked), "user": user.public_id, "duty": duty},
    )
    return assignment


@transaction.atomic(durable=True)
def case_unassign(
    *, actor: Actor, assignment: CaseAssignment, expected_version: int | None = None
) -> Case:
    """End an assignment (kept, with when). The case's last lead stays until another lead is
    assigned."""
    locked = case_for(actor, assignment.case_id, Action.ASSIGN)
    check_version(locked, expected_version)
    row = (
        CaseAssignment.objects.select_for_update()
        .select_related("user")
        .filter(pk=assignment.pk, case=locked, ended_at__isnull=True)
        .first()
    )
    if row is None:
        raise ValidationFailed("Phân công này đã kết thúc.")
    if (
        row.duty == Duty.LEAD
        and not CaseAssignment.objects.filter(case=locked, duty=Duty.LEAD, ended_at__isnull=True)
        .exclude(pk=row.pk)
        .exists()
    ):
        raise ValidationFailed(
            f"{row.user.full_name} là cán bộ chủ trì duy nhất của hồ sơ: hãy phân công cán bộ "
            "chủ trì khác trước khi thôi phân công.",
            field="user",
        )
    before = _snapshot(locked)
    row.ended_at = timezone.now()
    row.save(update_fields=["ended_at"])
    locked.assignee_ids = list(
        CaseAssignment.objects.filter(case=locked, ended_at__isnull=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    locked.version += 1
    locked.save(update_fields=["assignee_ids", "version", "updated_at"])
    event(
        locked,
        actor=actor,
        kind=CaseEventKind.UNASSIGN,
        note=f"{row.user.full_name}: {Duty(row.duty).label}",
    )
    case_audit(
        actor=actor,
        action=AuditAction.CASE_UNASSIGN,
        case=locked,
        before=before,
        after={**_snapshot(locked), "user": row.user.public_id, "duty": row.duty},
    )
    return locked


@transaction.atomic(durable=True)
def case_link_decision(
    *, actor: Actor, case: Case, decision: PersonnelDecision, expected_version: int | None = None
) -> CaseDecision:
    """Let an open case serve one more proposed decision about its subject. The case becomes
    at least as classified as the key/classified catalogue asks of the decision's post
    (``catalogue_levels``); refused when that is above the actor's clearance."""
    locked = case_for(actor, case, Action.CHANGE)
    check_version(locked, expected_version)
    require_open(locked)
    decision = _decision_for(actor, decision)
    if decision.dossier_id != locked.subject_id:
        raise ValidationFailed("Đề xuất này là về người khác.", field="decision")
    running = open_case_of(decision)
    if running is not None:
        raise ValidationFailed(
            "Đề xuất này đã có hồ sơ thẩm tra đang giải quyết.", field="decision"
        )
    level = catalogue_levels([decision.pk])
    before = _snapshot(locked)
    locked.classification = max(locked.classification, level)
    if not CASE_GATE.allows(actor, Action.CHANGE, locked):
        # The post's catalogue entry puts the case above the actor's own clearance.
        raise ValidationFailed(
            f"Đề xuất này là về vị trí trong danh mục trọng yếu, cơ mật: hồ sơ sẽ ở độ mật "
            f"{Classification(level).label}, cao hơn mức bạn được tiếp cận.",
            field="decision",
        )
    link = CaseDecision.objects.create(case=locked, decision=decision)
    locked.version += 1
    locked.save(update_fields=["classification", "version", "updated_at"])
    event(
        locked, actor=actor, kind=CaseEventKind.DECISION_LINK, note=str(decision.get_kind_display())
    )
    case_audit(
        actor=actor,
        action=AuditAction.CASE_DECISION_LINK,
        case=locked,
        before=before,
        after={**_snapshot(locked), "decision": decision.public_id},
    )
    return link


def raise_classification(case: Case, level: int) -> None:
    """A case is at least as classified as its most classified document (inside the caller's
    transaction, the case locked)."""
    if int(level) > case.classification:
        case.classification = int(Classification(int(level)))
        case.save(update_fields=["classification", "updated_at"])


__all__ = [
    "body_symbol",
    "case_assign",
    "case_link_decision",
    "case_open",
    "case_set_deadline",
    "case_set_restriction",
    "case_transition",
    "case_unassign",
    "case_withdraw",
    "move_case",
    "open_case_inside",
    "open_case_of",
    "raise_classification",
    "stage_deadline",
]
