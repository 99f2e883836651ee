"""What every casework service shares: the case looked up and locked through the gate, the
case's rule pack, its events and audit rows, and the conflict-of-interest check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.utils import timezone

from bvct.audit.services import audit_record
from bvct.core.constants import Action
from bvct.core.errors import ConflictError, NotFoundError, ValidationFailed
from bvct.core.gate import is_system
from bvct.people.constants import LinkStatus
from bvct.people.models import Person
from bvct.vetting.constants import CaseOrigin, CaseState
from bvct.vetting.models import CASE_GATE, Case, CaseEvent
from bvct.vetting.rules import Rules, rule_pack_get

Actor = Any  # a User or SYSTEM
STALE = "Hồ sơ thẩm tra vừa được người khác cập nhật. Hãy tải lại trang rồi làm lại."
CLOSED = "Hồ sơ thẩm tra đã kết thúc ({state}): không ghi thêm được."


def row_pk(obj: Any) -> int:
    """The primary key of a row given by the caller (-1, which matches nothing, for none)."""
    pk = getattr(obj, "pk", None)
    return pk if isinstance(pk, int) else -1


def today() -> dt.date:
    return timezone.localdate()


def case_for(
    actor: Actor, case: Case | Any, action: str = Action.CHANGE, *, lock: bool = True
) -> Case:
    """The case as it is now, locked, if ``actor`` may take ``action`` on it; else refused
    exactly as a case that does not exist."""
    qs = Case.objects.visible_to(actor, action).select_related(
        "subject", "subject__managing_org", "competent_body", "rule_pack"
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=getattr(case, "pk", case)).first()
    if found is None:
        raise NotFoundError()
    return found


def check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and case.version != expected_version:
        raise ConflictError(STALE)


def require_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationFailed(CLOSED.format(state=CaseState(case.state).label.lower()))


def case_rules(case: Case) -> Rules:
    """The rules of the version the case was opened under."""
    return rule_pack_get(case.rule_pack.version)


def is_complex(case: Case) -> bool:
    """Longer deadlines: marked complex, or started by a complaint."""
    return case.complex or case.origin == CaseOrigin.COMPLAINT


def actor_name(actor: Actor) -> str:
    return str(getattr(actor, "full_name", "") or "Hệ thống")


def event(
    case: Case,
    *,
    actor: Actor,
    kind: str,
    from_state: str = "",
    to_state: str = "",
    due_on: dt.date | None = None,
    note: str = "",
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        actor=None if is_system(actor) else actor,
        actor_name=actor_name(actor),
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        due_on=due_on,
        note=note,
    )


def case_audit(
    *,
    actor: Actor,
    action: str,
    case: Case,
    obj: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """An event about a case or a row of it: under the dossier's managing organisation,
    named by the subject (so the dossier's access log finds it), at the case's level."""
    subject = Person.objects.only("public_id", "full_name").get(
        dossier_id=case.subject_id, is_subject=True
    )
    audit_record(
        actor=actor,
        action=action,
        obj=obj if obj is not None else case,
        object_label=f"{case.reference}: {subject.full_name}",
        org=case.subject.managing_org,
        subject_id=subject.public_id,
        classification=case.classification,
        before=before,
        after=after,
    )


def catalogue_levels(decision_ids: Any) -> int:
    """The highest level the key/classified catalogue asks of the decisions (``decision_ids``:
    ids, or a queryset of them): of each entry a decision names and each active entry that
    lists the post a decision is about, its own level and the clearance it requires. A case
    serving such a decision is at least that classified, so the gate keeps it from whoever
    is not cleared for the post. 0 when the catalogue names none (one query)."""
    from django.db.models import Max, Q

    from bvct.positions.constants import CatalogueKind
    from bvct.positions.models import CatalogueEntry, PersonnelDecision

    decisions = PersonnelDecision.objects.filter(pk__in=decision_ids)
    named = Q(pk__in=decisions.filter(catalogue_entry__isnull=False).values("catalogue_entry_id"))
    listed = Q(
        is_active=True,
        kind=CatalogueKind.POST,
        post_id__in=decisions.filter(post__isnull=False).values("post_id"),
    )
    found = CatalogueEntry.objects.filter(named | listed).aggregate(
        level=Max("classification"), required=Max("required_clearance")
    )
    return max(int(found["level"] or 0), int(found["required"] or 0))


def case_allows(user: Any, case: Case, action: str = Action.VIEW) -> bool:
    return CASE_GATE.allows(user, action, case)


# --- conflict of interest ----------------------------------------------------------------------

NO_CITIZEN_ID = (
    "Tài khoản của {name} chưa có số CCCD, nên không kiểm tra được người này có phải là người "
    "được thẩm tra hay thân nhân của họ không: không thể {what}. Quản trị hệ thống cần nhập số "
    "CCCD cho tài khoản trước."
)
RELATED = (
    "{name} là người được thẩm tra hoặc thân nhân của người đó (theo số CCCD và các liên kết "
    "thân nhân đã xác nhận): không thể {what}."
)

_RELATED_SQL = """
WITH mine AS (
    SELECT p.id, p.citizen_id FROM people_person p WHERE p.citizen_id = %(cccd)s
    UNION
    SELECT q.id, q.citizen_id
      FROM people_person p JOIN people_person q ON q.dossier_id = p.dossier_id
     WHERE p.citizen_id = %(cccd)s AND p.is_subject
), theirs AS (
    SELECT id, citizen_id FROM people_person WHERE dossier_id = %(dossier)s
)
SELECT EXISTS (
    SELECT 1 FROM mine m JOIN theirs t
      ON m.id = t.id OR (m.citizen_id IS NOT NULL AND m.citizen_id = t.citizen_id)
) OR EXISTS (
    SELECT 1 FROM people_personlink l
      JOIN mine m ON m.id IN (l.person_a_id, l.person_b_id)
      JOIN theirs t ON t.id IN (l.person_a_id, l.person_b_id)
     WHERE l.status = %(confirmed)s AND m.id <> t.id
)
"""


def is_related(citizen_id: str, dossier_id: int) -> bool:
    """Whether the holder of ``citizen_id`` is the dossier's subject or one of its declared
    relatives, or shares a person with it: their own person rows (and, when they are the
    subject of a dossier, its relatives) matched to the dossier's persons by citizen ID or by a
    confirmed link. Siblings (a shared, linked parent) count too."""
    with connection.cursor() as cursor:
        cursor.execute(
            _RELATED_SQL,
            {"cccd": citizen_id, "dossier": dossier_id, "confirmed": LinkStatus.CONFIRMED},
        )
        return bool(cursor.fetchone()[0])


def refuse_if_related(user: Any, dossier_id: int, *, what: str, field: str) -> None:
    """Refuse ``user`` (as verifier or signer) without a citizen ID or related to the subject."""
    if is_system(user):
        return
    name = getattr(user, "full_name", "") or getattr(user, "username", "")
    citizen_id = getattr(user, "citizen_id", None)
    if not citizen_id:
        raise ValidationFailed(NO_CITIZEN_ID.format(name=name, what=what), field=field)
    if is_related(citizen_id, dossier_id):
        raise ValidationFailed(RELATED.format(name=name, what=what), field=field)
