"""Every write to the rule pack and the working-day calendar, with its audit event.

Only an administrator changes them. A draft is copied from the active pack, edited section by
section (each edit checked against the whole schema, and refused with every problem at its
field), then published: it becomes the one active version and the one before it is retired,
kept and readable. Published packs never change.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bvct.audit.constants import AuditAction
from bvct.audit.services import audit_record
from bvct.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from bvct.core.gate import SYSTEM, SystemPrincipal
from bvct.vetting.constants import CalendarDayKind, RulePackStatus
from bvct.vetting.models import CalendarDay, RulePack
from bvct.vetting.permissions_rules import can_manage_rules
from bvct.vetting.rules import SECTIONS, RulePackInvalid, Rules, parse_rules

if TYPE_CHECKING:
    from bvct.accounts.models import User

MAX_NOTE = 2000


def _require_admin(actor: User | SystemPrincipal) -> None:
    if not can_manage_rules(actor):
        raise PermissionDeniedError("Chỉ quản trị hệ thống được sửa bộ quy tắc và lịch làm việc.")


def _account(actor: User | SystemPrincipal) -> User | None:
    return None if actor is SYSTEM else actor  # type: ignore[return-value]


def _locked_draft(expected_revision: int | None) -> RulePack:
    draft = RulePack.objects.select_for_update().filter(status=RulePackStatus.DRAFT).first()
    if draft is None:
        raise ValidationFailed(
            "Không có bản nháp nào: hãy lập bản nháp từ bộ quy tắc đang áp dụng."
        )
    if expected_revision is not None and draft.revision != expected_revision:
        raise ConflictError(
            "Bản nháp vừa được người khác sửa. Trang đã được tải lại với nội dung mới nhất; "
            "hãy kiểm tra rồi sửa lại."
        )
    return draft


def _check_relations(rules: Rules) -> None:
    """Relation codes must be relations the lý lịch knows (people.RelationKind)."""
    from bvct.people.models import RelationKind

    known = set(RelationKind.objects.values_list("code", flat=True))
    unknown = sorted(set(rules.relations.codes) - known)
    if unknown:
        raise RulePackInvalid(
            {
                "verified_relations.codes": [
                    f"Quan hệ không có trong danh mục thân nhân: {', '.join(unknown)}."
                ]
            }
        )


def check_pack(data: Any, *, version: int = 0) -> Rules:
    """The pack's data checked in full (schema, and relation codes against the database)."""
    rules = parse_rules(data, version=version)
    _check_relations(rules)
    return rules


@transaction.atomic(durable=True)
def rule_pack_draft_create(*, actor: User | SystemPrincipal, note: str = "") -> RulePack:
    """A new draft, a copy of the active pack, numbered after the last version."""
    _require_admin(actor)
    active = RulePack.objects.select_for_update().get(status=RulePackStatus.ACTIVE)
    if RulePack.objects.filter(status=RulePackStatus.DRAFT).exists():
        raise ValidationFailed("Đã có một bản nháp đang sửa: hãy sửa tiếp hoặc hủy bản nháp đó.")
    last = RulePack.objects.aggregate(m=Max("version"))["m"] or 0
    draft = RulePack.objects.create(
        version=last + 1,
        status=RulePackStatus.DRAFT,
        data=copy.deepcopy(active.data),
        note=note.strip()[:MAX_NOTE],
        based_on=active.version,
        created_by=_account(actor),
    )
    audit_record(
        actor=actor,
        action=AuditAction.RULE_PACK_DRAFT,
        obj=draft,
        object_id=str(draft.version),
        after={"version": draft.version, "based_on": active.version, "note": draft.note},
    )
    return draft


