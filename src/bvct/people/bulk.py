"""Bulk loads into the person table: its secondary indexes dropped, then built once."""

from __future__ import annotations

from django.db import connection

# Generating this many members, or importing at least as many persons as the table holds,
# builds the secondary indexes once at the end (sorted) instead of inserting into each.
BULK_INDEX_THRESHOLD = 20_000


def drop_person_indexes() -> list[str]:
    """Drop the person table's plain secondary indexes and its foreign keys; return the
    statements that create them again.

    A foreign key added back is checked by one join over the table, not by a trigger per
    inserted row (2 million of them for a province: 10 s). DROP INDEX and ALTER TABLE lock
    the table against readers until the transaction ends: for loads that at least double the
    table (a province's first data), when nobody searches it yet.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = 'people_person' AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            """
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = 'people_person'::regclass AND contype = 'f'
            """
        )
        keys = cursor.fetchall()
        # Pending deferred checks (of rows written earlier in the transaction) run first:
        # PostgreSQL alters no table that still has some.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for name, _ in keys:
            cursor.execute(f'ALTER TABLE people_person DROP CONSTRAINT "{name}"')
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE people_person ADD CONSTRAINT "{name}" {definition}'
        for name, definition in keys
    ]


def create_indexes(statements: list[str]) -> None:
    """Run what :func:`drop_person_indexes` returned (pending deferred checks first)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SELECT set_config('maintenance_work_mem', '512MB', true)")
        for statement in statements:
            cursor.execute(statement)


PEOPLE_TABLES = (
    "people_dossier",
    "people_person",
    "people_declaration",
    "people_personlink",
)


def analyze_people() -> None:
    """Planner statistics after a bulk load, instead of waiting for autovacuum: planned blind,
    a dossier page's link query on a freshly seeded database takes seconds, not milliseconds."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(PEOPLE_TABLES)}")
