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
from functools import lru_cache
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
    """For each word (a search key), the other known name words also searched for it, the
    likeliest first: its neighbours (one edit away, ``namewords.neighbours``), or for a word
    with none, the closest known words by trigram similarity. Known words are public
    (``namewords``), never counted from the dossiers, so whether and how a word is corrected
    says nothing about who is stored."""
    found: dict[str, list[str]] = {}
    for w in words:
        near = namewords.neighbours(w)
        if not near and not namewords.is_known(w):
            near = namewords.close_words(w, MAX_WORD_CANDIDATES)
        found[w] = near
    return found


@dataclass(frozen=True)
class NameAlternative:
    """One name searched for a query: its words (search keys, one per query word), whether
    it is the query as typed or has a word replaced by a neighbour, and how likely it is
    the name meant (the replaced word's ``namewords.typo_likelihood``)."""

    words: tuple[str, ...]
    approximate: bool
    likelihood: float


@dataclass(frozen=True)
class NamePlan:
    """What a name search looks for: the query's words, each word's alternatives, and the
    names searched, the query as typed first, then those with one word replaced by one of
    its neighbours, likeliest first."""

    typed: str  # the query, NFC
    words: list[str]  # its search keys
    corrections: dict[str, list[str]]  # word -> the other words searched for it
    alternatives: list[NameAlternative]

    @property
    def marked(self) -> bool:
        """Whether the query was typed with any Vietnamese mark (then spelling counts)."""
        return any(normalize(w) != w.lower() for w in self.typed.split())


MAX_ALTERNATIVES = 200


def name_plan(query: str) -> NamePlan | None:
    """The names a query searches (None for a query with no word): the query as typed, and
    for each word in turn (family, middle and given alike), the query with that word
    replaced by one of its neighbours: one typo anywhere in the name is found."""
    typed = unicodedata.normalize("NFC", query).strip()
    words = normalize(typed).split()
    if not words:
        return None
    corrections = correct_words(words)
    alternatives = [NameAlternative(tuple(words), False, 1.0)]
    seen = {tuple(words)}
    replaced: list[NameAlternative] = []
    for i, word in enumerate(words):
        for near in corrections[word]:
            name = (*words[:i], near, *words[i + 1 :])
            if name not in seen:
                seen.add(name)
                replaced.append(NameAlternative(name, True, namewords.typo_likelihood(word, near)))
    replaced.sort(key=lambda a: -a.likelihood)
    alternatives += replaced[: MAX_ALTERNATIVES - 1]
    return NamePlan(typed, words, corrections, alternatives)


def _spelling_pattern(typed: str) -> tuple[str, str, str | None] | None:
    """How a name spelt as ``typed`` shows in its ``name_sort``: the range of sort keys
    holding every such name (low inclusive, high exclusive) and, when the range holds others
    too, a regular expression telling them apart; None for a query typed without any mark,
    which asks for none.

    A word typed with marks must be spelt so, marks included (case and the place of the tone
    mark aside, as the Vietnamese sort key ignores both); a word typed without any ("Nguyen
    Van Hùng") is spelt any way its letters are written."""
    words = typed.split()
    marked = [normalize(w) != w.lower() for w in words]
    if not any(marked):
        return None
    if all(marked) and len(words) >= 3:
        exact = collation_key_str(" ".join(words))
        return exact, exact + " ", None  # " " sorts below every character of a key
    parts: list[tuple[str, str]] = []  # per word: its letters' codes, its tone (regex)
    for word, has_marks in zip(words, marked, strict=True):
        if has_marks:
            code, word_tone = collation_word_code(word)
            parts.append((code, str(word_tone)))
        else:
            codes = sorted({_code(w) for w in namewords.spellings(normalize(word))})
            parts.append(("(?:" + "|".join(codes) + ")", "[0-5]"))
    pair = "(?:[1-9A-Za-z].|0[1-9A-Za-z])"  # one letter's code: never the part end "00"
    (given, tone), (first, first_tone) = parts[-1], parts[0]
    if len(words) >= 3:
        middles = "01".join(code for code, _ in parts[1:-1])
        tones = "".join(t for _, t in parts[1:-1])
        pattern = f"^{given}00{first}00{middles}00{tone}{first_tone}{tones}$"
    elif len(words) == 1:
        pattern = f"^{given}00{pair}*00{pair}*00{tone}[0-5]*$"
    else:
        as_family = f"^{given}00{first}00{pair}*00{tone}{first_tone}[0-5]*$"
        as_middle = f"^{given}00{pair}*00(?:{pair}*01)?{first}00{tone}[0-5]*{first_tone}$"
        pattern = f"(?:{as_family})|(?:{as_middle})"
    if marked[-1]:
        return f"{given}00", f"{given}01", pattern
    return "", KEY_END, pattern


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


