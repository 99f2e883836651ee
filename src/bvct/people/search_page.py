"""The name search as its page and the API show it: one page of results with their count,
the words that were corrected, and for each relative whose dossier they belong to.

The engine (``people.search.person_search``) finds and ranks; this module only reads what a page
adds around it (the subjects of the relatives listed, through the gate) and shapes it.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from bvct.core.text import normalize
from bvct.people.models import Person
from bvct.people.search import SearchResult, person_search_from_form


def dossier_subjects_for(*, user: Any, persons: list[Person]) -> dict[int, Person]:
    """The subject (managed person) of each relative's dossier in ``persons``, by dossier id,
    those the user may see (one query; a relative's own dossier is visible whenever the
    relative is, so in practice all of them)."""
    dossier_ids = {p.dossier_id for p in persons if not p.is_subject}
    if not dossier_ids:
        return {}
    subjects = (
        Person.objects.visible_to(user)
        .filter(dossier_id__in=dossier_ids, is_subject=True)
        .select_related("dossier")
    )
    return {s.dossier_id: s for s in subjects}


@dataclass
class Correction:
    """A word of the query and the words also searched for it, as the results spell them."""

    typed: str
    found: list[str]


@dataclass
class SearchPage:
    """One page of a name search's results and what the page says about them."""

    result: SearchResult
    offset: int
    limit: int
    corrections: list[Correction] = field(default_factory=list)
    query: str = ""

    @property
    def persons(self) -> list[Person]:
        return self.result.persons

    @property
    def shown(self) -> list[Person]:
        """Every person whose name the page shows: the results and the members whose
        dossiers the relatives among them belong to (what the listing records)."""
        subjects = [
            p.dossier_subject  # type: ignore[attr-defined]
            for p in self.persons
            if getattr(p, "dossier_subject", None) is not None
        ]
        return [*self.persons, *subjects]

    @property
    def number(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        """How many pages the counted results fill (the count stops at its cap)."""
        return max(1, math.ceil(self.result.count / self.limit))

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        return self.result.truncated

    @property
    def previous_number(self) -> int:
        return max(1, self.number - 1)

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def first_row(self) -> int:
        return self.offset + 1

    @property
    def last_row(self) -> int:
        return self.offset + len(self.persons)

    @property
    def beyond_the_end(self) -> bool:
        """A page past the last one (a link kept while the data changed, an edited URL)."""
        return not self.persons and self.result.count > 0

    @property
    def long(self) -> bool:
        """More results than one page holds: the page suggests narrowing them."""
        return self.result.count > self.limit

    @property
    def marked(self) -> bool:
        """The query was typed with Vietnamese marks (tones, vowel marks, đ)."""
        text = unicodedata.normalize("NFD", self.query).lower()
        return "đ" in text or any(unicodedata.combining(c) for c in text)

    @property
    def spelt_first(self) -> bool:
        """Typed with marks: some, not all, results are spelt exactly so and come first (told
        only when the count is exact)."""
        r = self.result
        return self.marked and not r.count_capped and 0 < r.exact_count < r.count

    @property
    def none_spelt(self) -> bool:
        """Typed with marks, and no result is spelt with them (a wrong tone, say)."""
        r = self.result
        return self.marked and not r.count_capped and r.count > 0 and r.exact_count == 0


def spelt_corrections(query: str, result: SearchResult) -> list[Correction]:
    """The words of ``query`` that were also searched as other words, each with those words
    as the results on this page spell them ("hươn" → Hương, Hường)."""
    if not result.corrections:
        return []
    spellings: dict[str, list[str]] = {}
    for person in result.persons:
        for word in unicodedata.normalize("NFC", person.full_name).split():
            spelt = spellings.setdefault(normalize(word), [])
            if word not in spelt:
                spelt.append(word)
    typed = {normalize(w): w for w in unicodedata.normalize("NFC", query).split()}
    made = []
    for key, words in result.corrections.items():
        found = [s for w in words for s in spellings.get(w, [w])]
        made.append(Correction(typed.get(key, key), found))
    return made


def search_page(*, user: Any, data: dict[str, Any], offset: int, limit: int) -> SearchPage:
    """One page (``offset``, ``limit``) of the search a PersonSearchForm's cleaned ``data``
    asks for, each relative with ``dossier_subject`` (the member whose dossier it is) and each
    member with None there."""
    result = person_search_from_form(user=user, data={**data, "offset": offset, "limit": limit})
    subjects = dossier_subjects_for(user=user, persons=result.persons)
    for person in result.persons:
        person.dossier_subject = None if person.is_subject else subjects.get(person.dossier_id)  # type: ignore[attr-defined]
    return SearchPage(
        result=result,
        offset=offset,
        limit=limit,
        corrections=spelt_corrections(data.get("q") or "", result),
        query=data.get("q") or "",
    )


def unused_filters(data: dict[str, Any]) -> list[str]:
    """The labels of the narrowing fields the search left empty, as the form shows them."""
    labels = [
        ("birth_year", _("Năm sinh")),
        ("hometown", _("Quê quán")),
        ("org", _("Tổ chức")),
    ]
    return [label for key, label in labels if data.get(key) in (None, "")]


def used_filters(data: dict[str, Any]) -> list[str]:
    """The labels of the narrowing fields the search filled in."""
    labels = [
        ("birth_year", _("Năm sinh")),
        ("hometown", _("Quê quán")),
        ("org", _("Tổ chức")),
    ]
    return [label for key, label in labels if data.get(key) not in (None, "")]
