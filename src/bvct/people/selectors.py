"""Reads of dossiers and persons: always through the gate, set-based, bounded. The name search
itself is ``people.search``; the exports of a search read its statement from there."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, F, Max, OuterRef, Q, Subquery

from bvct.accounts.models import User
from bvct.audit.models import AuditEvent
from bvct.core.constants import Action
from bvct.core.gate import get_for_user
from bvct.core.text import normalize
from bvct.people.constants import DeclarationStatus, LinkStatus
from bvct.people.dates import PartialDate
from bvct.people.models import (
    DOSSIER_GATE,
    Declaration,
    Dossier,
    DossierChange,
    ExportBatch,
    ImportBatch,
    Listing,
    ListingItem,
    Person,
    PersonLink,
)
from bvct.people.search import _name_search_sql, _search_of


def dossier_get_for_user(*, user: Any, public_id: str, action: str = Action.VIEW) -> Dossier:
    qs = Dossier.objects.select_related("managing_org", "tier")
    return get_for_user(qs, user, action=action, public_id=public_id)


def dossier_subject(dossier: Dossier) -> Person:
    return Person.objects.select_related("relation").get(dossier=dossier, is_subject=True)


def dossier_persons(dossier: Dossier) -> list[Person]:
    """Every person of the dossier in one query: its subject first, then its relatives as
    the pages list them (those of the current declaration first, by relation, then by age).
    Each holds ``dossier`` itself (through its related manager): no query to reach it."""
    return list(
        dossier.persons.select_related("relation").order_by(
            "-is_subject", "-declared", "relation__sort_order", "birth_year", "id"
        )
    )


@dataclass
class RelativeRow:
    """A relative as the pages show them: the person's record and, from the current
    declaration, what was declared about them that has no column of its own."""

    person: Person
    political_history: str = ""
    current_situation: str = ""
    death_details: str = ""


def dossier_relative_rows(
    relatives: list[Person], declaration: Declaration | None
) -> list[RelativeRow]:
    """The dossier's ``relatives`` (``DossierAccess.relatives``) with what ``declaration``
    says about each of them."""
    declared = {
        entry.get("person"): entry
        for entry in (declaration.content.get("relatives", []) if declaration else [])
    }
    rows = []
    for person in relatives:
        entry = declared.get(str(person.public_id), {}) if person.declared else {}
        rows.append(
            RelativeRow(
                person,
                political_history=entry.get("political_history", ""),
                current_situation=entry.get("current_situation", ""),
                death_details=entry.get("death_details", ""),
            )
        )
    return rows


def dossier_declarations(*, user: Any, dossier: Dossier) -> list[Declaration]:
    """The dossier's declarations (through the gate, as children of their dossier), newest
    first, each with ``submitter_name``: the full name of the user who submitted it (None for
    the system and the data generator)."""
    submitter = User.objects.filter(public_id=OuterRef("submitted_by")).values("full_name")[:1]
    return list(
        Declaration.objects.visible_to(user)
        .filter(dossier=dossier)
        .annotate(submitter_name=Subquery(submitter))
        .order_by("-number")
    )


def dossier_current_declaration(*, user: Any, dossier: Dossier) -> Declaration | None:
    """The declaration in force (through the gate), or None for a dossier without one."""
    return (
        Declaration.objects.visible_to(user)
        .filter(dossier=dossier, status=DeclarationStatus.SUBMITTED)
        .first()
    )


def dossier_changes(*, user: Any, dossier: Dossier, limit: int = 50) -> list[DossierChange]:
    """The history of the dossier's own fields, newest first (through the gate)."""
    return list(DossierChange.objects.visible_to(user).filter(dossier=dossier)[:limit])


def declaration_versions(*, user: Any, dossier: Dossier, numbers: list[int]) -> dict[int, Any]:
    """Some of the dossier's declarations by number (through the gate)."""
    found = Declaration.objects.visible_to(user).filter(dossier=dossier, number__in=numbers)
    return {d.number: d for d in found}


@dataclass
class ListingRow:
    """A search or list page a dossier's person appeared in, for its access log."""

    at: datetime.datetime
    actor_username: str
    name: str  # whose name was shown: the member's or a relative's


