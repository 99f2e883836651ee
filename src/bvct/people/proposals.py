"""Proposed links between persons of two dossiers who may be one human: the system only
proposes, by citizen ID or by name, birth year and home town; an officer decides
(``services.person_link_decide``)."""

from __future__ import annotations

from typing import Any

from django.db import connection

MAX_NAME_PROPOSALS = 5
# What proposals compare (_propose): a person whose values of these are unchanged has had
# every proposal they can make.
LINK_KEYS = ("citizen_id", "name_norm", "birth_year", "hometown_norm")


def links_propose(person_ids: list[int]) -> int:
    """Propose (never make) same-person links for these persons; see :func:`_propose`."""
    if not person_ids:
        return 0
    with connection.cursor() as cursor:
        return _propose(cursor, "p.id = ANY(%s)", [person_ids])


def links_propose_from(cursor: Any, table: str) -> int:
    """The same for the persons whose ids are in a temporary table's ``id`` column."""
    return _propose(cursor, f"p.id IN (SELECT id FROM {table})", [])


def _propose(cursor: Any, persons: str, params: list[Any]) -> int:
    """Same citizen ID, or same normalised name, birth year and home town, in another
    dossier. Returns how many proposals were added.

    Two statements, each a plain equality join PostgreSQL can hash; a name match proposes at
    most a few candidates per person (common names in one commune would otherwise pair up by
    the thousand, and a proposal is only a question for an officer).
    """
    insert = """
        INSERT INTO people_personlink
            (public_id, person_a_id, person_b_id, reason, status, created_at)
        SELECT gen_random_uuid(), LEAST(a, b), GREATEST(a, b), reason, 'PROPOSED', now()
        FROM ({pairs}) found
        ON CONFLICT (person_a_id, person_b_id) DO NOTHING
    """
    by_id = f"""
        SELECT p.id AS a, q.id AS b, 'CITIZEN_ID' AS reason
        FROM people_person p JOIN people_person q ON q.citizen_id = p.citizen_id
        WHERE {persons} AND p.citizen_id IS NOT NULL AND q.dossier_id <> p.dossier_id
    """
    by_name = f"""
        SELECT a, b, 'NAME_YEAR_HOMETOWN' AS reason FROM (
            SELECT p.id AS a, q.id AS b,
                   row_number() OVER (PARTITION BY p.id ORDER BY q.id) AS n
            FROM people_person p JOIN people_person q
              ON q.name_norm = p.name_norm AND q.birth_year = p.birth_year
             AND q.hometown_norm = p.hometown_norm
            WHERE {persons} AND p.hometown_norm <> '' AND q.dossier_id <> p.dossier_id
              AND (q.citizen_id IS NULL OR p.citizen_id IS NULL OR q.citizen_id = p.citizen_id)
        ) ranked WHERE n <= {MAX_NAME_PROPOSALS}
    """
    total = 0
    for pairs in (by_id, by_name):
        cursor.execute(insert.format(pairs=pairs), params)
        total += cursor.rowcount
    return total
