"""Writes to the rule pack and the calendar: who may, what is refused, and each audit event."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from bvct.core.gate import SYSTEM
from bvct.vetting import services_rules as services
from bvct.vetting.calendar import is_working_day
from bvct.vetting.constants import CalendarDayKind, RulePackStatus, Stage
from bvct.vetting.models import CalendarDay, RulePack
from bvct.vetting.rules import RulePackInvalid, rule_pack_current, rule_pack_get
from tests.conftest import events_since
from tests.factories import Tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tree: Tree) -> Any:
    return make_user(tree.root, Role.SYSADMIN)


def deadlines_with(appraisal: int) -> list[dict[str, Any]]:
    value = copy.deepcopy(rule_pack_current().data["deadlines"])
    value[0].update(days=appraisal, source="Quyết định của Tỉnh ủy (thử nghiệm)", to_confirm=False)
    return value


def test_draft_edit_publish(admin: Any, audit_mark: int) -> None:
    draft = services.rule_pack_draft_create(actor=admin, note="Rút ngắn thẩm định")
    assert (draft.version, draft.status, draft.based_on) == (2, RulePackStatus.DRAFT, 1)
    draft = services.rule_pack_draft_update(
        actor=admin, section="deadlines", value=deadlines_with(3), expected_revision=1
    )
    assert draft.revision == 2
    # Drafts do not apply until published.
    assert rule_pack_current().version == 1
    assert rule_pack_get(2).deadline_days(Stage.APPRAISAL) == 3
    published = services.rule_pack_publish(actor=admin, expected_revision=2, note="")
    assert published.status == RulePackStatus.ACTIVE and published.published_by == admin
    assert RulePack.objects.get(version=1).status == RulePackStatus.RETIRED
    current = rule_pack_current()
    assert current.version == 2 and current.deadline_days(Stage.APPRAISAL) == 3
    assert not current.deadlines[Stage.APPRAISAL].to_confirm
    # The old version stays readable, as it was.
    assert rule_pack_get(1).deadline_days(Stage.APPRAISAL) == 5
    assert rule_pack_get(1).status == RulePackStatus.RETIRED

    draft_ev, edit_ev, publish_ev = events_since(audit_mark)
    assert draft_ev.action == AuditAction.RULE_PACK_DRAFT
    assert draft_ev.after == {"version": 2, "based_on": 1, "note": "Rút ngắn thẩm định"}
    assert edit_ev.action == AuditAction.RULE_PACK_EDIT
    assert edit_ev.content["actor"] == str(admin.public_id)
    assert edit_ev.before["rules"][0]["days"] == 5
    assert edit_ev.after["rules"][0]["days"] == 3
    assert edit_ev.after["section"] == "deadlines"
    assert publish_ev.action == AuditAction.RULE_PACK_PUBLISH
    assert publish_ev.after["retired"] == 1
    assert publish_ev.after["note"] == "Rút ngắn thẩm định"


def test_a_bad_section_is_refused_whole_with_every_problem(admin: Any, audit_mark: int) -> None:
    services.rule_pack_draft_create(actor=admin)
    value = deadlines_with(0)
    value[1]["complex_days"] = 1
    with pytest.raises(RulePackInvalid) as caught:
        services.rule_pack_draft_update(
            actor=admin, section="deadlines", value=value, expected_revision=1
        )
    assert {"deadlines.APPRAISAL.days", "deadlines.VERIFICATION.complex_days"} <= set(
        caught.value.errors
    )
    assert RulePack.objects.get(version=2).revision == 1
    assert [e.action for e in events_since(audit_mark)] == [AuditAction.RULE_PACK_DRAFT]


def test_unknown_relation_codes_are_refused(admin: Any) -> None:
    services.rule_pack_draft_create(actor=admin)
    value = {**rule_pack_current().data["verified_relations"], "codes": ["cha", "hang-xom"]}
    with pytest.raises(RulePackInvalid) as caught:
        services.rule_pack_draft_update(
            actor=admin, section="verified_relations", value=value, expected_revision=1
        )
    assert "hang-xom" in caught.value.errors["verified_relations.codes"][0]


def test_stale_edits_and_second_drafts_are_refused(admin: Any) -> None:
    services.rule_pack_draft_create(actor=admin)
    with pytest.raises(ValidationFailed):
        services.rule_pack_draft_create(actor=admin)
    services.rule_pack_draft_update(
        actor=admin, section="deadlines", value=deadlines_with(4), expected_revision=1
    )
    with pytest.raises(ConflictError):
        services.rule_pack_draft_update(
            actor=admin, section="deadlines", value=deadlines_with(6), expected_revision=1
        )
    with pytest.raises(ConflictError):
        services.rule_pack_publish(actor=admin, expected_revision=1, note="x")
    assert rule_pack_get(2).deadline_days(Stage.APPRAISAL) == 4


def test_publishing_nothing_changed_or_without_a_note_is_refused(admin: Any) -> None:
    services.rule_pack_draft_create(actor=admin)
    with pytest.raises(ValidationFailed, match="giống hệt"):
        services.rule_pack_publish(actor=admin, expected_revision=1, note="Không đổi gì")
    services.rule_pack_draft_update(
        actor=admin, section="deadlines", value=deadlines_with(4), expected_revision=1
    )
    with pytest.raises(ValidationFailed, match="nội dung thay đổi"):
        services.rule_pack_publish(actor=admin, expected_revision=2, note=" ")
    assert rule_pack_current().version == 1


def test_discard(admin: Any, audit_mark: int) -> None:
    services.rule_pack_draft_create(actor=admin)
    services.rule_pack_draft_discard(actor=admin, expected_revision=1)
    assert not RulePack.objects.filter(status=RulePackStatus.DRAFT).exists()
    event = events_since(audit_mark)[-1]
    assert event.action == AuditAction.RULE_PACK_DISCARD
    assert event.before == {"version": 2, "status": "DRAFT"}
    # The next draft takes the number again: a discarded draft was never a version.
    assert services.rule_pack_draft_create(actor=admin).version == 2


@pytest.mark.parametrize(
    "role", [Role.BVCT_OFFICER, Role.COMMITTEE_MEMBER, Role.AUDITOR, Role.SECRET_CLERK]
)
def test_only_the_administrator_writes(tree: Tree, role: str, audit_mark: int) -> None:
    user = make_user(tree.root, role)
    mark = events_since(audit_mark)[-1].seq if events_since(audit_mark) else audit_mark
    with pytest.raises(PermissionDeniedError):
        services.rule_pack_draft_create(actor=user)
    with pytest.raises(PermissionDeniedError):
        services.calendar_day_set(
            actor=user, date=dt.date(2026, 12, 31), kind=CalendarDayKind.DAY_OFF, note="x"
        )
    assert not events_since(mark)
    assert not RulePack.objects.filter(status=RulePackStatus.DRAFT).exists()


def test_the_system_may_publish(tree: Tree) -> None:
    services.rule_pack_draft_create(actor=SYSTEM)
    services.rule_pack_draft_update(
        actor=SYSTEM, section="deadlines", value=deadlines_with(4), expected_revision=1
    )
    pack = services.rule_pack_publish(actor=SYSTEM, expected_revision=2, note="Thử")
    assert pack.published_by is None and pack.published_at is not None


def test_calendar_days(admin: Any, audit_mark: int) -> None:
    new_year_eve = dt.date(2026, 12, 31)
    assert is_working_day(new_year_eve)
    services.calendar_day_set(
        actor=admin, date=new_year_eve, kind=CalendarDayKind.DAY_OFF, note="Thông báo số 1/TB"
    )
    assert not is_working_day(new_year_eve)
    saturday = dt.date(2026, 12, 26)
    services.calendar_day_set(
        actor=admin, date=saturday, kind=CalendarDayKind.WORKING_DAY, note="Làm bù"
    )
    assert is_working_day(saturday)
    services.calendar_day_set(
        actor=admin, date=new_year_eve, kind=CalendarDayKind.DAY_OFF, note="Thông báo số 2/TB"
    )
    services.calendar_day_remove(actor=admin, date=saturday)
    assert not is_working_day(saturday)
    assert CalendarDay.objects.count() == 1

    first, _second, change, removal = events_since(audit_mark)
    assert first.action == AuditAction.CALENDAR_DAY_SET and first.before is None
    assert first.after == {
        "date": "2026-12-31",
        "kind": "DAY_OFF",
        "note": "Thông báo số 1/TB",
    }
    assert change.before["note"] == "Thông báo số 1/TB"
    assert change.after["note"] == "Thông báo số 2/TB"
    assert removal.action == AuditAction.CALENDAR_DAY_REMOVE
    assert removal.before["kind"] == "WORKING_DAY"
    assert removal.content["actor"] == str(admin.public_id)


@pytest.mark.parametrize(
    ("day", "kind", "note", "field"),
    [
        (dt.date(2026, 12, 30), CalendarDayKind.WORKING_DAY, "x", "date"),  # already working
        (dt.date(2026, 9, 2), CalendarDayKind.DAY_OFF, "x", "date"),  # already a holiday
        (dt.date(2026, 12, 31), CalendarDayKind.DAY_OFF, " ", "note"),
        (dt.date(2026, 12, 31), "HOLIDAY", "x", "kind"),
    ],
)
def test_calendar_refusals(admin: Any, day: dt.date, kind: str, note: str, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.calendar_day_set(actor=admin, date=day, kind=kind, note=note)
    assert caught.value.field == field
    assert not CalendarDay.objects.exists()


def test_removing_a_day_never_entered_is_refused(admin: Any) -> None:
    with pytest.raises(ValidationFailed):
        services.calendar_day_remove(actor=admin, date=dt.date(2026, 12, 31))