@transaction.atomic(durable=True)
def rule_pack_draft_update(
    *,
    actor: User | SystemPrincipal,
    section: str,
    value: Any,
    expected_revision: int | None,
) -> RulePack:
    """Replace one section of the draft; the whole pack is checked, and refused with every
    problem at its place (RulePackInvalid) or when someone else edited the draft since."""
    _require_admin(actor)
    if section not in SECTIONS:
        raise ValidationFailed("Không có phần này trong bộ quy tắc.", field="section")
    draft = _locked_draft(expected_revision)
    before = copy.deepcopy(draft.data.get(section))
    if before == value:
        return draft
    data = {**draft.data, section: value}
    check_pack(data, version=draft.version)
    draft.data = data
    draft.revision += 1
    draft.save(update_fields=["data", "revision", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.RULE_PACK_EDIT,
        obj=draft,
        object_id=str(draft.version),
        before={"version": draft.version, "section": section, "rules": before},
        after={"version": draft.version, "section": section, "rules": value},
    )
    return draft


@transaction.atomic(durable=True)
def rule_pack_publish(
    *, actor: User | SystemPrincipal, expected_revision: int | None, note: str = ""
) -> RulePack:
    """The draft becomes the one active version; the one active until now is retired (kept,
    readable, and still the rules of the cases opened under it)."""
    _require_admin(actor)
    active = RulePack.objects.select_for_update().get(status=RulePackStatus.ACTIVE)
    draft = _locked_draft(expected_revision)
    check_pack(draft.data, version=draft.version)
    if draft.data == active.data:
        raise ValidationFailed(
            "Bản nháp giống hệt bộ quy tắc đang áp dụng: không có gì để công bố.", field="note"
        )
    note = note.strip()[:MAX_NOTE] or draft.note
    if not note:
        raise ValidationFailed("Cần ghi rõ nội dung thay đổi khi công bố.", field="note")
    active.status = RulePackStatus.RETIRED
    active.save(update_fields=["status", "updated_at"])
    draft.status = RulePackStatus.ACTIVE
    draft.note = note
    draft.published_by = _account(actor)
    draft.published_at = timezone.now()
    draft.save(update_fields=["status", "note", "published_by", "published_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.RULE_PACK_PUBLISH,
        obj=draft,
        object_id=str(draft.version),
        before={"version": active.version, "status": RulePackStatus.ACTIVE},
        after={
            "version": draft.version,
            "status": RulePackStatus.ACTIVE,
            "retired": active.version,
            "note": note,
        },
    )
    return draft


@transaction.atomic(durable=True)
def rule_pack_draft_discard(
    *, actor: User | SystemPrincipal, expected_revision: int | None
) -> None:
    """Throw the draft away (its edits stay in the audit trail)."""
    _require_admin(actor)
    draft = _locked_draft(expected_revision)
    version = draft.version
    draft.delete()
    audit_record(
        actor=actor,
        action=AuditAction.RULE_PACK_DISCARD,
        object_type="vetting.rulepack",
        object_id=str(version),
        object_label=f"Bản nháp bộ quy tắc phiên bản {version}",
        before={"version": version, "status": RulePackStatus.DRAFT},
    )


# --- the working-day calendar ---------------------------------------------------------------

_CALENDAR_FIELDS = ("date", "kind", "note")
MAX_CALENDAR_NOTE = 300


def _calendar_snapshot(day: CalendarDay) -> dict[str, Any]:
    return {"date": day.date.isoformat(), "kind": day.kind, "note": day.note}


@transaction.atomic(durable=True)
def calendar_day_set(
    *, actor: User | SystemPrincipal, date: dt.date, kind: str, note: str = ""
) -> CalendarDay:
    """Enter (or change) a day off or a make-up working day the government announced."""
    _require_admin(actor)
    if kind not in CalendarDayKind.values:
        raise ValidationFailed("Cần chọn ngày nghỉ hay ngày làm việc bù.", field="kind")
    note = note.strip()
    if not note:
        raise ValidationFailed(
            "Cần ghi căn cứ (văn bản thông báo nghỉ, làm bù) của ngày này.", field="note"
        )
    if len(note) > MAX_CALENDAR_NOTE:
        raise ValidationFailed(f"Căn cứ quá dài (tối đa {MAX_CALENDAR_NOTE} ký tự).", field="note")
    from bvct.vetting.calendar import public_working_day

    if kind == CalendarDayKind.WORKING_DAY and public_working_day(date):
        raise ValidationFailed(
            f"Ngày {date:%d/%m/%Y} đã là ngày làm việc: không cần nhập làm ngày làm việc bù.",
            field="date",
        )
    if kind == CalendarDayKind.DAY_OFF and not public_working_day(date):
        raise ValidationFailed(
            f"Ngày {date:%d/%m/%Y} đã là ngày nghỉ (cuối tuần hoặc ngày lễ): không cần nhập.",
            field="date",
        )
    day = CalendarDay.objects.select_for_update().filter(date=date).first()
    before = _calendar_snapshot(day) if day else None
    if day is None:
        day = CalendarDay(date=date)
    day.kind, day.note, day.entered_by = kind, note, _account(actor)
    after = _calendar_snapshot(day)
    if after == before:
        return day
    day.save()
    audit_record(
        actor=actor,
        action=AuditAction.CALENDAR_DAY_SET,
        obj=day,
        object_id=date.isoformat(),
        before=before,
        after=after,
    )
    return day


@transaction.atomic(durable=True)
def calendar_day_remove(*, actor: User | SystemPrincipal, date: dt.date) -> None:
    """Remove an entered day: the public calendar decides that day again."""
    _require_admin(actor)
    day = CalendarDay.objects.select_for_update().filter(date=date).first()
    if day is None:
        raise ValidationFailed(f"Ngày {date:%d/%m/%Y} chưa được nhập.", field="date")
    before = _calendar_snapshot(day)
    label = str(day)
    day.delete()
    audit_record(
        actor=actor,
        action=AuditAction.CALENDAR_DAY_REMOVE,
        object_type="vetting.calendarday",
        object_id=date.isoformat(),
        object_label=label,
        before=before,
    )