def _own_org_pattern(user: Any) -> str | None:
    """The LIKE pattern of the user's own organisation's subtree, when it holds only part of
    what the user may see (else None: every result is of their own organisation)."""
    org = getattr(user, "organisation", None)
    scope = getattr(user, "scope", None)
    if org is None:
        return None
    if scope is not None and scope.path.startswith(org.path):
        return None
    return _like_escaped(org.path) + "%"


KEY_END = "{"  # sorts after every character of a Vietnamese sort key


@dataclass(frozen=True)
class _Row:
    """One index scan of a name search: the alternative searched (its index in the plan),
    the range of sort keys scanned, a LIKE pattern the name must match (a middle name),
    and the regular expression telling names spelt as typed (``exact``) from the others."""

    k: int
    lo: str = ""
    hi: str = KEY_END
    middle: str | None = None
    pattern: str | None = None
    exact: bool = False


@lru_cache(maxsize=4096)
def _code(word: str) -> str:
    return collation_word_code(word)[0]


def _alternative_rows(plan: NamePlan) -> list[_Row]:
    """The index scans a plan needs, each a range of the sort key ("given 00 family 00
    middle 00 tones") so that every scan starts where its names are:

    * three words or more: the whole name; as typed with marks on every word, the one sort
      key spelt so, and the ranges before and after it;
    * two words: family + given ("Lê Hoa") as the ranges of each way the two words are
      written (tones aside); middle + given ("Văn Hùng") as one scan of the given name,
      for the query as typed and for the closest corrections of a word that is no known
      word (a scan that may read every person of that given name: not for every neighbour);
    * one word: the given name.

    Otherwise a query typed with marks has two scans for its names: those spelt as typed
    (a regular expression over the sort key) and the others. A query typed without marks:
    everything the query as typed finds is spelt as typed."""
    marked = plan.marked
    spelling = _spelling_pattern(plan.typed) if marked else None
    n = len(plan.words)
    rows: list[_Row] = []
    for k, alt in enumerate(plan.alternatives):
        as_typed = k == 0
        plain_exact = as_typed and not marked
        if as_typed and spelling is not None:
            lo, hi, pattern = spelling
            if pattern is None:  # the one sort key spelt as typed, and those around it
                rows += [_Row(k, lo, hi, exact=True), _Row(k, "", lo), _Row(k, hi, KEY_END)]
                continue
        else:
            lo, hi, pattern = "", KEY_END, None
        if n >= 3 or n == 1:
            if pattern is not None:
                rows += [
                    _Row(k, lo, hi, pattern=pattern, exact=True),
                    _Row(k, pattern=pattern),
                ]
            else:
                rows.append(_Row(k, exact=plain_exact))
            continue
        first, given = alt.words
        for g in {_code(w) for w in namewords.spellings(given)}:
            for f in {_code(w) for w in namewords.spellings(first)}:
                lo, hi = f"{g}00{f}00", f"{g}00{f}01"
                if pattern is not None:
                    rows += [
                        _Row(k, lo, hi, pattern=pattern, exact=True),
                        _Row(k, lo, hi, pattern=pattern),
                    ]
                else:
                    rows.append(_Row(k, lo, hi, exact=plain_exact))
        replaced = [(t, w) for t, w in zip(plan.words, alt.words, strict=True) if t != w]
        if as_typed or all(
            not namewords.is_known(t) and w in plan.corrections[t][:MAX_WORD_CANDIDATES]
            for t, w in replaced
        ):
            middle = f"% {first} {given}"
            if pattern is not None:
                rows += [
                    _Row(k, middle=middle, pattern=pattern, exact=True),
                    _Row(k, middle=middle, pattern=pattern),
                ]
            else:
                rows.append(_Row(k, middle=middle, exact=plain_exact))
    return rows


