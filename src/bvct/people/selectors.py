"""Reads of dossiers and persons: always through the gate, set-based, bounded.

Name search: the query's words are normalised (no diacritics), each word that is no known name
word is corrected to the closest known ones (``namewords``: trigram similarity over a few
thousand public words, in memory), and every candidate name is then looked up by an index
scan already ordered by the Vietnamese sort key, each stopping after one page. Millions of
names are never scanned for similarity.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connection
from django.db.models import Count, F, Max, OuterRef, Q, Subquery

from bvct.accounts.models import User
from bvct.audit.models import AuditEvent
from bvct.core.constants import Action
from bvct.core.gate import get_for_user
from bvct.core.text import collation_key_str, collation_word_code, normalize
from bvct.people import namewords
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

MAX_WORD_CANDIDATES = 3
MAX_NAME_CANDIDATES = 12
# Results are counted up to this many; past it the page says "more than".
COUNT_CAP = 1000
MAX_PAGE = 200


@dataclass(frozen=True)
class PersonSearch:
    """A name search and the filters that narrow it (all within what the gate lets the user
    see)."""

    query: str = ""
    birth_year: int | None = None
    hometown: str = ""  # part of the declared home town (quê quán), with or without marks
    org_path: str = ""  # narrow to an organisation's subtree (within what the user sees)
    # The same by the organisation's public id (or code), looked up through the gate: one the
    # user may not see narrows to nobody, as a missing one does.
    organisation: str = ""
    subjects_only: bool = False
    max_classification: int | None = None  # an export's ceiling (the gate still applies)
    offset: int = 0
    limit: int = 50


@dataclass
class SearchResult:
    """One page of a name search.

    Each person of ``persons`` carries ``approximate``: True when their name matched only
    through a corrected (neighbour) word, never as typed."""

    persons: list[Person]
    # query word (search key) -> the other words searched for it that the results hold
    corrections: dict[str, list[str]] = field(default_factory=dict)
    truncated: bool = False  # more persons after this page
    count: int = 0  # every match, counted up to COUNT_CAP
    count_capped: bool = False  # more than COUNT_CAP matched: ``count`` is the cap
    exact_count: int = 0  # of ``count``, those spelt exactly as typed (marks included)
    offset: int = 0


def correct_words(words: list[str]) -> dict[str, list[str]]:
    """For each word, the close known name words it may be a typo of (none when the word is
    itself one). Known words are public (``namewords``), never counted from the dossiers, so
    whether and how a word is corrected says nothing about who is stored."""
    return {
        w: [] if namewords.is_known(w) else namewords.close_words(w, MAX_WORD_CANDIDATES)
        for w in words
    }


def _combinations(options: list[list[str]], limit: int) -> list[tuple[str, ...]]:
    """Up to ``limit`` names made of one option per word, fewest corrections first (each
    word's options are itself, then its corrections, closest first)."""
    found: list[tuple[str, ...]] = []

    def pick(chosen: tuple[str, ...], rest: list[list[str]], left: int) -> None:
        if len(found) >= limit:
            return
        if not rest:
            if left == 0:
                found.append(chosen)
            return
        for rank, word in enumerate(rest[0][: left + 1]):
            pick((*chosen, word), rest[1:], left - rank)

    most = sum(len(o) - 1 for o in options)
    for corrected in range(most + 1):
        pick((), options, corrected)
    return found


def _spelling_condition(query: str) -> tuple[str, list[Any]]:
    """SQL over ``p.name_sort`` true for a name spelt as ``query`` was typed, marks included
    (case and the place of the tone mark aside: the Vietnamese sort key ignores both), for
    the query's words in the places the search matches them. A query typed without any mark
    asks for none: every name matching its words is spelt as typed."""
    words = unicodedata.normalize("NFC", query).split()
    if not words or all(normalize(w) == w.lower() for w in words):
        return "TRUE", []
    codes = [collation_word_code(w) for w in words]
    pair = "(?:[1-9A-Za-z].|0[1-9A-Za-z])"  # one letter's code: never the part end "00"
    if len(words) >= 3:
        return "p.name_sort = %s", [collation_key_str(" ".join(words))]
    ((given, tone),) = codes[-1:]
    if len(words) == 1:
        return "p.name_sort ~ %s", [f"^{given}00{pair}*00{pair}*00{tone}[0-5]*$"]
    first, first_tone = codes[0]
    as_family = f"^{given}00{first}00{pair}*00{tone}{first_tone}[0-5]*$"
    as_middle = f"^{given}00{pair}*00(?:{pair}*01)?{first}00{tone}[0-5]*{first_tone}$"
    return "(p.name_sort ~ %s OR p.name_sort ~ %s)", [as_family, as_middle]


def _search_filters(user: Any, search: PersonSearch) -> tuple[list[str], list[Any]] | None:
    """The gate and the search's filters as SQL over ``p``; None: nobody can match."""
    gate = DOSSIER_GATE.sql(user, Action.VIEW, alias="p")
    if gate is None:
        return None
    where, params = gate
    filters = [where]
    params = list(params)
    if search.birth_year is not None:
        filters.append("p.birth_year = %s")
        params.append(search.birth_year)
    if search.hometown and normalize(search.hometown):
        filters.append("p.hometown_norm LIKE %s")
        params.append("%" + _like_escaped(normalize(search.hometown)) + "%")
    if search.org_path:
        filters.append("p.org_path LIKE %s")
        params.append(_like_escaped(search.org_path) + "%")
    if search.organisation:
        from bvct.orgs.selectors import visible_org_path

        path = visible_org_path(user=user, code=search.organisation)
        if path is None:
            return None
        filters.append("p.org_path LIKE %s")
        params.append(_like_escaped(path) + "%")
    if search.subjects_only:
        filters.append("p.is_subject")
    if search.max_classification is not None:
        filters.append("p.classification <= %s")
        params.append(search.max_classification)
    return filters, params


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")


def _own_org_condition(user: Any) -> tuple[str, list[Any]]:
    """SQL true for a person of the user's own organisation (its subtree)."""
    org = getattr(user, "organisation", None)
    if org is None:
        return "FALSE", []
    return "p.org_path LIKE %s", [_like_escaped(org.path) + "%"]


def _name_search_sql(
    *, user: Any, search: PersonSearch, limit: int
) -> tuple[str, list[Any], str, list[Any], dict[str, list[str]]] | None:
    """The statement giving one page (``search.offset``, up to ``limit`` + 1 rows: id,
    approximate) of the persons the user may see whose name matches, the statement counting
    them (up to COUNT_CAP + 1; and those spelt as typed), their parameters, and each word's
    corrections; None when nothing can match."""
    words = normalize(search.query).split()
    filtered = _search_filters(user, search)
    if filtered is None or not words:
        return None
    corrections = correct_words(words)
    # A word that is no known name word is searched as typed too (a rare or foreign name).
    options = [[w, *corrections[w]] for w in words]
    filters, params = filtered
    extra = " AND ".join(filters)
    spelt, spelt_params = _spelling_condition(search.query)
    own, own_params = _own_org_condition(user)
    reach = max(search.offset + limit + 1, COUNT_CAP + 1)
    branches: list[str] = []
    branch_params: list[Any] = []
    for rank, combo in enumerate(_combinations(options, MAX_NAME_CANDIDATES)):
        if len(combo) == 1:
            cond, cond_params = "p.given_norm = %s", [combo[0]]
        elif len(combo) == 2:
            # family + given ("Lê Hoa", "Nguyễn Hùng") or middle + given ("Văn Hùng")
            cond = "p.given_norm = %s AND (p.name_norm LIKE %s OR p.name_norm LIKE %s)"
            cond_params = [combo[1], combo[0] + " %", "% " + " ".join(combo)]
        else:
            cond, cond_params = "p.name_norm = %s", [" ".join(combo)]
        as_typed = rank == 0 and list(combo) == words
        exact = f"({spelt})" if as_typed else "FALSE"
        branches.append(
            f"(SELECT p.id, p.name_sort, {exact} AS exact, {own} AS own, "
            f"{rank} AS rank, {'FALSE' if as_typed else 'TRUE'} AS approximate "
            f"FROM people_person p WHERE {cond} AND {extra} "
            f"ORDER BY p.name_sort, p.id LIMIT {int(reach)})"
        )
        branch_params += [*(spelt_params if as_typed else []), *own_params, *cond_params, *params]
    union = " UNION ALL ".join(branches)
    page = (
        f"SELECT id, approximate FROM ({union}) hits "
        "ORDER BY exact DESC, own DESC, rank, name_sort, id "
        f"LIMIT {int(limit) + 1} OFFSET {int(search.offset)}"
    )
    count = (
        f"SELECT count(*), count(*) FILTER (WHERE exact) FROM "
        f"(SELECT exact FROM ({union}) hits LIMIT {COUNT_CAP + 1}) counted"
    )
    return page, branch_params, count, branch_params, corrections


def person_search(*, user: Any, search: PersonSearch) -> SearchResult:
    """One page of the persons the user may see whose name matches: those spelt exactly as
    typed first, then those of the user's own organisation, then by how close the name
    searched is to the one typed, then in Vietnamese name order."""
    limit = min(max(search.limit, 1), MAX_PAGE)
    offset = max(search.offset, 0)
    search = replace(search, offset=offset)
    statement = _name_search_sql(user=user, search=search, limit=limit)
    if statement is None:
        return SearchResult([], offset=offset)
    sql, params, count_sql, count_params, corrections = statement
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        cursor.execute(count_sql, count_params)
        count, exact_count = cursor.fetchone()
    truncated = len(rows) > limit
    rows = rows[:limit]
    ids = [row[0] for row in rows]
    approximate = {row[0]: row[1] for row in rows}
    by_id = Person.objects.visible_to(user).select_related("dossier", "relation").in_bulk(ids)
    persons = [by_id[i] for i in ids if i in by_id]
    for person in persons:
        person.approximate = approximate[person.pk]  # type: ignore[attr-defined]
    # Corrections are told by the words of the results found with them.
    seen = {word for p in persons for word in p.name_norm.split()}
    changed = {w: [c for c in cands if c in seen] for w, cands in corrections.items()}
    return SearchResult(
        persons,
        {w: c for w, c in changed.items() if c},
        truncated,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        exact_count=min(exact_count, COUNT_CAP),
        offset=offset,
    )


def person_search_from_form(*, user: Any, data: dict[str, Any]) -> SearchResult:
    """The search a PersonSearchForm asks for (page and API alike)."""
    return person_search(user=user, search=_search_of(data))


def _search_of(data: dict[str, Any], **more: Any) -> PersonSearch:
    """The name search a PersonSearchForm's cleaned data asks for (its organisation already
    chosen through the gate; or, as ``organisation``, a public id the search looks up), with
    its page (``offset``, ``limit``) when the data holds one."""
    org = data.get("org")
    given: dict[str, Any] = {}
    for key in ("offset", "limit"):
        if data.get(key) is not None:
            given[key] = int(data[key])
    if data.get("organisation"):
        given["organisation"] = str(data["organisation"])
    return PersonSearch(
        query=data.get("q") or "",
        birth_year=data.get("birth_year"),
        hometown=data.get("hometown") or data.get("home_town") or "",
        org_path=org.path if org else "",
        subjects_only=not data.get("relatives"),
        **{**given, **more},
    )


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
    sql, params, *_ = statement
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.classification, count(*) FROM ({sql}) x "
            "JOIN people_person p ON p.id = x.id GROUP BY 1",
            params,
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
    sql, params, *_ = statement
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


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
