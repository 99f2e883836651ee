"""Neighbours of a query word (namewords.neighbours) and the names a query searches
(selectors.name_plan): one typo in any word of a name finds the name."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bvct.core.text import collation_key_str, normalize
from bvct.people import namedata, namewords
from bvct.people.search import _spelling_pattern, name_plan

KNOWN = sorted(namewords._index()[0])
NAMED = sorted(
    {normalize(n) for n in namedata.GIVEN_MALE + namedata.GIVEN_FEMALE}
    | {normalize(n) for n, _ in namedata.FAMILY}
)


@st.composite
def one_edit(draw: st.DrawFn, words: list[str]) -> tuple[str, str]:
    """A known word and a typo of it: one letter substituted, dropped, added, or two
    neighbouring letters swapped."""
    word = draw(st.sampled_from(words))
    kind = draw(st.sampled_from(["sub", "drop", "add", "swap"]))
    letter = draw(st.sampled_from(namewords.LETTERS))
    i = draw(st.integers(0, len(word) - 1))
    if kind == "sub":
        typo = word[:i] + letter + word[i + 1 :]
    elif kind == "drop":
        typo = word[:i] + word[i + 1 :]
    elif kind == "add":
        typo = word[:i] + letter + word[i:]
    else:
        assume(i + 1 < len(word))
        typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    assume(typo and typo != word)
    return word, typo


@settings(max_examples=500, deadline=None)
@given(pair=one_edit(KNOWN))
def test_any_one_edit_typo_of_a_known_word_has_it_among_its_neighbours(
    pair: tuple[str, str],
) -> None:
    word, typo = pair
    assert word in namewords.neighbours(typo)
    assert namewords.typo_likelihood(typo, word) > 0


@settings(max_examples=300, deadline=None)
@given(word=st.sampled_from(KNOWN))
def test_neighbours_are_known_symmetric_and_likeliest_first(word: str) -> None:
    found = namewords.neighbours(word)
    assert word not in found and len(found) == len(set(found))
    assert all(namewords.is_known(w) for w in found)
    # One edit is one edit both ways between two known words.
    assert all(word in namewords.neighbours(w) for w in found)
    scores = [namewords.typo_likelihood(word, w) for w in found]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="abcdeghiklmnopqrstuvxyzw", min_size=1, max_size=8))
def test_no_neighbour_outside_the_inventory_nor_farther_than_one_edit(text: str) -> None:
    for w in namewords.neighbours(text):
        assert namewords.is_known(w) and w != text
        assert namewords._edit_kind(text, w) is not None


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("huon", "huong"), ("suy", "duy"), ("thcy", "thuy"), ("mg", "my"), ("hy", "huy"),
     ("ngyen", "nguyen"), ("tarn", "tran"), ("thij", "thi"), ("vna", "van")],
)  # fmt: skip
def test_the_issues_typos(typo: str, meant: str) -> None:
    # "Hươn", "Suy", "Hy" are syllables themselves: they get neighbours all the same.
    assert meant in namewords.neighbours(typo)


def test_a_likelier_name_comes_first() -> None:
    # Duy is a name (and d is next to s on the keyboard); Suy, Cuy are not names.
    found = namewords.neighbours("suy")
    assert found.index("duy") < found.index("cuy")
    assert namewords.neighbours("huon")[0] == "huong"
    assert namewords.neighbours("thcy")[0] == "thuy"


NAME = st.tuples(
    st.sampled_from([n for n, _ in namedata.FAMILY]),
    st.sampled_from([n for n, _ in namedata.MIDDLE_FEMALE + namedata.MIDDLE_MALE]),
    st.sampled_from(namedata.GIVEN_MALE + namedata.GIVEN_FEMALE),
)


@settings(max_examples=300, deadline=None)
@given(name=NAME, data=st.data())
def test_one_typo_in_any_word_of_a_name_searches_the_name(
    name: tuple[str, str, str], data: st.DataObject
) -> None:
    words = normalize(" ".join(name)).split()
    position = data.draw(st.integers(0, len(words) - 1))
    _, typo = data.draw(one_edit([words[position]]))
    typed = [*words[:position], typo, *words[position + 1 :]]
    plan = name_plan(" ".join(typed))
    assert plan is not None
    searched = [a.words for a in plan.alternatives]
    assert tuple(words) in searched
    assert searched[0] == tuple(typed) and not plan.alternatives[0].approximate
    # Every other name searched differs from the query in one word, by one edit.
    for alt in plan.alternatives[1:]:
        changed = [(a, b) for a, b in zip(typed, alt.words, strict=True) if a != b]
        assert len(changed) == 1 and alt.approximate
        assert namewords._edit_kind(*changed[0]) is not None


def test_marks_change_nothing_searched() -> None:
    plans = [name_plan(q) for q in ("Trần Thị Hương", "tran thi huong", "Trân Thi Hưong")]
    assert all(p is not None for p in plans)
    assert len({tuple(a.words for a in p.alternatives) for p in plans if p}) == 1


@settings(max_examples=300, deadline=None)
@given(name=NAME, other=NAME, shape=st.sampled_from(["full", "given", "family given"]))
def test_the_spelling_pattern_tells_a_name_spelt_as_typed(
    name: tuple[str, str, str], other: tuple[str, str, str], shape: str
) -> None:
    family, middle, given_name = name
    typed = {
        "full": f"{family} {middle} {given_name}",
        "given": given_name,
        "family given": f"{family} {given_name}",
    }[shape]
    spelling = _spelling_pattern(typed)
    assume(spelling is not None)  # typed with no mark: every spelling counts
    assert spelling is not None
    lo, hi, pattern = spelling

    def spelt(full_name: str) -> bool:
        key = collation_key_str(full_name)
        return lo <= key < hi and (pattern is None or re.search(pattern, key) is not None)

    assert spelt(f"{family} {middle} {given_name}")
    assert spelt(f"{family.upper()} {middle} {given_name.lower()}")
    candidate = " ".join(other)
    # Another name is spelt as typed when it has the typed words where the search looks for
    # them, a word typed with marks spelt so, one typed without any written any way.
    o_family, o_middle, o_given = other

    def same(typed_word: str, word: str) -> bool:
        if normalize(typed_word) == typed_word.lower():
            return normalize(word) == normalize(typed_word)
        return collation_key_str(word) == collation_key_str(typed_word)

    expected = {
        "full": len(candidate.split()) == len(typed.split())
        and all(same(t, w) for t, w in zip(typed.split(), candidate.split(), strict=True)),
        "given": same(given_name, o_given),
        "family given": same(given_name, o_given)
        and (same(family, o_family) or same(family, o_middle.split()[-1])),
    }[shape]
    assert spelt(candidate) == expected
