"""Changes a member reported since their declaration (báo cáo bổ sung): a trip abroad, a new
relative abroad, a relative's new situation. Recorded against the dossier; the requirement
check counts one recorded after a conclusion as a reason it no longer covers."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction

from bvct.audit.constants import AuditAction
from bvct.audit.services import audit_record
from bvct.core.constants import Action
from bvct.core.errors import NotFoundError, ValidationFailed
from bvct.core.gate import is_system
from bvct.core.submissions import submission_claim, submission_result
from bvct.people.models import Dossier, Person
from bvct.vetting.constants import ChangeKind
from bvct.vetting.models import ReportedChange
from bvct.vetting.services_common import row_pk, today

# Kinds that are about one of the member's relatives (one must be chosen), and about the
# member themself (none may be); "other" may be either.
ABOUT_A_RELATIVE = frozenset({ChangeKind.RELATIVE_ABROAD, ChangeKind.RELATIVE_SITUATION})
ABOUT_THE_MEMBER = frozenset({ChangeKind.TRIP_ABROAD})


@transaction.atomic(durable=True)
def reported_change_record(
    *,
    actor: Any,
    dossier: Dossier,
    kind: str,
    occurred_on: dt.date,
    reported_on: dt.date,
    description: str,
    person: Person | None = None,
    submission_token: uuid.UUID | None = None,
) -> ReportedChange:
    """Record what the member reported (about themself, or one of their relatives). Refused: a
    dossier the actor may not change (as missing), a person of another dossier, a change
    about a relative without the relative, a trip abroad with a relative, dates after today
    or a report before the event."""
    submission_claim(actor=actor, token=submission_token)
    found = (
        Dossier.objects.visible_to(actor, Action.CHANGE)
        .select_related("managing_org")
        .filter(pk=row_pk(dossier))
        .first()
    )
    if found is None:
        raise NotFoundError()
    if kind not in ChangeKind.values:
        raise ValidationFailed("Hãy chọn loại thay đổi.", field="kind")
    for value, field, label in (
        (occurred_on, "occurred_on", "ngày xảy ra"),
        (reported_on, "reported_on", "ngày báo cáo"),
    ):
        if not isinstance(value, dt.date):
            raise ValidationFailed(f"Hãy nhập {label} (ngày/tháng/năm).", field=field)
        if value > today():
            raise ValidationFailed(f"{label.capitalize()} không được sau hôm nay.", field=field)
    if reported_on < occurred_on:
        raise ValidationFailed("Ngày báo cáo không được trước ngày xảy ra.", field="reported_on")
    text = " ".join(str(description or "").split())
    if not text:
        raise ValidationFailed("Hãy nhập nội dung báo cáo.", field="description")
    if len(text) > 4000:
        raise ValidationFailed("Nội dung dài quá 4000 ký tự.", field="description")
    about = None
    if person is not None:
        about = Person.objects.filter(pk=row_pk(person), dossier=found, is_subject=False).first()
        if about is None:
            raise ValidationFailed("Hãy chọn một thân nhân trong hồ sơ này.", field="person")
    kind_label = str(ChangeKind(kind).label)
    if kind in ABOUT_A_RELATIVE and about is None:
        raise ValidationFailed(
            f"“{kind_label}” là về một thân nhân: hãy chọn thân nhân đó.", field="person"
        )
    if kind in ABOUT_THE_MEMBER and about is not None:
        raise ValidationFailed(
            f"“{kind_label}” là về bản thân người khai: không chọn thân nhân.", field="person"
        )
    change = ReportedChange.objects.create(
        dossier=found,
        kind=kind,
        person=about,
        occurred_on=occurred_on,
        reported_on=reported_on,
        description=text,
        recorded_by=None if is_system(actor) else actor,
    )
    subject = Person.objects.only("public_id", "full_name").get(dossier=found, is_subject=True)
    audit_record(
        actor=actor,
        action=AuditAction.REPORTED_CHANGE_RECORD,
        obj=change,
        object_label=f"{subject.full_name} ({change.get_kind_display()})",
        org=found.managing_org,
        subject_id=subject.public_id,
        classification=found.classification,
        after={
            "kind": kind,
            "person": about.public_id if about else None,
            "occurred_on": occurred_on,
            "reported_on": reported_on,
            "description": text,
        },
    )
    submission_result(actor=actor, token=submission_token, result=change.public_id)
    return change
