"""The case's states and the moves between them: one table, enforced by the services.

    OPEN ─► APPRAISAL ─► VERIFICATION ─► DELIBERATION ─► CONCLUDED
              │                ▲              │
              └────────────────┼──────────────┘ (nothing needs verifying)
                               └── DELIBERATION (the committee asks for more verification)
    any open state ─► WITHDRAWN

Each move may carry a guard: a condition on the case's rows that must hold, with the
Vietnamese reason given when it does not. ``CONCLUDED`` is reached only by issuing the
conclusion (``services_conclusions.conclusion_issue``), ``WITHDRAWN`` only by
``services.case_withdraw`` (which requires a reason): :func:`check_move` refuses both to a
plain transition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bvct.core.errors import ValidationFailed
from bvct.vetting.constants import CaseState, FindingStatus, Stage

if TYPE_CHECKING:
    from bvct.vetting.models import Case

S = CaseState


def _appraisal_recorded(case: Case) -> str | None:
    from bvct.vetting.models import Appraisal

    if not Appraisal.objects.filter(case=case).exists():
        return "Chưa ghi kết quả thẩm định: hãy ghi kết quả thẩm định trước."
    return None


def _has_findings_to_verify(case: Case) -> bool:
    return case.findings.filter(status=FindingStatus.TO_VERIFY).exists()


def _something_to_verify(case: Case) -> str | None:
    missing = _appraisal_recorded(case)
    if missing:
        return missing
    if not _has_findings_to_verify(case):
        return (
            "Không có vấn đề nào cần thẩm tra, xác minh: hãy ghi vấn đề cần xác minh, hoặc "
            "chuyển thẳng sang bước cấp ủy xem xét, kết luận."
        )
    return None


def _nothing_left_to_verify(case: Case) -> str | None:
    missing = _appraisal_recorded(case)
    if missing:
        return missing
    if _has_findings_to_verify(case):
        return (
            "Còn vấn đề đang chờ thẩm tra, xác minh: hãy ghi kết quả xác minh (đã xác định "
            "hoặc đã làm rõ) cho từng vấn đề trước khi trình cấp ủy."
        )
    return None


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    label: str  # the button's words
    guard: Callable[[Case], str | None] | None = None
    # Reached only by its own service (the conclusion, the withdrawal), never a plain move.
    by_service: str = ""


TRANSITIONS: tuple[Move, ...] = (
    Move(S.OPEN, S.APPRAISAL, "Bắt đầu thẩm định"),
    Move(S.APPRAISAL, S.VERIFICATION, "Chuyển thẩm tra, xác minh", _something_to_verify),
    Move(S.APPRAISAL, S.DELIBERATION, "Trình cấp ủy xem xét, kết luận", _nothing_left_to_verify),
    Move(S.VERIFICATION, S.DELIBERATION, "Trình cấp ủy xem xét, kết luận", _nothing_left_to_verify),
    Move(S.DELIBERATION, S.VERIFICATION, "Trả lại để thẩm tra, xác minh thêm"),
    Move(S.DELIBERATION, S.CONCLUDED, "Ban hành kết luận", by_service="conclusion_issue"),
    *(
        Move(state, S.WITHDRAWN, "Rút hồ sơ thẩm tra", by_service="case_withdraw")
        for state in (S.OPEN, S.APPRAISAL, S.VERIFICATION, S.DELIBERATION)
    ),
)
_BY_PAIR = {(m.source, m.target): m for m in TRANSITIONS}

#: States that run a deadline (Stage), as case states.
STAGES = frozenset(Stage.values)


def moves_from(state: str) -> list[Move]:
    """The moves out of ``state``, in the table's order (pages offer these)."""
    return [m for m in TRANSITIONS if m.source == state]


def find_move(source: str, target: str) -> Move | None:
    return _BY_PAIR.get((source, target))


def check_move(case: Case, target: str, *, service: str = "") -> Move:
    """The move from the case's state to ``target`` if the table allows it and its guard
    holds; else ValidationFailed with the reason in Vietnamese. ``service``: the service
    asking (a move reserved to one service is refused to any other)."""
    if target not in S.values:
        raise ValidationFailed("Không có bước này.", field="to")
    move = find_move(case.state, target)
    if move is None:
        raise ValidationFailed(
            f"Không thể chuyển hồ sơ từ bước “{S(case.state).label}” sang bước "
            f"“{S(target).label}”.",
            field="to",
        )
    if move.by_service and move.by_service != service:
        word = (
            "ban hành kết luận"
            if move.by_service == "conclusion_issue"
            else "rút hồ sơ (ghi lý do)"
        )
        raise ValidationFailed(
            f"Bước “{S(target).label}” chỉ đạt được bằng cách {word}.", field="to"
        )
    if move.guard is not None:
        reason = move.guard(case)
        if reason:
            raise ValidationFailed(reason, field="to")
    if target != S.WITHDRAWN:
        _refuse_related_assignees(case)
    return move


def _refuse_related_assignees(case: Case) -> None:
    """No step forward (nor the conclusion) while an officer assigned to the case is related
    to the person vetted (their citizen ID may have changed since the assignment)."""
    from bvct.vetting.selectors import related_assignees

    related = related_assignees(case)
    if related:
        names = ", ".join(u.full_name for u in related)
        raise ValidationFailed(
            f"Cán bộ được phân công có quan hệ với người được thẩm tra ({names}): hãy thôi "
            "phân công trước khi chuyển bước hoặc kết luận.",
            field="to",
        )