@dataclass
class _Statements:
    page: str
    page_params: list[Any]
    count: str
    count_params: list[Any]
    plan: NamePlan


def _name_search_sql(*, user: Any, search: PersonSearch, limit: int) -> _Statements | None:
    """The statement giving one page (``search.offset``, up to ``limit`` + 1 rows: id,
    approximate) of the persons the user may see whose name matches, and the one counting
    them (up to COUNT_CAP + 1: alternative, spelt as typed, how many); None when nothing
    can match.

    Each name searched is one row of a list the statement unnests (the query as typed, split
    by sort-key ranges into names spelt as typed and the others), joined LATERALly to one
    index scan ordered by the Vietnamese sort key that stops after the page: the statement
    is planned once, however many names are searched."""
    plan = name_plan(search.query)
    filtered = _search_filters(user, search)
    if plan is None or filtered is None:
        return None
    filters, params = filtered
    rows = _alternative_rows(plan)
    matched = "(alt.pattern IS NULL OR (p.name_sort ~ alt.pattern) = alt.exact)"
    if len(plan.words) >= 3:
        by_range = f"p.name_norm = alt.name AND {matched}"
    else:
        by_range = f"p.given_norm = alt.given AND {matched}"
    # The page scans in sort-key order; the count needs no order: when its scans read every
    # name they search, without a range a given name alone is counted within the user's
    # scope (person_given_scoped), not read through the province.
    ranged = any(r.middle is None and (r.lo, r.hi) != ("", KEY_END) for r in rows)
    by_range_count = by_range + (
        " AND p.name_sort >= alt.lo AND p.name_sort < alt.hi" if ranged else ""
    )
    by_range += " AND p.name_sort >= alt.lo AND p.name_sort < alt.hi"
    # A middle name is no range of the sort key: those scans read the given name's persons
    # in the user's scope (person_given_scoped), each in a statement part of its own so that
    # the ranges keep their index.
    by_middle = f"p.given_norm = alt.given AND p.name_norm LIKE alt.middle AND {matched}"
    own = _own_org_pattern(user)
    reach = int(search.offset) + int(limit) + 1
    pages: list[str] = []
    counts: list[str] = []
    page_params: list[Any] = []
    count_params: list[Any] = []
    for part, cond, count_cond in (
        ([r for r in rows if r.middle is None], by_range, by_range_count),
        ([r for r in rows if r.middle is not None], by_middle, by_middle),
    ):
        if not part:
            continue
        alt_sql, alt_params = _alternatives_sql(plan, part)
        where = " AND ".join([cond, *filters])
        count_where = " AND ".join([count_cond, *filters])
        order = "p.name_sort, p.id"
        if own is None:
            inner = (
                f"SELECT p.id, p.name_sort, TRUE AS own FROM people_person p WHERE {where} "
                f"ORDER BY {order} LIMIT {reach}"
            )
            inner_params = list(params)
        else:
            # The user's own organisation first: each part its own ordered scan.
            inner = (
                f"(SELECT p.id, p.name_sort, TRUE AS own FROM people_person p WHERE {where} "
                f"AND p.org_path LIKE %s ORDER BY {order} LIMIT {reach}) UNION ALL "
                f"(SELECT p.id, p.name_sort, FALSE AS own FROM people_person p WHERE {where} "
                f"AND p.org_path NOT LIKE %s ORDER BY {order} LIMIT {reach})"
            )
            inner_params = [*params, own, *params, own]
        pages.append(
            f"SELECT h.id, h.name_sort, h.own, alt.k, alt.exact "
            f"FROM {alt_sql} CROSS JOIN LATERAL ({inner}) h"
        )
        page_params += [*alt_params, *inner_params]
        counts.append(
            f"(SELECT alt.k, alt.exact FROM {alt_sql} CROSS JOIN LATERAL "
            f"(SELECT 1 FROM people_person p WHERE {count_where} LIMIT {COUNT_CAP + 1}) h "
            f"LIMIT {COUNT_CAP + 1})"
        )
        count_params += [*alt_params, *params]
    page = (
        f"SELECT id, k > 0, k, exact FROM ({' UNION ALL '.join(pages)}) hits "
        "ORDER BY exact DESC, own DESC, k, name_sort, id "
        f"LIMIT {int(limit) + 1} OFFSET {int(search.offset)}"
    )
    count = (
        f"SELECT k, exact, count(*) FROM (SELECT * FROM ({' UNION ALL '.join(counts)}) c "
        f"LIMIT {COUNT_CAP + 1}) found GROUP BY k, exact"
    )
    return _Statements(page, page_params, count, count_params, plan)


