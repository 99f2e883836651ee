"""Tests for bvct.core.text: search keys, name splitting and Vietnamese name collation."""

from __future__ import annotations

import itertools
import re
import unicodedata
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bvct.core.text import (
    ALPHABET,
    COLLATION_LETTERS,
    TONE_MARKS,
    TONE_ORDER,
    collation_key,
    collation_key_str,
    normalize,
    split_name,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------------------------------------
# constants
# ---------------------------------------------------------------------------------------------


def test_alphabet_constants() -> None:
    assert ALPHABET == "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    assert len(ALPHABET) == 29
    # The collation alphabet is the Vietnamese one plus f, j, w, z at their Latin positions.
    assert [c for c in COLLATION_LETTERS if c not in "fjwz"] == list(ALPHABET)
    assert COLLATION_LETTERS.index("f") == COLLATION_LETTERS.index("ê") + 1
    assert COLLATION_LETTERS.index("j") == COLLATION_LETTERS.index("i") + 1
    assert COLLATION_LETTERS.index("w") == COLLATION_LETTERS.index("v") + 1
    assert COLLATION_LETTERS[-1] == "z"


def test_tone_constants() -> None:
    assert TONE_ORDER == ("ngang", "huyền", "hỏi", "ngã", "sắc", "nặng")
    assert [nfc("a" + mark) for mark in TONE_MARKS] == ["a", "à", "ả", "ã", "á", "ạ"]


# ---------------------------------------------------------------------------------------------
# normalize
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Nguyễn   Văn  HÙNG ", "nguyen van hung"),
        ("Đặng Thị Ánh", "dang thi anh"),
        ("ĐỖ THỊ ĐOAN TRANG", "do thi doan trang"),
        ("Trương Thị Thuỷ", "truong thi thuy"),
        ("Ưng Hoàng Phúc", "ung hoang phuc"),
        ("Lê-Thị (Hoa).", "le thi hoa"),
        ("Tổ 5, phường Bến Nghé", "to 5 phuong ben nghe"),
        ("Ông\tBà\nNội", "ong ba noi"),
        ("\u00a0Huế\u2003", "hue"),
        ("Tuyệt mật", "tuyet mat"),
        ("Ðoàn", "doan"),  # U+00D0 eth, a frequent stand-in for Đ in converted files
        ("", ""),
        (" .,;- ", ""),
    ],
)
def test_normalize_examples(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_nfd_and_mixed_input() -> None:
    # "Nguyễn" fully decomposed, and "ệ" written as ê + dot below (partly composed).
    assert normalize(nfd("Nguyễn Văn Hùng")) == "nguyen van hung"
    assert normalize("Vi\u00ea\u0323t") == "viet"
    assert normalize("Vie\u0323\u0302t") == "viet"


def test_normalize_every_vietnamese_letter() -> None:
    groups = {
        "a": "aàáảãạăằắẳẵặâầấẩẫậ",
        "e": "eèéẻẽẹêềếểễệ",
        "i": "iìíỉĩị",
        "o": "oòóỏõọôồốổỗộơờớởỡợ",
        "u": "uùúủũụưừứửữự",
        "y": "yỳýỷỹỵ",
        "d": "dđ",
    }
    for base, letters in groups.items():
        for letter in letters:
            assert normalize(letter) == base, letter
            assert normalize(letter.upper()) == base, letter.upper()
            assert normalize(nfd(letter.upper())) == base, letter.upper()


# Realistic characters: every Vietnamese letter in both cases, ASCII, some other Latin letters,
# punctuation and assorted whitespace.
_VIET_LOWER = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵfjwz"
)
_LATIN_ALPHABET = (
    _VIET_LOWER
    + _VIET_LOWER.upper()
    + "0123456789"
    + "çñüöäëïÿåéèßæøœłÇÑÜÖÄÅØÆŒŁÐð"
    + "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    + " \t\n\r\u00a0\u2003\u3000"
    + "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"  # stray combining marks
)
latin_text = st.one_of(
    st.text(alphabet=_LATIN_ALPHABET, max_size=40),
    # Few distinct characters, so punctuation and whitespace land next to words often.
    st.text(alphabet="aĂđÊ\u0301.-'\t\u00a0 ", max_size=20),
)


