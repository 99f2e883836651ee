"""The public inventory of name words that typo correction uses (people/namewords.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from bvct.core.text import normalize
from bvct.people import namedata, namewords

WORD = st.text(alphabet="abcdeghiklmnopqrstuvxy", min_size=1, max_size=9)


@pytest.mark.django_db
@settings(max_examples=200, deadline=None)
@given(a=WORD, b=WORD)
def test_similarity_is_postgresql_trigram_similarity(a: str, b: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity(%s, %s)", [a, b])
        expected = cursor.fetchone()[0]
    assert namewords.similarity(a, b) == pytest.approx(expected, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(word=WORD)
def test_close_words_are_the_closest_known_words(word: str) -> None:
    found = namewords.close_words(word, 3)
    assert word not in found and all(namewords.is_known(w) for w in found)
    scores = [namewords.similarity(word, w) for w in found]
    assert scores == sorted(scores, reverse=True)
    assert all(s >= namewords.SIMILARITY for s in scores)
    if len(found) == 3:  # nothing left out is closer than the last one kept
        others = [w for w in namewords._index()[0] if w != word and w not in found]
        assert max(namewords.similarity(word, w) for w in others) <= scores[-1]


def test_every_name_of_the_name_tables_is_known() -> None:
    names = [n for table in (namedata.FAMILY, namedata.MIDDLE_MALE, namedata.MIDDLE_FEMALE)
             for n, _ in table] + namedata.GIVEN_MALE + namedata.GIVEN_FEMALE  # fmt: skip
    assert all(namewords.is_known(w) for n in names for w in normalize(n).split())


@pytest.mark.parametrize(
    "word",
    ["nguyen", "khuyen", "quyen", "uyen", "nghia", "giang", "oanh", "huynh", "yen", "khuong",
     "nguyet", "thuong", "ky", "ke", "ghi", "ngoan", "xoan", "truong", "luu", "ksor"],
)  # fmt: skip
def test_syllables_are_known(word: str) -> None:
    assert namewords.is_known(word)


@pytest.mark.parametrize("word", ["hungg", "ngyen", "ka", "ce", "ghan", "quu", "kyen", "nguyenn"])
def test_misspellings_are_not_known(word: str) -> None:
    assert not namewords.is_known(word)


def test_a_misspelt_name_is_corrected_to_the_names_first() -> None:
    assert namewords.close_words("hungg", 3)[0] == "hung"
    assert namewords.close_words("nguyenn", 3)[0] == "nguyen"
    assert namewords.close_words("phuongg", 3)[0] == "phuong"
