"""Verifying the chain: one pass over the table in PostgreSQL, which recomputes every hash.

The canonical content of an event is defined once, in the SQL function
``audit_event_canonical`` (migration 0002), and used by both the append trigger and this check.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from bvct.audit.constants import GENESIS_HASH

_FIRST_PROBLEM = """
WITH chain AS (
    SELECT e.seq, e.public_id, e.prev_hash, e.hash,
           lag(e.seq) OVER w AS before_seq,
           lag(e.hash) OVER w AS before_hash,
           sha256(e.prev_hash || audit_event_canonical(e)) AS recomputed
    FROM audit_auditevent e
    WINDOW w AS (ORDER BY e.seq)
)
SELECT seq, public_id,
       CASE
           WHEN hash IS DISTINCT FROM recomputed THEN 'altered'
           WHEN before_seq IS NULL AND seq <> 1 THEN 'missing'
           WHEN before_seq IS NOT NULL AND seq <> before_seq + 1 THEN 'missing'
           ELSE 'relinked'
       END AS problem,
       before_seq
FROM chain
WHERE hash IS DISTINCT FROM recomputed
   OR (before_seq IS NULL AND (seq <> 1 OR prev_hash <> %s))
   OR (before_seq IS NOT NULL AND (seq <> before_seq + 1 OR prev_hash <> before_hash))
ORDER BY seq
LIMIT 1
"""

_HEAD = "SELECT count(*), max(seq) FROM audit_auditevent"
_HASH_AT = "SELECT hash FROM audit_auditevent WHERE seq = %s"

PROBLEM_TEXT = {
    "altered": "nội dung đã bị sửa hoặc thứ tự đã bị đảo (hash không khớp)",
    "missing": "thiếu sự kiện ngay trước sự kiện này (đã bị xóa)",
    "relinked": "liên kết với sự kiện trước không khớp (bị thay thế hoặc sắp xếp lại)",
}


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    head_seq: int | None
    head_hash: str | None
    bad_seq: int | None = None
    bad_public_id: str | None = None
    problem: str | None = None
    anchor_problem: str | None = None

    @property
    def message(self) -> str:
        if self.anchor_problem:
            return self.anchor_problem
        if self.ok:
            return f"Chuỗi nhật ký toàn vẹn: {self.count} sự kiện, đầu chuỗi #{self.head_seq}."
        text = PROBLEM_TEXT.get(self.problem or "", self.problem or "")
        return f"Sự kiện #{self.bad_seq} ({self.bad_public_id}): {text}."


def verify_chain(anchors: list[tuple[int, str]] | None = None) -> VerifyResult:
    """Walk the whole chain; report the first bad event, and check recorded anchors.

    An anchor is a (seq, hash) pair written down outside the database earlier (docs/audit.md):
    a chain rewritten consistently from scratch still fails its anchors.
    """
    with connection.cursor() as cursor:
        cursor.execute(_HEAD)
        count, head_seq = cursor.fetchone()
        head_hash = None
        if head_seq is not None:
            cursor.execute(_HASH_AT, [head_seq])
            head_hash = bytes(cursor.fetchone()[0]).hex()
        cursor.execute(_FIRST_PROBLEM, [GENESIS_HASH])
        bad = cursor.fetchone()
        anchor_problem = None
        for seq, expected in anchors or []:
            cursor.execute(_HASH_AT, [seq])
            found = cursor.fetchone()
            if found is None:
                anchor_problem = f"Mốc #{seq}: không còn sự kiện này."
                break
            if bytes(found[0]).hex() != expected.lower():
                anchor_problem = f"Mốc #{seq}: hash khác với hash đã ghi nhận."
                break
    if bad is not None:
        return VerifyResult(
            ok=False,
            count=count,
            head_seq=head_seq,
            head_hash=head_hash,
            bad_seq=bad[0],
            bad_public_id=str(bad[1]),
            problem=bad[2],
            anchor_problem=anchor_problem,
        )
    return VerifyResult(
        ok=anchor_problem is None,
        count=count,
        head_seq=head_seq,
        head_hash=head_hash,
        anchor_problem=anchor_problem,
    )