def _alternatives_sql(plan: NamePlan, rows: list[_Row]) -> tuple[str, list[Any]]:
    """The scans ``rows`` as a set-returning function of one row each, and its parameters."""
    sql = (
        "unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], "
        "%s::text[], %s::bool[]) AS alt(k, name, given, middle, lo, hi, pattern, exact)"
    )
    return sql, [
        [r.k for r in rows],
        [" ".join(plan.alternatives[r.k].words) for r in rows],
        [plan.alternatives[r.k].words[-1] for r in rows],
        [r.middle for r in rows],
        [r.lo for r in rows],
        [r.hi for r in rows],
        [r.pattern for r in rows],
        [r.exact for r in rows],
    ]


def person_search(*, user: Any, search: PersonSearch) -> SearchResult:
    """One page of the persons the user may see whose name matches: those spelt exactly as
    typed first, then those of the user's own organisation, then by how likely the name
    searched is the one meant (the query as typed, then each neighbour), then in Vietnamese
    name order."""
    limit = min(max(search.limit, 1), MAX_PAGE)
    offset = max(search.offset, 0)
    search = replace(search, offset=offset)
    statements = _name_search_sql(user=user, search=search, limit=limit)
    if statements is None:
        return SearchResult([], offset=offset)
    with connection.cursor() as cursor:
        cursor.execute(statements.page, statements.page_params)
        rows = cursor.fetchall()
        truncated = len(rows) > limit
        if offset or truncated:
            cursor.execute(statements.count, statements.count_params)
            counted = cursor.fetchall()
        else:  # the first page holds every match: it is the count
            tally: dict[tuple[int, bool], int] = {}
            for _, _, k, exact in dict((row[0], row) for row in reversed(rows)).values():
                tally[(k, exact)] = tally.get((k, exact), 0) + 1
            counted = [(k, exact, n) for (k, exact), n in tally.items()]
    approximate: dict[int, bool] = {}
    for pk, approx, _, _ in rows[:limit]:
        approximate.setdefault(pk, approx)  # a name matching two alternatives: listed once
    by_id = (
        Person.objects.visible_to(user)
        .select_related("dossier", "relation")
        .in_bulk(list(approximate))
    )
    persons = [by_id[i] for i in approximate if i in by_id]
    for person in persons:
        person.approximate = approximate[person.pk]  # type: ignore[attr-defined]
    count = sum(n for _, _, n in counted)
    plan = statements.plan
    # The corrections told are those that found someone (among those counted).
    found = {plan.alternatives[k].words for k, _, n in counted if k > 0 and n}
    corrections: dict[str, list[str]] = {}
    for words in found:
        for typed, used in zip(plan.words, words, strict=True):
            if typed != used and used not in corrections.get(typed, []):
                corrections.setdefault(typed, []).append(used)
    for typed, used in corrections.items():
        order = plan.corrections[typed]
        used.sort(key=order.index)
    return SearchResult(
        persons,
        corrections,
        truncated,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        exact_count=min(sum(n for _, exact, n in counted if exact), COUNT_CAP),
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
