"""The name search: the query's words are normalised (no diacritics); each is searched as typed
and with its neighbours, the known name syllables one edit away and the other tones
(``namewords``, from the public inventory of names, never from stored dossiers); every
candidate name is looked up by an index scan already ordered by the Vietnamese sort key, each
stopping after one page, through the gate's SQL. Millions of names are never scanned for
similarity. ``person_search`` answers a page, its count (up to ``COUNT_CAP``), the words
also searched and which rows are approximate."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from django.db import connection

from bvct.core.constants import Action
from bvct.core.text import collation_key_str, collation_word_code, normalize
from bvct.people import namewords
from bvct.people.models import (
    DOSSIER_GATE,
    Person,
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