@given(st.text())
def test_normalize_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(latin_text)
def test_normalize_idempotent_latin(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(latin_text)
def test_normalize_output_is_ascii_key(text: str) -> None:
    assert re.fullmatch(r"(?:[a-z0-9]+(?: [a-z0-9]+)*)?", normalize(text))


@given(st.text())
def test_normalize_output_letters_digits_single_spaces(text: str) -> None:
    key = normalize(text)
    assert key == key.strip()
    assert "  " not in key
    assert all(ch == " " or ch.isalnum() for ch in key)
    assert not any(unicodedata.combining(ch) for ch in key)


@given(st.text())
def test_normalize_nfd_equals_nfc(text: str) -> None:
    assert normalize(nfd(text)) == normalize(nfc(text))


@given(latin_text)
def test_normalize_case_insensitive(text: str) -> None:
    assert normalize(text.upper()) == normalize(text.lower())


# ---------------------------------------------------------------------------------------------
# split_name
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Nguyễn Văn Hùng", ("Nguyễn", "Văn", "Hùng")),
        ("Lê Hoa", ("Lê", "", "Hoa")),
        ("Hùng", ("", "", "Hùng")),
        ("  Tôn   Nữ Thị  Hà ", ("Tôn", "Nữ Thị", "Hà")),
        ("", ("", "", "")),
        ("   ", ("", "", "")),
        (nfd("Đặng Thị Ánh"), ("Đặng", "Thị", "Ánh")),
    ],
)
def test_split_name_examples(full_name: str, expected: tuple[str, str, str]) -> None:
    result = split_name(full_name)
    assert result == expected
    assert all(part == nfc(part) for part in result)


@given(latin_text)
def test_split_name_round_trip(full_name: str) -> None:
    family, middle, given_name = split_name(full_name)
    assert " ".join(p for p in (family, middle, given_name) if p) == " ".join(
        nfc(full_name).split()
    )
    # The given name is always filled for a non-blank name, and parts hold no outer spaces.
    assert bool(given_name) == bool(nfc(full_name).split())
    assert " " not in family and " " not in given_name


# ---------------------------------------------------------------------------------------------
# collation: known orderings
# ---------------------------------------------------------------------------------------------

KNOWN_ORDERINGS: list[list[str]] = [
    # Single words: a < ă < â, d < đ, u < ư; the primary difference beats tones (Ánh < Ân).
    ["An", "Ánh", "Ân", "Bình", "Duy", "Dương", "Đặng", "Đỗ"],
    # Given name first.
    ["Trần Văn An", "Nguyễn Thị Ánh"],
    # Same given name: family name decides.
    ["Lê Văn Hùng", "Nguyễn Văn Hùng"],
    # Same given and family: middle name decides (Thị < Văn).
    ["Nguyễn Thị Hoa", "Nguyễn Văn Hoa"],
    # u < ư.
    ["Nguyễn Văn Hùng", "Nguyễn Văn Hưng"],
    # Tones only as a tie-breaker.
    ["Hà", "Hạ"],
    ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"],
    # u-words before every ư-word; within ư, n < ơ (Ưng < Ước).
    ["Út", "Uyên", "Ưng", "Ước"],
    # d < đ in the given name, and the given name beats the family name.
    ["Đào Duy Anh", "Dương Văn Bảo", "Nguyễn Văn Dũng", "Lê Minh Đức"],
    # Same given name: d < đ and ă < ô in the family name.
    ["Dương Văn Minh", "Đặng Văn Minh", "Đỗ Văn Minh"],
    # Same given name: family name decides before the middle name.
    ["Nguyễn Văn An", "Phạm Thị An"],
    # One-word name first (empty family); fewer middle words first; tones of the given name
    # matter only after family and middle names are equal.
    ["Hà", "Lê Hà", "Tôn Nữ Hà", "Tôn Nữ Hạ", "Tôn Nữ Thị Hà", "Tôn Thất Hà"],
    # One-word names among full names.
    ["Hùng", "Lê Hùng", "Hưng"],
    # Tone differences anywhere in the name are secondary to letters anywhere in the name.
    ["Lê Hoa", "Lê Hoà", "Lý Hoa"],
    ["Lê Thị Mai", "Lê Thị Mài", "Lê Thị Mải", "Lê Thị Mãi", "Lê Thị Mái", "Lê Thị Mại"],
    ["Lê Văn Tâm", "Lê Văn Tấm", "Lê Vân Tâm"],
    # Foreign letters at their Latin positions.
    ["Eva", "Êm", "Fiona", "Giang"],
    ["Ivan", "John", "Khoa"],
    ["Vy", "William", "Xuân", "Yến", "Zoe"],
    # Middle names compared word by word; a shorter word list first.
    ["Nguyễn Thị Lan", "Nguyễn Thị Kim Lan", "Nguyễn Thị Thu Lan", "Nguyễn Văn Lan"],
    # A middle word that is a prefix of another sorts first even when more words follow it.
    ["Nguyễn Thu Hà", "Nguyễn Thu Vân Hà", "Nguyễn Thúy Hà"],
    # Case and extra whitespace are ignored.
    ["nguyễn văn an", "  TRẦN   VĂN   BÌNH ", "Lê văn CƯỜNG"],
    # Digits before letters; a prefix first.
    ["1", "9", "A", "An", "Anh"],
    # ơ after ô after o.
    ["Long", "Lông", "Lơn"],
    # Same letters everywhere: tone of the given name first, then family, then middle.
    ["Lê Thì Ha", "Lê Thị Ha", "Lệ Thị Ha", "Lê Thị Hà"],
]