@dataclass
class DossierBatches:
    """For a dossier's access log: the batches and lists it was in, newest first."""

    imports: list[ImportBatch]
    exports: list[ExportBatch]
    searches: list[ListingRow]
    list_pages: list[ListingRow]
    list_pages_total: int  # counted up to LIST_PAGES_COUNTED

    @property
    def list_pages_uncounted(self) -> bool:
        return self.list_pages_total >= LIST_PAGES_COUNTED


LIST_PAGES_COUNTED = 10_000


def _listing_rows(*, dossier: Dossier, kind: str, limit: int) -> list[ListingRow]:
    """The newest appearances of this dossier's persons in searches (or list pages), one row
    per name shown.

    Who and when come from each listing's own audit event (sealed). That event belongs to the
    searcher's organisation at the level of the most secret name on the page, so this
    dossier's auditor (already let through to this dossier) may not be allowed to read it;
    the row is about this dossier and is shown all the same. What was asked is not shown
    here: it may name others, and showing it only to some would tell the rest that the page
    held a name above them. The audit search shows it to those who may read the event.
    """
    items = list(
        ListingItem.objects.filter(dossier=dossier, kind=kind)
        .select_related("listing", "person")
        .order_by("-listing_id")[:limit]
    )
    ids = [str(i.listing.public_id) for i in items]
    events = AuditEvent.objects.filter(object_type="people.listing", object_public_id__in=ids).only(
        "object_public_id", "occurred_at", "actor_username"
    )
    by_id = {e.object_public_id: e for e in events}
    rows = []
    for item in items:
        event = by_id.get(str(item.listing.public_id))
        rows.append(
            ListingRow(
                at=event.occurred_at if event else item.listing.created_at,
                actor_username=event.actor_username if event else "",
                name=item.person.full_name,
            )
        )
    return rows


def dossier_batches(*, user: Any, dossier: Dossier, limit: int = 100) -> DossierBatches:
    """The imports, checks and exports a dossier was in (only those whose own audit event
    this user may read: scope and clearance), and the searches and list pages that showed
    its persons, newest first."""
    imports = list(
        ImportBatch.objects.visible_to(user)
        .filter(items__dossier=dossier)
        .annotate(outcome=F("items__outcome"))
        .order_by("-created_at", "-id")[:limit]
    )
    exports = list(
        ExportBatch.objects.visible_to(user)
        .filter(items__dossier=dossier)
        .order_by("-created_at", "-id")[:limit]
    )
    lists = ListingItem.objects.filter(dossier=dossier, kind=Listing.Kind.LIST)
    return DossierBatches(
        imports=imports,
        exports=exports,
        searches=_listing_rows(dossier=dossier, kind=Listing.Kind.SEARCH, limit=limit),
        # Every opening of the list records its first page: the latest few and how many.
        list_pages=_listing_rows(dossier=dossier, kind=Listing.Kind.LIST, limit=20),
        list_pages_total=lists[:LIST_PAGES_COUNTED].count(),
    )


# Every field a person's record holds that two dossiers can describe differently; one side
# left empty (a year without its month) is no difference.
LINK_COMPARED = (
    ("full_name", "Họ và tên"),
    ("sex", "Giới tính"),
    ("birth_year", "Năm sinh"),
    ("birth_month", "Tháng sinh"),
    ("birth_day", "Ngày sinh"),
    ("death_year", "Năm mất"),
    ("death_month", "Tháng mất"),
    ("death_day", "Ngày mất"),
    ("citizen_id", "Số CCCD"),
    ("birthplace", "Nơi sinh"),
    ("hometown_norm", "Quê quán"),
    ("residence", "Nơi ở"),
    ("ethnicity", "Dân tộc"),
    ("religion", "Tôn giáo"),
    ("nationality", "Quốc tịch"),
    ("occupation", "Nghề nghiệp"),
)


@dataclass
class LinkView:
    link: PersonLink
    mine: Person
    other: Person
    differences: list[tuple[str, Any, Any]]
    decidable: bool = False  # whether this user may confirm or reject it (services)


