"""The audit chain: appends are linked, the table is append-only, tampering is detected."""

from __future__ import annotations

import hashlib
import itertools
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from bvct.audit.constants import GENESIS_HASH, AuditAction
from bvct.audit.models import AuditEvent
from bvct.audit.services import audit_record
from bvct.audit.verify import verify_chain
from bvct.core import context
from bvct.core.constants import Classification
from bvct.core.gate import SYSTEM
from tests.factories import Tree, make_user

pytestmark = pytest.mark.django_db


def _append(n: int, tree: Tree) -> list[AuditEvent]:
    actor = make_user(tree.board, "BVCT_OFFICER")
    seqs = [
        audit_record(
            actor=actor,
            action=AuditAction.ORG_UPDATE,
            obj=tree.committee_a,
            before={"name": f"cũ {i}"},
            after={"name": f"mới {i}", "đặc biệt": 'Đặng Thị Ánh "quote" \\ 1/2'},
        )
        for i in range(n)
    ]
    return list(AuditEvent.objects.filter(seq__in=seqs).order_by("seq"))


def _raw(sql: str, params: list[Any] | None = None) -> None:
    """Tamper as a database owner would: with the append-only triggers disabled."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params or [])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def test_appends_are_gapless_and_linked(tree: Tree) -> None:
    events = _append(5, tree)
    seqs = [e.seq for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + 5))
    for earlier, later in itertools.pairwise(events):
        assert bytes(later.prev_hash) == bytes(earlier.hash)
    first = AuditEvent.objects.order_by("seq").first()
    assert first is not None and bytes(first.prev_hash) == GENESIS_HASH
    assert len({bytes(e.hash) for e in events}) == 5


def test_event_records_actor_org_object_and_request_context(tree: Tree) -> None:
    actor = make_user(tree.board, "BVCT_OFFICER")
    ctx = context.RequestContext(request_id="req-123", client_addr="10.1.2.3")
    with context.bound(ctx):
        seq = audit_record(
            actor=actor,
            action=AuditAction.ORG_UPDATE,
            obj=tree.committee_a,
            org=tree.committee_a,
            classification=Classification.TOI_MAT,
            before={"name": "A"},
            after={"name": "B"},
        )
    event = AuditEvent.objects.get(seq=seq)
    assert event.actor_public_id == actor.public_id
    assert event.actor_username == actor.username
    assert event.org_public_id == tree.committee_a.public_id
    assert event.org_path == tree.committee_a.path
    assert event.object_type == "orgs.organisation"
    assert event.object_public_id == str(tree.committee_a.public_id)
    assert event.request_id == "req-123"
    assert event.client_addr == "10.1.2.3"
    assert event.classification == Classification.TOI_MAT
    assert (event.before, event.after) == ({"name": "A"}, {"name": "B"})


def test_hash_covers_prev_hash_and_the_stored_payload(tree: Tree) -> None:
    """hash = SHA-256(prev_hash || payload as stored): recomputable outside the database."""
    event = _append(1, tree)[0]
    assert event.payload.startswith(f'{{"seq":{event.seq},"at":')
    expected = hashlib.sha256(bytes(event.prev_hash) + event.payload.encode()).digest()
    assert bytes(event.hash) == expected
    content = json.loads(event.payload)
    # Every searchable column is derived from the payload by PostgreSQL.
    assert content["id"] == str(event.public_id)
    assert content["action"] == event.action == AuditAction.ORG_UPDATE
    assert content["object_id"] == event.object_public_id
    assert content["at"] == round(event.occurred_at.timestamp() * 1_000_000)
    assert event.after == {"name": "mới 0", "đặc biệt": 'Đặng Thị Ánh "quote" \\ 1/2'}


def test_generated_columns_cannot_be_written(tree: Tree) -> None:
    event = _append(1, tree)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE audit_auditevent SET actor_username = 'ke-gia-mao' WHERE seq = %s",
            [event.seq],
        )


@pytest.mark.parametrize(
    "payload",
    ["[1, 2]", "{}", '{"seq": 1, "action": "x"}', '{"at": 1, "action": "x"}', "không phải JSON"],
)
def test_trigger_rejects_malformed_payloads(payload: str) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (seq, payload, prev_hash, hash) "
            "VALUES (0, %s, '\\x', '\\x')",
            [payload],
        )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET payload = payload "
        "WHERE seq = (SELECT max(seq) FROM audit_auditevent)",
        "DELETE FROM audit_auditevent WHERE seq = (SELECT max(seq) FROM audit_auditevent)",
        "TRUNCATE audit_auditevent",
    ],
)
def test_trigger_rejects_update_delete_truncate(tree: Tree, statement: str) -> None:
    _append(1, tree)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)


def test_orm_update_and_delete_are_rejected_too(tree: Tree) -> None:
    event = _append(1, tree)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=event.seq).update(payload="{}")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=event.seq).delete()


def test_intact_chain_verifies(tree: Tree) -> None:
    _append(3, tree)
    result = verify_chain()
    assert result.ok, result.message
    assert result.count == AuditEvent.objects.count()


def test_altered_event_is_named(tree: Tree) -> None:
    events = _append(4, tree)
    target = events[1]
    _raw(
        "UPDATE audit_auditevent SET payload = replace(payload, 'mới 1', 'giả mạo') WHERE seq = %s",
        [target.seq],
    )
    result = verify_chain()
    assert not result.ok
    assert result.bad_seq == target.seq
    assert result.bad_public_id == str(target.public_id)
    assert result.problem == "altered"


def test_altered_hash_breaks_the_next_link(tree: Tree) -> None:
    """Recomputing one event's own hash after editing it still breaks the link to the next."""
    events = _append(3, tree)
    target = events[0]
    _raw(
        "UPDATE audit_auditevent SET payload = replace(payload, 'mới 0', 'giả mạo') WHERE seq = %s",
        [target.seq],
    )
    _raw(
        "UPDATE audit_auditevent SET hash = sha256(prev_hash || convert_to(payload, 'UTF8')) "
        "WHERE seq = %s",
        [target.seq],
    )
    assert AuditEvent.objects.get(seq=target.seq).after["name"] == "giả mạo"
    result = verify_chain()
    assert not result.ok
    assert result.bad_seq == events[1].seq
    assert result.problem == "relinked"