def _shuffled(names: list[str]) -> list[str]:
    # Deterministic permutation that is never the identity for 2+ items: reversed, rotated.
    rev = names[::-1]
    return rev[1:] + rev[:1] if len(rev) > 2 else rev


@pytest.mark.parametrize("expected", KNOWN_ORDERINGS, ids=lambda names: names[0])
def test_known_orderings(expected: list[str]) -> None:
    assert sorted(_shuffled(expected), key=collation_key) == expected
    assert sorted(_shuffled(expected), key=collation_key_str) == expected
    # Strictly increasing: no two names of a table row share a key.
    keys = [collation_key_str(name) for name in expected]
    assert all(a < b for a, b in itertools.pairwise(keys))


@pytest.mark.parametrize("expected", KNOWN_ORDERINGS, ids=lambda names: names[0])
def test_known_orderings_nfd_input(expected: list[str]) -> None:
    decomposed = [nfd(name) for name in expected]
    assert sorted(_shuffled(decomposed), key=collation_key) == decomposed
    assert sorted(_shuffled(decomposed), key=collation_key_str) == decomposed


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nguyễn Văn An", "NGUYỄN  VĂN AN"),
        ("Nguyễn Văn An", nfd("Nguyễn Văn An")),
        ("Hòa", "Hoà"),  # old and new tone placement are the same name
        ("Thủy", "Thuỷ"),
        ("Nguyễn Thị - Hoa", "Nguyễn Thị Hoa"),  # punctuation-only words are dropped
        ("Ðoàn Văn Hà", "Đoàn Văn Hà"),  # eth look-alike collates as Đ
        ("Lê Thị Ng\u1ecdc", "Lê Thị Ngo\u0323c"),
    ],
)
def test_equal_keys(a: str, b: str) -> None:
    assert collation_key(a) == collation_key(b)
    assert collation_key_str(a) == collation_key_str(b)


def test_collation_key_shape() -> None:
    key = collation_key("Nguyễn Văn An")
    assert isinstance(key, tuple)
    assert all(isinstance(level, tuple) for level in key)
    assert all(isinstance(v, int) for level in key for v in level)
    text = collation_key_str("Nguyễn Văn An")
    assert text.isascii() and text.isprintable() and " " not in text


def test_collation_key_str_foreign_script_sorts_after_latin() -> None:
    names = ["Zoe", "Иван", "王", "張"]
    assert sorted(names, key=collation_key) == ["Zoe", "Иван", "張", "王"]
    assert sorted(names, key=collation_key_str) == ["Zoe", "Иван", "張", "王"]


# ---------------------------------------------------------------------------------------------
# collation: properties
# ---------------------------------------------------------------------------------------------

_ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng"]
_ONSETS += ["ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"]
_VOWEL_GROUPS = [
    "aàáảãạ",
    "ăằắẳẵặ",
    "âầấẩẫậ",
    "eèéẻẽẹ",
    "êềếểễệ",
    "iìíỉĩị",
    "oòóỏõọ",
    "ôồốổỗộ",
    "ơờớởỡợ",
    "uùúủũụ",
    "ưừứửữự",
    "yỳýỷỹỵ",
]
_CODAS = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "o", "u", "y"]


def _syllable(onset: str, vowels: list[str], coda: str, case: int) -> str:
    word = onset + "".join(vowels) + coda
    return word.upper() if case == 2 else word.capitalize() if case == 1 else word


syllables = st.builds(
    _syllable,
    st.sampled_from(_ONSETS),
    st.lists(st.sampled_from(_VOWEL_GROUPS).flatmap(st.sampled_from), min_size=1, max_size=2),
    st.sampled_from(_CODAS),
    st.integers(0, 2),
)
names = st.builds(
    lambda words, seps: "".join(w + s for w, s in zip(words, seps, strict=False)),
    st.lists(syllables, min_size=0, max_size=5),
    st.lists(st.sampled_from([" ", "  ", "\t", " "]), min_size=5, max_size=5),
).map(lambda name: nfd(name) if len(name) % 3 == 0 else name)


def _cmp(a: Any, b: Any) -> int:
    return int(a > b) - int(a < b)


@given(names, names)
def test_key_str_agrees_with_key(a: str, b: str) -> None:
    assert _cmp(collation_key(a), collation_key(b)) == _cmp(
        collation_key_str(a), collation_key_str(b)
    )


@given(st.text(max_size=30), st.text(max_size=30))
def test_key_str_agrees_with_key_any_text(a: str, b: str) -> None:
    assert _cmp(collation_key(a), collation_key(b)) == _cmp(
        collation_key_str(a), collation_key_str(b)
    )


@given(st.lists(names, max_size=12))
def test_sorting_by_key_and_key_str_match(batch: list[str]) -> None:
    # Equal keys coincide too, so the stable sorts must give the very same list.
    assert sorted(batch, key=collation_key) == sorted(batch, key=collation_key_str)


@given(names)
def test_key_nfd_equals_nfc(name: str) -> None:
    assert collation_key(nfd(name)) == collation_key(nfc(name))
    assert collation_key_str(nfd(name)) == collation_key_str(nfc(name))


@given(names)
def test_key_case_insensitive(name: str) -> None:
    assert collation_key(name.upper()) == collation_key(name.lower())


@given(names, names)
def test_order_antisymmetric(a: str, b: str) -> None:
    ka, kb = collation_key(a), collation_key(b)
    assume(ka != kb)
    assert (ka < kb) != (kb < ka)
    sa, sb = collation_key_str(a), collation_key_str(b)
    assert sa != sb
    assert (sa < sb) == (ka < kb)


@given(names, names, names)
def test_order_transitive(a: str, b: str, c: str) -> None:
    x, y, z = sorted((a, b, c), key=collation_key_str)
    assert collation_key(x) <= collation_key(y) <= collation_key(z)
    assert collation_key(x) <= collation_key(z)


@given(names, names)
def test_given_name_dominates(a: str, b: str) -> None:
    # Whole-name order never contradicts the order of the given names' primary letters.
    ga, gb = split_name(a)[2], split_name(b)[2]
    pa, pb = collation_key(ga)[0], collation_key(gb)[0]
    if pa < pb:
        assert collation_key(a) < collation_key(b)
    elif pb < pa:
        assert collation_key(b) < collation_key(a)


@given(names)
def test_tones_are_secondary(name: str) -> None:
    # Removing every tone mark changes at most the secondary level.
    stripped = nfc("".join(ch for ch in nfd(name) if ch not in TONE_MARKS[1:]))
    assert collation_key(stripped)[0] == collation_key(name)[0]
    assert set(collation_key(stripped)[1]) <= {0}


@given(st.one_of(names, st.text(max_size=30)))
def test_key_str_is_the_token_by_token_encoding_of_the_key(name: str) -> None:
    # collation_key_str is assembled from cached per-word codes; it must equal encoding the
    # whole key token by token, so stored sort keys stay comparable across versions.
    from bvct.core.text import _encode

    primary, tones = collation_key(name)
    assert collation_key_str(name) == "".join(map(_encode, primary)) + "".join(map(str, tones))
