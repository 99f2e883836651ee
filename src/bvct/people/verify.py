"""Sealed batches: an export's audit event holds the SHA-256 of the dossiers it listed, an
import's the SHA-256 of the history rows it wrote, a search's or list page's the SHA-256 of
the persons it showed. The rows themselves sit in ordinary tables
(looked up per dossier); recomputing the digests from them proves them unaltered, as
``audit_verify`` proves the events."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import connection

# The digests as the writers compute them (services.dossier_export_record,
# services.dossier_listing_record and import_write._record_dossier_changes): sorted in byte order,
# joined by newlines.
EXPORTS = """
    SELECT b.public_id::text, e.seq, e.payload::jsonb -> 'after' ->> 'dossiers_sha256',
           encode(sha256(convert_to(coalesce(string_agg(d.public_id::text, E'\\n'
               ORDER BY d.public_id::text COLLATE "C"), ''), 'UTF8')), 'hex')
    FROM people_exportbatch b
    LEFT JOIN audit_auditevent e
      ON e.object_type = 'people.exportbatch' AND e.object_public_id = b.public_id::text
    LEFT JOIN people_exportbatchitem i ON i.batch_id = b.id
    LEFT JOIN people_dossier d ON d.id = i.dossier_id
    GROUP BY b.id, e.seq, e.payload
    ORDER BY b.id
"""
# Only the listings that do not match come back (there are millions: one per search). Items
# are aggregated in one pass and each event's payload parsed once (not a lookup per listing
# and a parse per comparison).
LISTINGS = """
    SELECT l.public_id::text, e.seq
    FROM people_listing l
    LEFT JOIN (
        SELECT i.listing_id, count(*) AS n,
               -- an item moved to another dossier would hide the search from its log
               bool_and(i.dossier_id = p.dossier_id AND i.kind = l.kind) AS same,
               encode(sha256(convert_to(string_agg(p.public_id::text, E'\\n'
                   ORDER BY p.public_id::text COLLATE "C"), 'UTF8')), 'hex') AS digest
        FROM people_listingitem i JOIN people_person p ON p.id = i.person_id
        JOIN people_listing l ON l.id = i.listing_id
        GROUP BY i.listing_id
    ) x ON x.listing_id = l.id
    LEFT JOIN (
        SELECT e.seq, e.object_public_id, e.payload::jsonb -> 'after' AS after
        FROM audit_auditevent e WHERE e.object_type = 'people.listing'
    ) e ON e.object_public_id = l.public_id::text
    WHERE e.seq IS NULL OR NOT coalesce(x.same, true) OR coalesce(x.n, 0) <> l.rows
       OR coalesce(x.digest, encode(sha256(''::bytea), 'hex'))
          IS DISTINCT FROM e.after ->> 'persons_sha256'
       -- events of the first listings (migration 0012) had no kind: a query made it a search
       OR l.kind IS DISTINCT FROM coalesce(e.after ->> 'kind',
              CASE WHEN coalesce(e.after ->> 'q', '') <> '' THEN 'search' ELSE 'list' END)
       OR l.rows::text IS DISTINCT FROM e.after ->> 'results'
    ORDER BY l.id
"""
# Events whose batch or listing is gone altogether (deleting one would otherwise leave nothing
# to compare).
ORPHANS = """
    SELECT e.object_type, e.object_public_id, e.seq FROM audit_auditevent e
    WHERE e.object_type = 'people.listing' AND NOT EXISTS (
        SELECT 1 FROM people_listing l WHERE l.public_id = e.object_public_id::uuid)
    UNION ALL
    SELECT e.object_type, e.object_public_id, e.seq FROM audit_auditevent e
    WHERE e.object_type = 'people.exportbatch' AND NOT EXISTS (
        SELECT 1 FROM people_exportbatch b WHERE b.public_id = e.object_public_id::uuid)
    UNION ALL
    SELECT e.object_type, e.object_public_id, e.seq FROM audit_auditevent e
    WHERE e.object_type = 'people.importbatch' AND NOT EXISTS (
        SELECT 1 FROM people_importbatch b WHERE b.public_id = e.object_public_id::uuid)
    ORDER BY 3
"""
ORPHAN_NAMES = {
    "people.listing": "danh sách",
    "people.exportbatch": "xuất",
    "people.importbatch": "nhập",
}
IMPORTS = """
    SELECT b.public_id::text, e.seq, e.payload::jsonb -> 'after',
           count(ch.id), encode(sha256(convert_to(string_agg(
               d.public_id::text || E'\\t' || ch.before::text || E'\\t' || ch.after::text,
               E'\\n' ORDER BY d.public_id::text COLLATE "C"), 'UTF8')), 'hex')
    FROM people_importbatch b
    LEFT JOIN audit_auditevent e
      ON e.object_type = 'people.importbatch' AND e.object_public_id = b.public_id::text
         AND e.action = 'dossier.import'
    LEFT JOIN people_dossierchange ch ON ch.batch_id = b.id
    LEFT JOIN people_dossier d ON d.id = ch.dossier_id
    WHERE NOT b.dry_run
    GROUP BY b.id, e.seq, e.payload
    ORDER BY b.id
"""


@dataclass
class SealResult:
    batches: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_sealed_batches() -> SealResult:
    """Every export, import and listing against the digest its audit event sealed, and every
    such event against its rows (a batch or listing deleted whole)."""
    result = SealResult()
    with connection.cursor() as cursor:
        cursor.execute(EXPORTS)
        for public_id, seq, sealed, recomputed in cursor.fetchall():
            result.batches += 1
            if seq is None:
                result.problems.append(f"xuất {public_id}: không có sự kiện nhật ký")
            elif sealed != recomputed:
                result.problems.append(
                    f"xuất {public_id}: danh sách hồ sơ khác với sự kiện #{seq} đã niêm phong"
                )
        cursor.execute("SELECT count(*) FROM people_listing")
        result.batches += cursor.fetchone()[0]
        cursor.execute(LISTINGS)
        for public_id, seq in cursor.fetchall():
            if seq is None:
                result.problems.append(f"danh sách {public_id}: không có sự kiện nhật ký")
            else:
                result.problems.append(
                    f"danh sách {public_id}: người được hiển thị khác với sự kiện #{seq} đã "
                    "niêm phong"
                )
        cursor.execute(IMPORTS)
        for public_id, seq, sealed_after, count, recomputed in cursor.fetchall():
            result.batches += 1
            if seq is None:
                result.problems.append(f"nhập {public_id}: không có sự kiện nhật ký")
                continue
            # Django's connection hands jsonb over as text (its JSONField parses it).
            after = json.loads(sealed_after) if isinstance(sealed_after, str) else sealed_after
            if "dossier_changes" not in after:
                continue  # an import from before history rows were sealed
            if count != after["dossier_changes"] or (
                count and recomputed != after.get("dossier_changes_sha256")
            ):
                result.problems.append(
                    f"nhập {public_id}: lịch sử thay đổi hồ sơ khác với sự kiện #{seq} đã "
                    "niêm phong"
                )
        cursor.execute(ORPHANS)
        for object_type, public_id, seq in cursor.fetchall():
            result.problems.append(
                f"{ORPHAN_NAMES[object_type]} {public_id}: sự kiện #{seq} còn, bản ghi đã mất"
            )
    return result
