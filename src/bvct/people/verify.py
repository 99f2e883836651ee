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
# services.dossier_listing_record and imports._record_dossier_changes): sorted in byte order,
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
LISTINGS = """
    SELECT l.public_id::text, e.seq, e.payload::jsonb -> 'after' ->> 'persons_sha256',
           encode(sha256(convert_to(coalesce(string_agg(p.public_id::text, E'\\n'
               ORDER BY p.public_id::text COLLATE "C"), ''), 'UTF8')), 'hex')
    FROM people_listing l
    LEFT JOIN audit_auditevent e
      ON e.object_type = 'people.listing' AND e.object_public_id = l.public_id::text
    LEFT JOIN people_listingitem i ON i.listing_id = l.id
    LEFT JOIN people_person p ON p.id = i.person_id
    GROUP BY l.id, e.seq, e.payload
    ORDER BY l.id
"""
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
    """Every export and import batch against the digest its audit event sealed."""
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
        cursor.execute(LISTINGS)
        for public_id, seq, sealed, recomputed in cursor.fetchall():
            result.batches += 1
            if seq is None:
                result.problems.append(f"danh sách {public_id}: không có sự kiện nhật ký")
            elif sealed != recomputed:
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
    return result
