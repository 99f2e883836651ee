"""The name search's SQL against a plain reference: over random names and random one-typo
queries, it finds exactly the persons the user may see whose name is one of the names the
plan searches, in the promised order (spelt as typed, then the likelier name, then name
order), the count and the approximate rows agreeing."""

from __future__ import annotations

import random

import pytest

from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.core.text import collation_key_str, normalize
from bvct.people import namedata, namewords, services
from bvct.people.models import Person
from bvct.people.search import MAX_WORD_CANDIDATES, NamePlan, PersonSearch, name_plan, person_search
from tests.factories import Tree, make_user
from tests.people.factories import declaration

pytestmark = pytest.mark.django_db

LETTERS = "abcdeghiklmnopqrstuvxy"


def _name(rng: random.Random) -> str:
    family = rng.choice(namedata.FAMILY[:12])[0]
    female = rng.random() < 0.5
    middle = rng.choice((namedata.MIDDLE_FEMALE if female else namedata.MIDDLE_MALE)[:5])[0]
    given = rng.choice((namedata.GIVEN_FEMALE if female else namedata.GIVEN_MALE)[:15])
    return f"{family} {middle} {given}"


def _typo(rng: random.Random, word: str) -> str:
    word = normalize(word)
    i = rng.randrange(len(word))
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + rng.choice(LETTERS) + word[i + 1 :]
    if kind == 1 and len(word) > 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + rng.choice(LETTERS) + word[i:]
    return word[:i] + word[i + 1 : i + 2] + word[i] + word[i + 2 :]


def test_the_search_finds_what_the_plan_names_in_order(tree: Tree) -> None:
    rng = random.Random(15)
    names = [_name(rng) for _ in range(60)]
    for i, name in enumerate(names):
        services.dossier_create(
            actor=SYSTEM, managing_org_code="t-a" if i % 4 else "t-b",
            content=declaration(name, str(1950 + i), relatives=[]), confirm_not_duplicate=True,
        )  # fmt: skip
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    visible = list(Person.objects.visible_to(officer).filter(is_subject=True))
    assert len(visible) == 45
    found = 0
    for _ in range(60):
        words = rng.choice(names).split()
        shape = rng.choice(["full", "given", "family given", "middle given"])
        if shape == "given":
            words = words[-1:]
        elif shape == "family given":
            words = [words[0], words[-1]]
        elif shape == "middle given":
            words = words[-2:]
        position = rng.randrange(len(words))
        if rng.random() < 0.8:
            words[position] = _typo(rng, words[position])
        if rng.random() < 0.5:
            words = [normalize(w) for w in words]
        query = " ".join(words)
        found += _check(officer, visible, query, shape)
    assert found > 60  # the queries found people, approximately too: the check means something


def _middle_searched(plan: NamePlan, middle: tuple[str, ...]) -> bool:
    replaced = [(t, w) for t, w in zip(plan.words, middle, strict=True) if t != w]
    return all(
        not namewords.is_known(t) and w in plan.corrections[t][:MAX_WORD_CANDIDATES]
        for t, w in replaced
    )


def _check(officer: object, visible: list[Person], query: str, shape: str) -> int:
    plan = name_plan(query)
    assert plan is not None
    rank = {a.words: k for k, a in enumerate(plan.alternatives)}

    def keys(p: Person) -> list[tuple[str, ...]]:
        """The names searched this person's name answers, likeliest first."""
        words = p.name_norm.split()
        if shape == "full":
            found = [tuple(words)]
        elif shape == "given":
            found = [(p.given_norm,)]
        else:
            # family + given for every name searched; middle + given for the query as typed
            # and the closest corrections of a word that is no known word
            found = [(words[0], words[-1])]
            middle = (words[-2], words[-1])
            if middle in rank and len(words) > 2 and _middle_searched(plan, middle):
                found.append(middle)
        found = [k for k in found if k in rank]
        return sorted(found, key=rank.__getitem__)

    def key(p: Person) -> tuple[str, ...]:
        return keys(p)[0]

    expected = [p for p in visible if keys(p)]
    result = person_search(
        user=officer, search=PersonSearch(query=query, subjects_only=True, limit=200)
    )
    assert {p.pk for p in result.persons} == {p.pk for p in expected}, query
    assert result.count == len(expected)
    assert [p.approximate for p in result.persons] == [rank[key(p)] > 0 for p in result.persons]

    def spelt(p: Person) -> bool:
        if rank[key(p)] > 0:
            return False
        if not plan.marked:
            return True
        typed = query.split()
        name = p.full_name.split()

        def same(t: str, w: str) -> bool:
            if normalize(t) == t.lower():  # typed without marks: written any way
                return normalize(w) == normalize(t)
            return collation_key_str(w) == collation_key_str(t)

        if shape == "full":
            return all(same(t, w) for t, w in zip(typed, name, strict=True))
        if shape == "given":
            return same(typed[0], name[-1])
        return same(typed[1], name[-1]) and (
            same(typed[0], name[0]) or (len(name) > 2 and same(typed[0], name[-2]))
        )

    order = sorted(expected, key=lambda p: (not spelt(p), rank[key(p)], p.name_sort, p.pk))
    assert [p.pk for p in result.persons] == [p.pk for p in order], query
    assert result.exact_count == sum(spelt(p) for p in expected)
    return len(expected)