def dossier_links(*, user: Any, persons: list[Person]) -> list[LinkView]:
    """Proposed and confirmed links of a dossier's persons (``DossierAccess.persons``: all
    of them) whose other side the user may also see; for confirmed ones, how the two dossiers
    describe the person differently."""
    if DOSSIER_GATE.q(user, Action.VIEW) is None:
        return []
    ids = [person.pk for person in persons]
    of_dossier = PersonLink.objects.filter(Q(person_a_id__in=ids) | Q(person_b_id__in=ids)).exclude(
        status=LinkStatus.REJECTED
    )
    # Most dossiers have no link: a plain lookup settles that, where planning the seven-table
    # query below alone costs more than the rest of the links tab.
    # Written as SQL: building the same EXISTS through the ORM costs three times as long.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT EXISTS (SELECT 1 FROM {PersonLink._meta.db_table}
                WHERE (person_a_id = ANY(%s) OR person_b_id = ANY(%s)) AND status <> %s)""",
            [ids, ids, LinkStatus.REJECTED],
        )
        row = cursor.fetchone()
    if not (row and row[0]):
        return []
    links = of_dossier.visible_to(user).select_related(
        "person_a__dossier", "person_b__dossier", "person_a__relation", "person_b__relation"
    )
    views = []
    for link in links:
        mine, other = (
            (link.person_a, link.person_b)
            if link.person_a_id in ids
            else (link.person_b, link.person_a)
        )
        differences = []
        if link.status == LinkStatus.CONFIRMED:
            for name, label in LINK_COMPARED:
                a, b = getattr(mine, name), getattr(other, name)
                if a and b and a != b:
                    shown = {"hometown_norm": "hometown", "sex": "get_sex_display"}.get(name, name)
                    values = [getattr(p, shown) for p in (mine, other)]
                    values = [v() if callable(v) else v for v in values]
                    differences.append((label, *values))
        decidable = all(DOSSIER_GATE.allows(user, Action.CHANGE, p) for p in (mine, other))
        views.append(LinkView(link, mine, other, differences, decidable))
    return views


def link_get_for_user(*, user: Any, public_id: str) -> PersonLink:
    """A link both of whose persons the user may see (else 404)."""
    return get_for_user(PersonLink.objects.all(), user, public_id=public_id)


def dossier_list(
    *, user: Any, org_path: str = "", birth_year: int | None = None, hometown: str = ""
) -> Any:
    """Subjects of the dossiers the user may see (for the list page and export), optionally
    of one organisation's subtree, born in one year, from a home town (no diacritics)."""
    qs = (
        Person.objects.visible_to(user)
        .filter(is_subject=True)
        .select_related("dossier__managing_org")
    )
    if org_path:
        qs = qs.filter(org_path__startswith=org_path)
    if birth_year is not None:
        qs = qs.filter(birth_year=birth_year)
    if hometown:
        qs = qs.filter(hometown_norm__contains=normalize(hometown))
    return qs.order_by("name_sort", "id")


MAX_LIKELY_DUPLICATES = 10


def dossier_likely_duplicates(*, user: Any, identity: dict[str, Any]) -> list[Person]:
    """Members of dossiers the user may see who are likely the person of this identity (a
    cleaned declaration's): the same normalised full name and a date of birth that may be the
    same (the same year; month and day the same where both give them, so "1961" or
    "05/1961" may be 12/05/1961), unless both have a citizen ID (two different ones
    are two people; the same one is refused outright). Through the gate only, so nothing is
    told about dossiers the user may not see (the system principal sees every dossier).
    """
    birth = PartialDate.parse(identity.get("birth"))
    if birth is None:
        return []
    found = Person.objects.visible_to(user).filter(
        is_subject=True,
        name_norm=normalize(identity["full_name"])[:200],
        birth_year=birth.year,
    )
    if birth.month is not None:
        found = found.filter(Q(birth_month=birth.month) | Q(birth_month__isnull=True))
    if birth.day is not None:
        found = found.filter(Q(birth_day=birth.day) | Q(birth_day__isnull=True))
    if identity.get("citizen_id"):
        found = found.filter(Q(citizen_id__isnull=True) | Q(citizen_id=identity["citizen_id"]))
    return list(
        found.select_related("dossier__managing_org").order_by("name_sort", "id")[
            :MAX_LIKELY_DUPLICATES
        ]
    )


