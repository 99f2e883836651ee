"""Vietnamese text helpers: search keys, name splitting and name collation.

Standard library only: this module is imported by enums, migrations and bulk importers, so it
must not pull in Django.

* :func:`normalize` builds an accent-free, lower-case search key ("Đặng Thị Ánh" -> "dang thi
  anh").
* :func:`split_name` splits a family-first Vietnamese full name into (family, middle, given).
* :func:`collation_key` / :func:`collation_key_str` sort personal names the way Vietnamese name
  lists do: given name, then family name, then middle name(s); Vietnamese alphabet order at the
  primary level and tones only as a tie-breaker.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Final

__all__ = [
    "ALPHABET",
    "COLLATION_LETTERS",
    "TONE_MARKS",
    "TONE_ORDER",
    "CollationKey",
    "collation_key",
    "collation_key_str",
    "collation_word_code",
    "normalize",
    "split_name",
]

#: The 29 letters of the Vietnamese alphabet, in dictionary order.
ALPHABET: Final = "aăâbcdđeêghiklmnoôơpqrstuưvxy"

#: Letter order used by the collation: the Vietnamese alphabet with the foreign letters f, j, w,
#: z inserted at their Latin positions (names of foreigners and ethnic minorities use them).
COLLATION_LETTERS: Final = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"

#: Tone names in collation order (secondary key): ngang < huyền < hỏi < ngã < sắc < nặng.
TONE_ORDER: Final = ("ngang", "huyền", "hỏi", "ngã", "sắc", "nặng")

#: Combining mark of each tone, aligned with TONE_ORDER ("" for ngang, which has no mark).
TONE_MARKS: Final = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")

# Letters outside Unicode's canonical decompositions, so NFD cannot strip them. U+00D0/U+00F0
# (Icelandic eth) is listed because converted legacy files often use it in place of Đ/đ.
_EXTRA_FOLDS: Final[dict[str, str]] = {
    "đ": "d",
    "ð": "d",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ł": "l",
    "þ": "th",
    "ı": "i",
}

# Every precomposed Vietnamese letter (lower and upper case), so the hot path of normalize()
# never falls back to unicodedata for Vietnamese text.
_VIETNAMESE_VOWELS: Final = (
    "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
)


# ---------------------------------------------------------------------------------------------
# normalize
# ---------------------------------------------------------------------------------------------


def _fold_once(text: str) -> str:
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.category(ch)[0] == "M":
            # Tone and vowel marks (and any other combining mark) carry no search value.
            continue
        if ch in _EXTRA_FOLDS:
            out.append(_EXTRA_FOLDS[ch])
        elif ch.isalnum():
            out.append(ch.lower())
        else:
            out.append(" ")
    return "".join(out)


def _fold(text: str) -> str:
    # Lower-casing a decomposed letter can, for a handful of code points, yield something that
    # decomposes again; iterating to a fixed point is what makes normalize() idempotent.
    for _ in range(4):
        folded = _fold_once(text)
        if folded == text:
            break
        text = folded
    return text


class _FoldTable(dict[int, str]):
    """str.translate table that computes (and caches) entries for code points it has not seen.

    str.translate looks entries up with ``__getitem__``, so ``__missing__`` gives a precomputed
    fast path for ASCII and Vietnamese with a correct fallback for everything else.
    """

    # Bounds memory if fed adversarial input with many distinct code points.
    _MAX_CACHED: Final = 1 << 16

    def __missing__(self, key: int) -> str:
        value = _fold(chr(key))
        if len(self) < self._MAX_CACHED:
            self[key] = value
        return value


def _build_fold_table() -> _FoldTable:
    table = _FoldTable()
    for code in range(128):
        ch = chr(code)
        # ASCII letters/digits are left out on purpose: a missing key would call __missing__,
        # so map them to themselves explicitly and everything else (punctuation) to a space.
        table[code] = ch.lower() if ch.isalnum() else " "
    for ch in _VIETNAMESE_VOWELS + "đ" + "".join(_EXTRA_FOLDS):
        for variant in (ch, ch.upper()):
            if len(variant) == 1:
                table[ord(variant)] = _fold(variant)
    return table


_FOLD_TABLE: Final = _build_fold_table()


def normalize(text: str) -> str:
    """Return the search key of ``text``: lower case, no diacritics, single spaces.

    NFC is applied first so NFD or mixed input (e.g. from TCVN3/VNI conversions) gives the same
    key. Tone marks and vowel marks are removed (ă/â -> a, ê -> e, ô/ơ -> o, ư -> u), đ -> d.
    Letters and digits are kept (letters of other scripts too, with their marks stripped);
    every other character becomes a space; whitespace is collapsed and stripped. Idempotent.

    >>> normalize("  Nguyễn   Văn  HÙNG ")
    'nguyen van hung'
    >>> normalize("Đặng Thị Ánh")
    'dang thi anh'
    """
    folded = unicodedata.normalize("NFC", text).lower().translate(_FOLD_TABLE)
    return " ".join(folded.split())


# ---------------------------------------------------------------------------------------------
# split_name
# ---------------------------------------------------------------------------------------------


def split_name(full_name: str) -> tuple[str, str, str]:
    """Split a family-first Vietnamese name into ``(family, middle, given)``.

    The first word is the family name, the last word the given name and everything in between
    the middle name(s), joined by single spaces. Compound family names ("Tôn Nữ", "Tôn Thất")
    are not detected: their second word lands in ``middle``. NFC is applied and extra
    whitespace ignored; the case is kept.

    >>> split_name("Nguyễn Văn Hùng")
    ('Nguyễn', 'Văn', 'Hùng')
    >>> split_name("Lê Hoa")
    ('Lê', '', 'Hoa')
    >>> split_name(" Hùng ")
    ('', '', 'Hùng')
    """
    words = unicodedata.normalize("NFC", full_name).split()
    if not words:
        return ("", "", "")
    if len(words) == 1:
        return ("", "", words[0])
    return (words[0], " ".join(words[1:-1]), words[-1])


# ---------------------------------------------------------------------------------------------
# collation
# ---------------------------------------------------------------------------------------------

#: (primary tokens, tones). Primary: one int per letter/digit plus separators; tones: one
#: int (index in TONE_ORDER) per word.
CollationKey = tuple[tuple[int, ...], tuple[int, ...]]

# Primary token values. Both separators sort below every letter and digit so that a prefix
# sorts first ("An" < "Anh") and fewer middle words sort first; the part terminator sorts below
# the word separator because a shorter middle-name list must come first.
_END: Final = 0  # terminates each part (given, family, middle)
_WORD_SEP: Final = 1  # between two middle-name words
_DIGIT_BASE: Final = 2  # digits 0-9 -> 2..11, before letters
_LETTER_BASE: Final = _DIGIT_BASE + 10
_LETTER_TOKEN: Final[dict[str, int]] = {
    letter: _LETTER_BASE + i for i, letter in enumerate(COLLATION_LETTERS)
}

# Letters of other scripts sort after z, by code point. The offset is the first value that does
# not fit in a 2-character code, which keeps the string encoding prefix-free (see _encode).
_B62: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_FOREIGN_BASE: Final = len(_B62) ** 2 - 1

_TONE_OF_MARK: Final[dict[str, int]] = {mark: i for i, mark in enumerate(TONE_MARKS) if mark}

# Vowel marks turn a base letter into a different letter of the alphabet (primary level).
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_MODIFIED_LETTER: Final[dict[tuple[str, str], str]] = {
    ("a", _BREVE): "ă",
    ("a", _CIRCUMFLEX): "â",
    ("e", _CIRCUMFLEX): "ê",
    ("o", _CIRCUMFLEX): "ô",
    ("o", _HORN): "ơ",
    ("u", _HORN): "ư",
}

# Unlike normalize(), đ (and the eth look-alike) stay a letter of their own here.
_COLLATION_EXPANSIONS: Final[dict[str, str]] = {**_EXTRA_FOLDS, "đ": "đ", "ð": "đ"}


@functools.lru_cache(maxsize=1 << 16)
def _word_key(word: str) -> tuple[tuple[int, ...], int]:
    """Primary tokens and tone of one word; cached because names reuse few distinct words."""
    tokens: list[int] = []
    tone = 0
    # The letter that combining marks still apply to; None after punctuation so a stray mark
    # cannot change an earlier letter.
    current: str | None = None
    # NFD puts the marks of a letter right after it in canonical order, whatever the input form.
    for ch in unicodedata.normalize("NFD", word.lower()):
        if unicodedata.category(ch)[0] == "M":
            if current is None:
                continue
            mark_tone = _TONE_OF_MARK.get(ch)
            if mark_tone is not None:
                # One tone per syllable: keeping the first makes "Hòa" and "Hoà" (old and new
                # tone placement) equal, as they are the same name.
                tone = tone or mark_tone
                continue
            modified = _MODIFIED_LETTER.get((current, ch))
            if modified is not None:
                current = modified
                tokens[-1] = _LETTER_TOKEN[modified]
            continue  # other marks (diaeresis, cedilla, ...) are ignored
        if ch in _LETTER_TOKEN:
            tokens.append(_LETTER_TOKEN[ch])
            current = ch
        elif ch in _COLLATION_EXPANSIONS:
            expansion = _COLLATION_EXPANSIONS[ch]
            tokens.extend(_LETTER_TOKEN[c] for c in expansion)
            current = expansion[-1]
        elif ch.isdecimal():
            tokens.append(_DIGIT_BASE + unicodedata.decimal(ch))
            current = ch
        elif ch.isalpha():
            tokens.append(_FOREIGN_BASE + ord(ch))
            current = ch
        else:
            # Punctuation inside a word ("H'Hen", "Y-Moan") is ignored at the primary level.
            current = None
    return tuple(tokens), tone


def collation_key(full_name: str) -> CollationKey:
    """Return a sort key ordering Vietnamese personal names as Vietnamese name lists do.

    Primary level, compared as one sequence: the given name, then the family name, then the
    middle name(s) word by word; letters in :data:`COLLATION_LETTERS` order (ă, â, đ, ê, ô, ơ,
    ư are letters of their own), digits before letters, letters of other scripts after z,
    punctuation ignored, case ignored. Secondary level, only when the whole primary level is
    equal: the tone of each word (same part order) in :data:`TONE_ORDER`. The word's tone is
    its first tone mark, so tone placement ("Hòa"/"Hoà", "Thủy"/"Thuỷ") does not matter.

    >>> names = ["Nguyễn Văn Hưng", "Trần Văn An", "Lê Văn Hùng", "Nguyễn Văn Hùng"]
    >>> sorted(names, key=collation_key)
    ['Trần Văn An', 'Lê Văn Hùng', 'Nguyễn Văn Hùng', 'Nguyễn Văn Hưng']
    """
    family, middle, given = split_name(full_name)
    primary: list[int] = []
    tones: list[int] = []
    for part in (given, family):
        tokens, tone = _word_key(part)
        primary.extend(tokens)
        primary.append(_END)
        tones.append(tone)
    # Words reduced to nothing (pure punctuation) are dropped so "Thị - Hoa" == "Thị Hoa".
    middle_words = [w for w in (_word_key(word) for word in middle.split()) if w[0]]
    for i, (tokens, tone) in enumerate(middle_words):
        if i:
            primary.append(_WORD_SEP)
        primary.extend(tokens)
        tones.append(tone)
    primary.append(_END)
    return tuple(primary), tuple(tones)


def _encode(token: int) -> str:
    # 2 base-62 characters per token, except letters of other scripts: "zz" + 4 characters of
    # their code point. No 2-character code equals "zz", so the code is prefix-free and the
    # character order of the concatenation equals the order of the token sequence.
    if token < _FOREIGN_BASE:
        return _B62[token // 62] + _B62[token % 62]
    code_point = token - _FOREIGN_BASE
    digits = []
    for _ in range(4):
        code_point, rest = divmod(code_point, 62)
        digits.append(_B62[rest])
    return "zz" + "".join(reversed(digits))


def collation_key_str(full_name: str) -> str:
    """Return :func:`collation_key` serialised as an ASCII string with the same ordering.

    Plain code point / byte comparison of two results (Python ``<``, PostgreSQL
    ``COLLATE "C"``) orders them exactly as their :func:`collation_key` tuples. Layout: the
    primary tokens as fixed-width base-62 codes ("00" ends each of the three parts, "01"
    separates middle-name words, both below every letter code) followed by one tone digit
    "0"-"5" per word. The primary part of one key is never a prefix of a different one (each
    ends with its third "00"), so the tone digits only decide when the primary parts are equal.
    Store it in a column declared with ``COLLATE "C"`` and ORDER BY that column.

    >>> collation_key_str("An") < collation_key_str("Anh") < collation_key_str("Ân")
    True
    """
    # Built from cached per-word codes (bulk imports compute it for every distinct name); equal
    # to encoding collation_key(full_name) token by token (tested).
    family, middle, given = split_name(full_name)
    given_code, given_tone = _word_code(given)
    family_code, family_tone = _word_code(family)
    middle_codes = [code for code in map(_word_code, middle.split()) if code[0]]
    return (
        f"{given_code}00{family_code}00{'01'.join(code for code, _ in middle_codes)}00"
        f"{given_tone}{family_tone}{''.join(str(tone) for _, tone in middle_codes)}"
    )


def collation_word_code(word: str) -> tuple[str, int]:
    """One word's part of :func:`collation_key_str`: its letters' codes and its tone (the
    index in :data:`TONE_ORDER`), so a search can tell from a stored key how a word of the
    name is spelt."""
    return _word_code(word)


@functools.lru_cache(maxsize=1 << 16)
def _word_code(word: str) -> tuple[str, int]:
    tokens, tone = _word_key(word)
    return "".join(map(_encode, tokens)), tone
