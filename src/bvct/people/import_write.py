"""Step 3 of an import: the checked rows written, set-based: dossiers and persons through
narrow id tables, a declaration version only where the content changed, the dossiers'
changes recorded, links proposed."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bvct.audit.constants import AuditAction
from bvct.core.constants import Classification
from bvct.core.gate import SystemPrincipal
from bvct.people.bulk import (
    BULK_INDEX_THRESHOLD,
    analyze_people,
    create_indexes,
    drop_person_indexes,
)
from bvct.people.import_columns import ImportReport
from bvct.people.import_records import _batch_event, _new_batch
from bvct.people.models import ImportBatch
from bvct.people.proposals import LINK_KEYS, links_propose_from

if TYPE_CHECKING:
    from bvct.accounts.models import User


# Part of every dossier's digest: raised whenever what _apply writes from the same rows
# changes (another field, another shape of declaration), so that each dossier is compared in
# full once more by the next import instead of being left as the old code wrote it.
IMPORT_WRITES = 1


WITHOUT_UNITS = "#- '{identity,birthplace_ward}' #- '{identity,hometown_ward}'"
PERSON_FIELDS = (
    "full_name name_norm family_norm given_norm name_sort sex birth_year birth_month birth_day "
    "death_year death_month death_day citizen_id party_card_no birthplace birthplace_ward "
    "hometown hometown_ward hometown_norm residence ethnicity religion nationality occupation"
).split()

# A relative's details kept in the declaration only, not on the person.
DECLARED_ONLY = ("political_history", "current_situation", "death_details")


def _apply(
    c: Any,
    actor: User | SystemPrincipal,
    org: Any,
    report: ImportReport,
    file_name: str,
    digest: str,
) -> None:
    """The set-based writes (inside the import's transaction, after every check passed), in
    four steps: dossiers, persons, declarations, the batch's record."""
    uuid7 = _uuid7_sql(c)
    skipped, existing = _write_dossiers(c, org, report, uuid7)
    _write_persons(c, org, report, skipped=skipped, existing=existing)
    _write_declarations(c, actor, report, existing=existing, uuid7=uuid7)
    _record_batch(c, actor, org, report, file_name, digest)


def _write_dossiers(c: Any, org: Any, report: ImportReport, uuid7: str) -> tuple[int, int]:
    """Step 1; returns how many of the file's dossiers are left alone and how many exist."""
    # 1. Dossiers: one per reference; new references get new dossiers. A classification or
    #    current posts left empty in the file keep what an existing dossier has. Each gets the
    #    digest of its rows (in the file's order); an existing dossier whose last import had
    #    the same rows and which has not changed since (the version that import left) would
    #    not change at all: it is left out of everything that follows (a re-import of an
    #    unchanged province compares nothing but the digests).
    c.execute(
        """
        CREATE TEMP TABLE import_dossier ON COMMIT DROP AS
        SELECT s.ref, d.id AS dossier_id, d.id IS NOT NULL AS existing,
               coalesce(s.classification, d.classification, 0) AS classification,
               CASE WHEN s.current_posts = '' THEN coalesce(d.current_posts, '')
                    ELSE s.current_posts END AS current_posts,
               g.rows_sha256,
               d.imported_version = d.version AND d.imported_rows_sha256 = g.rows_sha256
                   AS unchanged
        FROM import_rows s
        JOIN (SELECT r.ref, encode(sha256(int4send(%(writes)s)
                      || string_agg(r.row_hash, '' ORDER BY r.row_no)), 'hex')
                  AS rows_sha256
              FROM import_rows r GROUP BY r.ref) g ON g.ref = s.ref
        LEFT JOIN people_dossier d ON d.managing_org_id = %(org)s AND d.import_ref = s.ref
        WHERE s.is_subject
        """,
        {"org": org.pk, "writes": IMPORT_WRITES},
    )
    c.execute("DELETE FROM import_dossier WHERE unchanged")
    skipped = c.rowcount
    c.execute(
        f"""
        WITH made AS (
            INSERT INTO people_dossier (public_id, created_at, updated_at, version,
                managing_org_id, org_path, classification, current_posts, status,
                declaration_count, import_ref)
            SELECT {uuid7}, now(), now(), 1, %(org)s, %(path)s, classification,
                   current_posts, 'ACTIVE', 1, ref
            FROM import_dossier WHERE NOT existing ORDER BY ref
            RETURNING id, import_ref
        )
        UPDATE import_dossier i SET dossier_id = made.id FROM made WHERE i.ref = made.import_ref
        """,
        {"org": org.pk, "path": org.path},
    )
    report.created = c.rowcount
    existing = report.dossiers - report.created - skipped
    c.execute("ANALYZE import_dossier")
    # Existing dossiers whose classification or posts the file changes (their persons carry
    # a copy of the classification for the gate).
    c.execute(
        """
        CREATE TEMP TABLE import_meta ON COMMIT DROP AS
        WITH changed AS (
            UPDATE people_dossier d SET classification = i.classification,
                   current_posts = i.current_posts, version = d.version + 1, updated_at = now()
            FROM import_dossier i JOIN people_dossier o ON o.id = i.dossier_id
            WHERE i.existing AND d.id = i.dossier_id
              AND (d.classification, d.current_posts) IS DISTINCT FROM
                  (i.classification, i.current_posts)
            RETURNING d.id, o.classification AS old_class, o.current_posts AS old_posts,
                      d.classification AS new_class, d.current_posts AS new_posts
        ) SELECT id AS dossier_id, old_class, old_posts, new_class, new_posts FROM changed
        """
    )
    if c.rowcount:
        c.execute(
            """UPDATE people_person p SET classification = i.classification
               FROM import_dossier i JOIN import_meta m USING (dossier_id)
               WHERE p.dossier_id = i.dossier_id AND p.classification <> i.classification"""
        )
    # The file has no unit codes: a member's unit comes from the place's text, or, for a text
    # that names none (an old address), stays what the dossier has while the text is the same.
    if existing:
        kept = {
            place: f"r.{place}_ward IS NULL AND p.{place}_ward IS NOT NULL AND p.{place} = r.{place}"
            for place in ("birthplace", "hometown")
        }
        c.execute(
            f"""UPDATE import_rows r
                SET {", ".join(
                    f"{place}_ward = CASE WHEN {when} THEN p.{place}_ward ELSE r.{place}_ward END"
                    for place, when in kept.items())}
                FROM import_dossier i JOIN people_person p
                  ON p.dossier_id = i.dossier_id AND p.is_subject
                WHERE i.existing AND r.ref = i.ref AND r.is_subject
                  AND ({" OR ".join(kept.values())})"""
        )  # fmt: skip
    return skipped, existing


def _write_persons(c: Any, org: Any, report: ImportReport, *, skipped: int, existing: int) -> None:
    """Step 2: every row's person, matched, updated or created; links proposed."""
    # 2. Persons. The subject is the dossier's subject. A relative's row is matched, one to
    #    one, first to a person of the same relation whose every value is the row's (so an
    #    import of the rows a dossier was written from matches each row to the same person
    #    again, whatever a page did to the order or the namesakes since); then the n-th
    #    remaining row of a relation, name and birth year to the n-th remaining such person
    #    (so two same-named siblings born the same year stay two). Within either, persons
    #    count in the order the current declaration lists them, then by id.
    c.execute(
        "CREATE TEMP TABLE import_match (row_no int, id bigint, public_id uuid) ON COMMIT DROP"
    )
    if existing:
        c.execute(
            """
            INSERT INTO import_match
            SELECT r.row_no, p.id, p.public_id
            FROM import_rows r JOIN import_dossier i ON i.ref = r.ref AND i.existing
            JOIN people_person p ON p.dossier_id = i.dossier_id AND p.is_subject
            WHERE r.is_subject
            """
        )
        c.execute(
            f"""
            CREATE TEMP TABLE import_listed ON COMMIT DROP AS
            SELECT d.dossier_id, (x.e ->> 'person')::uuid AS person, x.n,
                   {", ".join(f"x.e ->> '{f}' AS {f}" for f in DECLARED_ONLY)}
            FROM import_dossier i
            JOIN people_declaration d ON d.dossier_id = i.dossier_id AND d.status = 'SUBMITTED',
            jsonb_array_elements(d.content -> 'relatives') WITH ORDINALITY AS x(e, n)
            WHERE i.existing AND jsonb_typeof(x.e -> 'person') = 'string'
            """
        )

        def person(fields: list[str]) -> str:
            return ", ".join(f"at.{f}" if f in DECLARED_ONLY else f"p.{f}" for f in fields)

        for fields in ([*PERSON_FIELDS, *DECLARED_ONLY], ["name_norm", "birth_year"]):
            c.execute(
                f"""
                INSERT INTO import_match
                SELECT r.row_no, p.id, p.public_id
                FROM (SELECT r.row_no, i.dossier_id, r.relation_id, {_columns("r", fields)},
                             row_number() OVER (PARTITION BY i.dossier_id, r.relation_id,
                                 {_columns("r", fields)} ORDER BY r.row_no) AS k
                      FROM import_rows r JOIN import_dossier i ON i.ref = r.ref AND i.existing
                      WHERE NOT r.is_subject
                        AND NOT EXISTS (SELECT 1 FROM import_match m WHERE m.row_no = r.row_no)
                ) r
                JOIN (SELECT p.id, p.public_id, p.dossier_id, p.relation_id, {person(fields)},
                             row_number() OVER (PARTITION BY p.dossier_id, p.relation_id,
                                 {person(fields)}
                                 ORDER BY at.n NULLS LAST, p.declared DESC, p.id) AS k
                      FROM people_person p JOIN import_dossier i
                        ON i.existing AND p.dossier_id = i.dossier_id
                      LEFT JOIN import_listed at
                        ON at.dossier_id = p.dossier_id AND at.person = p.public_id
                      WHERE NOT p.is_subject
                        AND NOT EXISTS (SELECT 1 FROM import_match m WHERE m.id = p.id)
                ) p
                  ON p.dossier_id = r.dossier_id AND p.relation_id = r.relation_id AND p.k = r.k
                 AND ({_columns("p", fields)}) IS NOT DISTINCT FROM ({_columns("r", fields)})
                """
            )
    # New persons get ids from one block reserved on the sequence (not nextval per row),
    # with inserts by others held off (the import's lock) so nobody takes an id in the block.
    c.execute("SELECT count(*) FROM import_match")
    new_persons = report.rows - c.fetchone()[0]
    if skipped:  # their rows are neither matched nor new
        c.execute(
            """SELECT count(*) FROM import_rows r
               WHERE NOT EXISTS (SELECT 1 FROM import_dossier i WHERE i.ref = r.ref)"""
        )
        new_persons -= c.fetchone()[0]
    base = 0
    if new_persons:
        c.execute(
            """SELECT setval(pg_get_serial_sequence('people_person', 'id'),
                      nextval(pg_get_serial_sequence('people_person', 'id')) + %s)""",
            [new_persons],
        )
        base = c.fetchone()[0] - new_persons
    c.execute(
        f"""
        CREATE TEMP TABLE import_ids ON COMMIT DROP AS
        SELECT row_no, dossier_id, matched, person_id,
               CASE WHEN matched THEN public_id ELSE {_person_uuid_sql("person_id")} END
                   AS public_id
        FROM (
            SELECT r.row_no, i.dossier_id, m.id IS NOT NULL AS matched, m.public_id,
                   coalesce(m.id, %s + row_number() OVER (PARTITION BY m.id IS NULL
                                                          ORDER BY r.row_no)) AS person_id
            FROM import_rows r JOIN import_dossier i ON i.ref = r.ref
            LEFT JOIN import_match m ON m.row_no = r.row_no
            OFFSET 0
        ) ids
        """,
        [base],
    )
    c.execute("ANALYZE import_ids")
    # A load that at least doubles the table (a province's first data) builds the secondary
    # indexes once, sorted, instead of inserting a million entries into each of them.
    rebuild = drop_person_indexes() if _doubles_person_table(c, new_persons) else []
    # No ORDER BY: the rows come in the file's order, which is the order the new ids were
    # numbered in, so the table and its primary key fill in order without sorting a million
    # wide rows.
    cols = ", ".join(PERSON_FIELDS)
    c.execute(
        f"""
        INSERT INTO people_person (id, public_id, dossier_id, is_subject, relation_id, declared,
            other_names, org_path, classification, {cols})
        SELECT s.person_id, s.public_id, s.dossier_id, r.is_subject, r.relation_id, true, '',
               %s, i.classification, {_columns("r", PERSON_FIELDS)}
        FROM import_rows r JOIN import_ids s ON s.row_no = r.row_no
        JOIN import_dossier i ON i.dossier_id = s.dossier_id
        WHERE NOT s.matched
        """,
        [org.path],
    )
    if rebuild:
        create_indexes(rebuild)
        analyze_people()  # a table at least doubled: its statistics no longer describe it
    # Persons to propose links for: the new ones and those whose values that proposals
    # compare changed (a changed occupation proposes nothing new, and looking for proposals
    # is the costliest part of a monthly update).
    c.execute(
        """CREATE TEMP TABLE import_touched ON COMMIT DROP AS
           SELECT person_id AS id FROM import_ids WHERE NOT matched"""
    )
    if existing:
        c.execute(
            f"""
            INSERT INTO import_touched
            SELECT p.id FROM import_rows r JOIN import_ids s ON s.row_no = r.row_no
            JOIN people_person p ON p.id = s.person_id
            WHERE s.matched AND ({_columns("p", LINK_KEYS)})
                  IS DISTINCT FROM ({_columns("r", LINK_KEYS)})
            """
        )
        c.execute(
            f"""
            UPDATE people_person p SET declared = true,
                {", ".join(f"{f} = r.{f}" for f in PERSON_FIELDS)}
            FROM import_rows r JOIN import_ids s ON s.row_no = r.row_no
            WHERE s.matched AND p.id = s.person_id
              AND ({_columns("p", PERSON_FIELDS)}, p.declared)
                  IS DISTINCT FROM ({_columns("r", PERSON_FIELDS)}, true)
            """
        )
        c.execute(
            """UPDATE people_person p SET declared = false
               FROM import_dossier i
               WHERE i.existing AND p.dossier_id = i.dossier_id AND p.declared
                 AND NOT EXISTS (SELECT 1 FROM import_ids s WHERE s.person_id = p.id)"""
        )
    c.execute("ANALYZE import_touched")  # a million new persons: hash joins, not lookups
    c.execute("SELECT EXISTS (SELECT 1 FROM import_touched)")
    if c.fetchone()[0]:
        links_propose_from(c, "import_touched")  # not counted in the event (dossier_create)


def _write_declarations(
    c: Any,
    actor: User | SystemPrincipal,
    report: ImportReport,
    *,
    existing: int,
    uuid7: str,
) -> None:
    """Step 3: a new declaration version where a dossier's content changed; every written
    dossier's version, time and digest."""
    # 3. Declarations: the new content of each dossier; a version only where it changed.
    # Each declaration is one record of named columns (its relatives an array of such
    # records) turned into jsonb in one pass: building each relative's object and then the
    # declaration around it (jsonb_build_object, jsonb_agg) would convert every relative three
    # times.
    c.execute(
        """
        CREATE TEMP TABLE import_content ON COMMIT DROP AS
        WITH rel AS (
            SELECT s.dossier_id, array_agg((
                SELECT x FROM (SELECT s.public_id AS person, r.relation, r.full_name, r.sex,
                    r.birth, r.death, r.citizen_id, r.birthplace, r.hometown, r.residence,
                    r.occupation, r.religion, r.ethnicity, r.nationality, r.political_history,
                    r.current_situation, r.death_details) x
            ) ORDER BY r.row_no) AS relatives
            FROM import_rows r JOIN import_ids s ON s.row_no = r.row_no
            WHERE NOT r.is_subject
            GROUP BY s.dossier_id
        )
        SELECT i.dossier_id, i.existing, to_jsonb((
            SELECT x FROM (SELECT
                (SELECT y FROM (SELECT s.full_name, s.sex, s.birth, s.death, s.citizen_id,
                     s.birthplace,
                     coalesce(cur.content #>> '{identity,other_names}', '') AS other_names,
                     s.hometown, s.residence, s.ethnicity, s.religion, s.nationality,
                     s.party_card_no, s.occupation,
                     coalesce(cur.content #>> '{identity,education}', '') AS education,
                     s.birthplace_ward, s.hometown_ward) y) AS identity,
                coalesce(cur.content -> 'history', '[]') AS history,
                coalesce(cur.content -> 'political_events', '[]') AS political_events,
                coalesce(cur.content -> 'foreign_ties', '[]') AS foreign_ties,
                coalesce(rel.relatives, '{}') AS relatives) x
        )) AS content, cur.id AS current_id
        FROM import_rows s JOIN import_dossier i ON i.ref = s.ref
        LEFT JOIN rel ON rel.dossier_id = i.dossier_id
        -- one index lookup per existing dossier (never a scan of every stored declaration)
        LEFT JOIN LATERAL (
            SELECT d.id, d.content FROM people_declaration d
            WHERE i.existing AND d.dossier_id = i.dossier_id AND d.status = 'SUBMITTED'
        ) cur ON true
        WHERE s.is_subject
        """
    )
    if existing:
        c.execute(
            # Units derived from the places are not a change by themselves: a declaration
            # stored before they were resolved gets no new version for them alone.
            f"""DELETE FROM import_content n WHERE n.current_id IS NOT NULL
               AND n.content {WITHOUT_UNITS} = (SELECT d.content {WITHOUT_UNITS}
                                                FROM people_declaration d
                                                WHERE d.id = n.current_id)"""
        )
    c.execute(
        """SELECT count(*) FILTER (WHERE existing),
                  (SELECT count(*) FROM import_meta m WHERE NOT EXISTS (
                       SELECT 1 FROM import_content n WHERE n.dossier_id = m.dossier_id))
           FROM import_content"""
    )
    declared, meta_only = c.fetchone()
    report.updated = declared + meta_only
    report.unchanged = report.dossiers - report.created - report.updated
    c.execute(
        """UPDATE people_declaration SET status = 'SUPERSEDED'
           WHERE id IN (SELECT current_id FROM import_content WHERE current_id IS NOT NULL)"""
    )
    c.execute(
        f"""
        INSERT INTO people_declaration (public_id, dossier_id, number, status, content,
            submitted_at, submitted_by, submitted_by_username)
        SELECT {uuid7}, n.dossier_id,
               CASE WHEN n.existing THEN d.declaration_count + 1 ELSE 1 END, 'SUBMITTED',
               n.content,
               now(), %s, %s
        FROM import_content n JOIN people_dossier d ON d.id = n.dossier_id
        """,
        [actor.public_id, actor.username or "import"],
    )
    # Every dossier the import changed gets a new version (what an import after a check is
    # held to) and the clock time of this, its last write, not the transaction's start,
    # which may be long before: the time the page and a refusal show. Every dossier written
    # from the file (changed or not) keeps the digest of its rows and the version it is left
    # at, for the next import of the same rows.
    c.execute(
        """UPDATE people_dossier d
           SET declaration_count = d.declaration_count + coalesce(n.versioned, false)::int,
               version = d.version + coalesce(n.versioned, false)::int,
               updated_at = CASE WHEN n.dossier_id IS NULL THEN d.updated_at
                                 ELSE clock_timestamp() END,
               imported_rows_sha256 = i.rows_sha256,
               imported_version = d.version + coalesce(n.versioned, false)::int
           FROM import_dossier i LEFT JOIN (
               SELECT dossier_id, existing AS versioned FROM import_content
               UNION ALL
               SELECT m.dossier_id, false FROM import_meta m WHERE NOT EXISTS (
                   SELECT 1 FROM import_content n WHERE n.dossier_id = m.dossier_id)
           ) n ON n.dossier_id = i.dossier_id
           WHERE d.id = i.dossier_id"""
    )


def _record_batch(
    c: Any,
    actor: User | SystemPrincipal,
    org: Any,
    report: ImportReport,
    file_name: str,
    digest: str,
) -> None:
    """Step 4: the batch, its items and history rows, and its sealed audit event."""
    # 4. The record of the batch.
    batch = _new_batch(
        actor, org, report, file_name, digest,
        created=report.created, updated=report.updated, unchanged=report.unchanged,
    )  # fmt: skip
    # Every dossier of the file, the unchanged ones too (compared, if only by their digest: a
    # read their access logs list).
    c.execute(
        """INSERT INTO people_importbatchitem (batch_id, dossier_id, outcome)
           SELECT %(batch)s, d.id,
                  CASE WHEN n.dossier_id IS NOT NULL
                       THEN CASE WHEN n.existing THEN 'updated' ELSE 'created' END
                       WHEN m.dossier_id IS NOT NULL THEN 'updated'
                       ELSE 'unchanged' END
           FROM import_rows r
           JOIN people_dossier d ON d.managing_org_id = %(org)s AND d.import_ref = r.ref
           LEFT JOIN import_content n ON n.dossier_id = d.id
           LEFT JOIN import_meta m ON m.dossier_id = d.id
           WHERE r.is_subject""",
        {"batch": batch.pk, "org": org.pk},
    )
    report.batch = batch
    sealed = _record_dossier_changes(c, actor, batch)
    _batch_event(
        actor,
        AuditAction.DOSSIER_IMPORT,
        batch,
        {
            "dossiers": report.dossiers,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            **sealed,
        },
    )


def _record_dossier_changes(
    c: Any, actor: User | SystemPrincipal, batch: ImportBatch
) -> dict[str, Any]:
    """The import's changes of dossiers' classification and posts (import_meta) as their
    history, as a page's edit records it (services.dossier_update), each row naming the batch;
    returned for the import's audit event, which seals them: their count and the SHA-256 of
    one line per row, "dossier public id TAB before TAB after" (the jsonb as PostgreSQL prints
    it), sorted by public id (byte order), joined by newlines."""
    names = [level.name for level in sorted(Classification)]
    c.execute(
        """WITH made AS (
               INSERT INTO people_dossierchange (dossier_id, batch_id, changed_at, actor,
                   actor_username, via, before, after)
               SELECT dossier_id, %(batch)s, clock_timestamp(), %(actor)s, %(username)s,
                   'import',
                   jsonb_build_object('classification', (%(names)s::text[])[old_class + 1],
                                      'current_posts', old_posts),
                   jsonb_build_object('classification', (%(names)s::text[])[new_class + 1],
                                      'current_posts', new_posts)
               FROM import_meta
               RETURNING dossier_id, before, after)
           SELECT count(*), encode(sha256(convert_to(string_agg(
               d.public_id::text || E'\t' || m.before::text || E'\t' || m.after::text,
               E'\n' ORDER BY d.public_id::text COLLATE "C"), 'UTF8')), 'hex')
           FROM made m JOIN people_dossier d ON d.id = m.dossier_id""",
        {
            "batch": batch.pk,
            "actor": actor.public_id,
            "username": actor.username,
            "names": names,
        },
    )
    count, digest = c.fetchone()
    sealed: dict[str, Any] = {"dossier_changes": count}
    if count:
        sealed["dossier_changes_sha256"] = digest
    return sealed


def _columns(alias: str, fields: Iterable[str]) -> str:
    """``alias.field, ...``: a list of columns in SQL."""
    return ", ".join(f"{alias}.{field}" for field in fields)


def _doubles_person_table(c: Any, new_persons: int) -> bool:
    """At least as many new persons as the table holds, and a role that may drop its indexes
    (the owner: the import command run as the migrating role; never the web application's)."""
    c.execute(
        """SELECT greatest(reltuples, 0), pg_has_role(relowner, 'USAGE') FROM pg_class
           WHERE oid = 'people_person'::regclass"""
    )
    held, owner = c.fetchone()
    return bool(owner) and new_persons >= max(BULK_INDEX_THRESHOLD, held)


def _person_uuid_sql(column: str) -> str:
    """UUIDv7 (RFC 9562) for new persons without a random draw per row (PostgreSQL without
    OpenSSL reads /dev/urandom for each gen_random_uuid(): 4 s for a million).

    The import's time in milliseconds, 34 random bits drawn once per import, and as counter
    bits the person's new id (unique; below 2**40) XOR a random 40-bit mask: unique within the
    import by the ids, across imports by the time and random bits.
    """
    ms = time.time_ns() // 1_000_000
    rand = secrets.randbits(34)
    mask = secrets.randbits(40)
    prefix = f"{ms & 0xFFFF_FFFF_FFFF:012x}7{rand >> 22:03x}"
    high = 0x8000_0000 | ((rand & 0x3F_FFFF) << 8)  # variant 10, 22 random bits, 8 id bits
    x = f"({column} # {mask})"
    return (
        f"('{prefix}' || lpad(to_hex({high} | (({x} >> 32) & 255)), 8, '0')"
        f" || lpad(to_hex({x} & 4294967295), 8, '0'))::uuid"
    )


def _uuid7_sql(cursor: Any) -> str:
    """A time-ordered UUID per row: new keys land at the right edge of the unique indexes."""
    if cursor.cursor.connection.info.server_version >= 180000:
        return "uuidv7()"
    # Unix milliseconds over the first 48 bits of a random UUID, version nibble set to 7.
    return """encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING
        substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
        FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid"""
