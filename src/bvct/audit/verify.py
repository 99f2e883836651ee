"""Verifying the chain: recompute every hash and check every link, in PostgreSQL, in parallel.

Each event's hash is SHA-256(prev_hash || payload), over the payload exactly as stored, so
verification needs no canonicalisation: it reads bytes and hashes them. The table is split
into seq ranges checked concurrently on separate connections (set-based SQL, one pass each);
each range is linked to the last event before it.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, connections

from bvct.audit.constants import GENESIS_HASH

# For rows lo..hi: the first bad one, if any. The CASE is evaluated once per row, above the
# window, so each hash is computed once.
_FIRST_PROBLEM = """
SELECT seq, public_id, problem FROM (
    SELECT seq, public_id,
        CASE
            WHEN hash <> sha256(prev_hash || convert_to(payload, 'UTF8'))
                 OR left(payload, 8 + length(seq::text)) <> '{"seq":' || seq || ','
                THEN 'altered'
            WHEN seq <> coalesce(lag(seq) OVER w, %(before_seq)s) + 1 THEN 'missing'
            WHEN prev_hash <> coalesce(lag(hash) OVER w, %(before_hash)s) THEN 'relinked'
        END AS problem
    FROM audit_auditevent
    WHERE seq BETWEEN %(lo)s AND %(hi)s
    WINDOW w AS (ORDER BY seq)
) checked
WHERE problem IS NOT NULL
ORDER BY seq
LIMIT 1
"""
_BEFORE = "SELECT seq, hash FROM audit_auditevent WHERE seq < %s ORDER BY seq DESC LIMIT 1"
_HEAD = "SELECT count(*), max(seq) FROM audit_auditevent"
_HASH_AT = "SELECT hash FROM audit_auditevent WHERE seq = %s"
_MIN_CHUNK = 50_000

PROBLEM_TEXT = {
    "altered": "nội dung đã bị sửa hoặc thứ tự đã bị đảo (hash không khớp)",
    "missing": "thiếu sự kiện ngay trước sự kiện này (đã bị xóa)",
    "relinked": "liên kết với sự kiện trước không khớp (bị thay thế hoặc tính lại hash)",
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
        if not self.ok and self.bad_seq is not None:
            text = PROBLEM_TEXT.get(self.problem or "", self.problem or "")
            return f"Sự kiện #{self.bad_seq} ({self.bad_public_id}): {text}."
        if self.anchor_problem:
            return self.anchor_problem
        return f"Chuỗi nhật ký toàn vẹn: {self.count} sự kiện, đầu chuỗi #{self.head_seq}."


def _check_range(lo: int, hi: int) -> tuple[int, str, str] | None:
    """The first bad event in lo..hi, on this thread's connection."""
    with connection.cursor() as cursor:
        cursor.execute(_BEFORE, [lo])
        before = cursor.fetchone()
        before_seq, before_hash = (before[0], bytes(before[1])) if before else (0, GENESIS_HASH)
        cursor.execute(
            _FIRST_PROBLEM,
            {"lo": lo, "hi": hi, "before_seq": before_seq, "before_hash": before_hash},
        )
        row = cursor.fetchone()
    return (int(row[0]), str(row[1]), str(row[2])) if row else None


def _workers() -> int:
    configured = getattr(settings, "BVCT_AUDIT_VERIFY_WORKERS", 0)
    return max(1, configured or min(4, os.cpu_count() or 1))


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
    bad: tuple[int, str, str] | None = None
    if head_seq is not None:
        # From seq 1 whatever the lowest row is: a deleted first event is a gap too.
        bad = _first_problem(1, int(head_seq))
    if bad is not None:
        return VerifyResult(
            ok=False,
            count=count,
            head_seq=head_seq,
            head_hash=head_hash,
            bad_seq=bad[0],
            bad_public_id=bad[1],
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


def _first_problem(lo: int, hi: int) -> tuple[int, str, str] | None:
    total = hi - lo + 1
    workers = _workers()
    # Inside a transaction (tests, or a caller's atomic block) other connections would not see
    # uncommitted rows: check on this connection only.
    if connection.in_atomic_block or workers == 1 or total < 2 * _MIN_CHUNK:
        return _check_range(lo, hi)
    size = -(-total // workers)
    ranges = [(start, min(hi, start + size - 1)) for start in range(lo, hi + 1, size)]

    def run(bounds: tuple[int, int]) -> tuple[int, str, str] | None:
        try:
            return _check_range(*bounds)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(ranges)) as pool:
        results = list(pool.map(run, ranges))
    found = [r for r in results if r is not None]
    return min(found) if found else None