def _listed(*, user: Any, data: dict[str, Any]) -> Any:
    """The dossier list a PersonSearchForm without a name asks for (the list page's)."""
    org = data.get("org")
    return dossier_list(
        user=user,
        org_path=org.path if org else "",
        birth_year=data.get("birth_year"),
        hometown=data.get("hometown") or "",
    )


def dossier_export_counts(*, user: Any, data: dict[str, Any], limit: int) -> dict[int, int]:
    """For each level up to the user's clearance, how many rows the export of this search
    (a PersonSearchForm's cleaned data) would hold if it stopped at that level; a count
    above ``limit`` is only known to be above it."""
    levels = range(user.clearance + 1)
    if not data.get("q"):
        per_level = dict(
            _listed(user=user, data=data)
            .order_by()
            .values_list("classification")
            .annotate(n=Count("id"))
        )
        return {c: sum(n for level, n in per_level.items() if level <= c) for c in levels}
    statement = _name_search_sql(user=user, search=_search_of(data), limit=limit)
    if statement is None:
        return dict.fromkeys(levels, 0)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.classification, count(*) FROM ({statement.page}) "
            "x(id, approximate, k, exact) JOIN people_person p ON p.id = x.id GROUP BY 1",
            statement.page_params,
        )
        per_level = dict(cursor.fetchall())
    counts = {c: sum(n for level, n in per_level.items() if level <= c) for c in levels}
    if sum(per_level.values()) > limit:
        # Only the first names in order were counted: a lower level may still fit.
        for c in levels:
            if counts[c] <= limit:
                counts[c] = len(_name_ids(user=user, data=data, ceiling=c, limit=limit))
    return counts


def _name_ids(*, user: Any, data: dict[str, Any], ceiling: int, limit: int) -> list[int]:
    statement = _name_search_sql(
        user=user, search=_search_of(data, max_classification=ceiling), limit=limit
    )
    if statement is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(statement.page, statement.page_params)
        return list(dict.fromkeys(row[0] for row in cursor.fetchall()))


@dataclass
class ExportSelection:
    """What an export of a search holds, known before its file is written: how many rows
    (up to the limit + 1), the most secret one's level (the file's mark), and the rows."""

    count: int
    highest: int
    rows: Callable[[], Iterator[Person]]


EXPORT_CHUNK = 2000


def dossier_export_selection(
    *, user: Any, data: dict[str, Any], ceiling: int, limit: int
) -> ExportSelection:
    """The rows the search page lists for this search (every page of it: the dossier list,
    or the persons a name matches, relatives too if asked), those above ``ceiling`` left
    out, in the page's order."""
    if not data.get("q"):
        qs = _listed(user=user, data=data).filter(classification__lte=ceiling)
        highest = qs.aggregate(m=Max("classification"))["m"] or 0
        return ExportSelection(
            count=qs.values("pk")[: limit + 1].count(),
            highest=highest,
            rows=lambda: qs.select_related("relation")[:limit].iterator(chunk_size=EXPORT_CHUNK),
        )
    ids = _name_ids(user=user, data=data, ceiling=ceiling, limit=limit)
    count = len(ids)
    ids = ids[:limit]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(max(classification), 0) FROM people_person WHERE id = ANY(%s)",
            [ids],
        )
        highest = cursor.fetchone()[0]
    # In the page's order (the statement ranks names spelt as typed first).

    def rows() -> Iterator[Person]:
        for start in range(0, len(ids), EXPORT_CHUNK):
            chunk = ids[start : start + EXPORT_CHUNK]
            # Through the gate again: a dossier moved out of scope meanwhile is left out.
            found = (
                Person.objects.visible_to(user)
                .select_related("dossier__managing_org", "relation")
                .in_bulk(chunk)
            )
            yield from (found[i] for i in chunk if i in found)

    return ExportSelection(count=count, highest=highest, rows=rows)