def test_removed_event_is_detected(tree: Tree) -> None:
    events = _append(4, tree)
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", [events[2].seq])
    result = verify_chain()
    assert not result.ok
    assert result.bad_seq == events[3].seq
    assert result.problem == "missing"


def test_removed_first_event_is_detected(tree: Tree) -> None:
    first = AuditEvent.objects.order_by("seq").first()
    assert first is not None
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", [first.seq])
    result = verify_chain()
    assert not result.ok
    assert result.problem == "missing"


def test_reordered_events_are_detected(tree: Tree) -> None:
    events = _append(4, tree)
    a, b = events[1].seq, events[2].seq
    _raw(
        "UPDATE audit_auditevent SET seq = CASE seq WHEN %s THEN %s WHEN %s THEN %s END "
        "WHERE seq IN (%s, %s)",
        [a, -1, b, a, a, b],
    )
    _raw("UPDATE audit_auditevent SET seq = %s WHERE seq = -1", [b])
    result = verify_chain()
    assert not result.ok
    assert result.bad_seq == a


def test_rewritten_chain_fails_its_anchor(tree: Tree) -> None:
    """An attacker who recomputes every hash after an edit is caught by a recorded anchor."""
    events = _append(3, tree)
    anchor = (events[2].seq, bytes(events[2].hash).hex())
    assert verify_chain([anchor]).ok
    _raw(
        "UPDATE audit_auditevent SET payload = replace(payload, 'mới 0', 'sửa') WHERE seq = %s",
        [events[0].seq],
    )
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(
            "SELECT seq FROM audit_auditevent WHERE seq >= %s ORDER BY seq", [events[0].seq]
        )
        for (seq,) in cursor.fetchall():
            cursor.execute(
                "UPDATE audit_auditevent e SET prev_hash = (SELECT hash FROM audit_auditevent "
                "WHERE seq = e.seq - 1) WHERE seq = %s",
                [seq],
            )
            cursor.execute(
                "UPDATE audit_auditevent SET hash = sha256(prev_hash || "
                "convert_to(payload, 'UTF8')) WHERE seq = %s",
                [seq],
            )
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    assert verify_chain().ok  # the chain alone cannot tell...
    result = verify_chain([anchor])
    assert not result.ok  # ...the anchor can
    assert result.anchor_problem and f"#{anchor[0]}" in result.anchor_problem


def test_audit_verify_command_exit_codes(tree: Tree) -> None:
    events = _append(2, tree)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "toàn vẹn" in out.getvalue()
    assert f"{events[-1].seq}:{bytes(events[-1].hash).hex()}" in out.getvalue()
    _raw(
        "UPDATE audit_auditevent SET payload = replace(payload, 'cũ', 'khác') WHERE seq = %s",
        [events[0].seq],
    )
    with pytest.raises(CommandError, match=rf"#{events[0].seq} \({events[0].public_id}\)"):
        call_command("audit_verify")


def test_audit_verify_records_its_run_and_the_head(tree: Tree) -> None:
    events = _append(1, tree)
    call_command("audit_verify", stdout=StringIO())
    run = AuditEvent.objects.order_by("-seq").first()
    assert run is not None and run.action == AuditAction.AUDIT_VERIFY
    assert run.after["ok"] is True
    assert run.after["head"] == f"{events[0].seq}:{bytes(events[0].hash).hex()}"


def test_audit_verify_rejects_malformed_anchor() -> None:
    with pytest.raises(CommandError, match="Mốc không hợp lệ"):
        call_command("audit_verify", "--anchor", "12:xyz")


def test_event_rolls_back_with_its_transaction(tree: Tree) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=SYSTEM, action=AuditAction.ORG_UPDATE, obj=tree.root)
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
    assert verify_chain().ok


def test_a_range_is_linked_to_the_event_before_it(tree: Tree) -> None:
    """audit_verify splits the chain into seq ranges; each range checks its first link too."""
    from bvct.audit.verify import _check_range

    events = _append(6, tree)
    lo, hi = events[2].seq, events[5].seq
    assert _check_range(lo, hi) is None
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", [lo])
    assert _check_range(lo, hi) == (events[3].seq, str(events[3].public_id), "missing")
    assert _check_range(events[4].seq, hi) is None  # a range after the gap is intact


def test_a_range_starting_at_a_replaced_event_is_caught(tree: Tree) -> None:
    from bvct.audit.verify import _check_range

    events = _append(4, tree)
    _raw(
        "UPDATE audit_auditevent SET prev_hash = sha256('x'::bytea) WHERE seq = %s",
        [events[2].seq],
    )
    _raw(
        "UPDATE audit_auditevent SET hash = sha256(prev_hash || convert_to(payload, 'UTF8')) "
        "WHERE seq = %s",
        [events[2].seq],
    )
    bad = _check_range(events[2].seq, events[3].seq)
    assert bad is not None and bad[0] == events[2].seq and bad[2] == "relinked"
