"""The words a Vietnamese name can be made of, for typo correction: public, never the data's.

Search corrects a typed word ("hungg") to close known words ("hung"). Which words are known
must not depend on the dossiers: a vocabulary counted from the persons stored says, through
whether a word gets corrected and to what, that some name exists in a dossier the user cannot
see. So the known words are fixed by this module: every syllable Vietnamese spelling allows
(an onset and a rhyme, written without marks as the search keys are: over-generated, since a
spelling that no name uses costs nothing but a candidate), the names of `namedata` with their
weights, and common family names of ethnic minorities that are no Vietnamese syllable.

A typed word's **neighbours** are the known words one edit away from it (a letter substituted,
dropped, added, or two neighbouring letters swapped), compared without marks as the search keys
are: a wrong or missing tone or vowel mark ("Huong", "Hưong" for "Hương") changes no search key,
so it needs no neighbour. Every word has them, a known word too ("Suy" is a syllable, and the
typo of "Duy"). They are ordered by :func:`typo_likelihood`: how often the word is a name
(namedata's weights), times how likely that edit is as a typo.

For a word with no neighbour, :func:`close_words` gives the closest known words by PostgreSQL's
trigram similarity (``pg_trgm``: each word padded with two spaces in front and one behind,
similarity = shared trigrams / all trigrams), computed here over an inverted index of a few
thousand words.
"""

from __future__ import annotations

from functools import lru_cache

from bvct.core.text import normalize
from bvct.people import namedata

# How close a candidate must be (pg_trgm's default similarity threshold).
SIMILARITY = 0.3

ONSETS = (
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
)  # fmt: skip

# Every rhyme of Vietnamese spelling (medial, nucleus, ending), with its marks: they are taken
# off below, so "ăn", "ân" and "an" are one key, as in the stored names.
RHYMES = """
a ai ao au ay âu ây ac ach am an ang anh ap at ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât
e eo ec em en eng ep et ê êu êch êm ên ênh êp êt
i ia iu ich im in inh ip it iêc iêm iên iêng iêp iêt iêu
y yêm yên yêt yêu
o oi oc om on ong op ot ooc oong ô ôi ôc ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
oa oai oao oay oac oach oam oan oang oanh oap oat oăc oăm oăn oăng oăt oe oeo oen oet
u ua ui uy uya uyu uych uynh uyt uyn uyên uyêt uê uêch uênh uơ uân uâng uât uây
uc um un ung up ut uôi uôc uôm uôn uông uôt
ư ưa ưi ưu ưc ưm ưn ưng ưt ươi ươu ươc ươm ươn ương ươp ươt
""".split()

# Family names of ethnic minorities that are not one Vietnamese syllable (Ê Đê, Gia Rai,
# Ba Na, Cơ Ho...), as the search keys write them.
MINORITY_NAMES = (
    "ksor kpa rcom rmah nie mlo eban adrong bya knul hmok bkrong mdrang ktla kbuor "
    "rcam hdok ayun kso jong rlan"
).split()


def _spelled(onset: str, rhyme: str) -> bool:
    """Whether Vietnamese spelling writes ``onset`` before ``rhyme`` (k, gh, ngh before i, e,
    ê, y; c, g, ng never before e, ê, y; qu never before a medial u or o; yê only without an
    onset or after qu)."""
    first = normalize(rhyme[0])
    if rhyme.startswith("yê") and onset not in ("", "qu"):
        return False
    if onset in ("k", "gh", "ngh"):
        return first in "iey"
    if onset in ("c", "g", "ng"):
        return first not in "ey"
    if onset == "qu":
        return first not in "uo"
    return True


def _syllables() -> set[str]:
    return {
        normalize(onset + rhyme) for onset in ONSETS for rhyme in RHYMES if _spelled(onset, rhyme)
    }


def _weights() -> dict[str, float]:
    """Each name word's weight among names (namedata's shares; given names by their rank)."""
    weights: dict[str, float] = {}

    def add(name: str, weight: float) -> None:
        for word in normalize(name).split():
            weights[word] = weights.get(word, 0.0) + weight

    for table in (namedata.FAMILY, namedata.MIDDLE_MALE, namedata.MIDDLE_FEMALE):
        for name, share in table:
            add(name, share)
    for given in (namedata.GIVEN_MALE, namedata.GIVEN_FEMALE):
        for rank, name in enumerate(given):
            add(name, 10.0 / (rank + 1))
    return weights


def _trigrams(word: str) -> frozenset[str]:
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


@lru_cache(maxsize=1)
def _index() -> tuple[frozenset[str], dict[str, float], dict[str, list[str]]]:
    """(known words, their weights, trigram → the known words that have it)."""
    weights = _weights()
    known = frozenset(_syllables() | set(weights) | set(MINORITY_NAMES))
    by_trigram: dict[str, list[str]] = {}
    for word in sorted(known):
        for trigram in _trigrams(word):
            by_trigram.setdefault(trigram, []).append(word)
    return known, weights, by_trigram


@lru_cache(maxsize=1)
def _spellings() -> dict[str, tuple[str, ...]]:
    """Search key -> the letters it may be written with, marks of letters (ă â đ ê ô ơ ư)
    included and tones left out: every syllable spelling allows and every name of
    namedata."""
    found: dict[str, set[str]] = {}

    def add(spelt: str) -> None:
        plain = strip_tone(spelt)
        found.setdefault(normalize(plain), set()).add(plain)

    for onset in ONSETS:
        for rhyme in RHYMES:
            if _spelled(onset, rhyme):
                add(onset + rhyme)
    for table in (namedata.FAMILY, namedata.MIDDLE_MALE, namedata.MIDDLE_FEMALE):
        for name, _ in table:
            for word in name.lower().split():
                add(word)
    for word in namedata.GIVEN_MALE + namedata.GIVEN_FEMALE:
        add(word.lower())
    return {key: tuple(sorted(values)) for key, values in found.items()}


def spellings(word: str) -> tuple[str, ...]:
    """The ways the search key ``word`` is written, tones aside ("duong" -> "dương",
    "đương", "duông", "đuông"), the plain letters always among them (a name spelt outside
    Vietnamese spelling)."""
    known = _spellings().get(word, ())
    return known if word in known else (*known, word)


def strip_tone(word: str) -> str:
    """``word`` (lower case) without its tone mark, its letters' marks kept."""
    import unicodedata

    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))


@lru_cache(maxsize=1)
def family_names() -> frozenset[str]:
    """The family names of the name tables (search keys)."""
    return frozenset(normalize(name) for name, _ in namedata.FAMILY)


def is_known(word: str) -> bool:
    return word in _index()[0]


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity of two single words."""
    ta, tb = _trigrams(a), _trigrams(b)
    return len(ta & tb) / len(ta | tb)


LETTERS = "abcdefghijklmnopqrstuvwxyz"
VOWELS = frozenset("aeiouy")

# Keys next to each other on the keyboards Vietnamese is typed on (QWERTY): a substitution
# between them is the likeliest slip of a finger.
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


@lru_cache(maxsize=1)
def _adjacent() -> frozenset[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for r, row in enumerate(_ROWS):
        for i, key in enumerate(row):
            near = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
            for other_row in (r - 1, r + 1):
                if 0 <= other_row < len(_ROWS):
                    near += [
                        _ROWS[other_row][j] for j in (i - 1, i) if 0 <= j < len(_ROWS[other_row])
                    ]
            pairs.update((key, n) for n in near)
            pairs.update((n, key) for n in near)
    return frozenset(pairs)


def _edit_kind(typed: str, word: str) -> str | None:
    """How ``typed`` is one edit from ``word``: "swap", "drop" (a letter of ``word``
    missing), "double" / "add" (a letter too many: a letter doubled, another), "near" /
    "vowel" / "other" (a letter substituted by a neighbouring key, another vowel, anything
    else); None when it is not one edit away."""
    if len(typed) == len(word):
        diff = [i for i in range(len(word)) if typed[i] != word[i]]
        if len(diff) == 1:
            a, b = typed[diff[0]], word[diff[0]]
            if (a, b) in _adjacent():
                return "near"
            return "vowel" if a in VOWELS and b in VOWELS else "other"
        if (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and typed[diff[0]] == word[diff[1]]
            and typed[diff[1]] == word[diff[0]]
        ):
            return "swap"
        return None
    if len(typed) + 1 == len(word):
        return "drop" if any(word[:i] + word[i + 1 :] == typed for i in range(len(word))) else None
    if len(typed) == len(word) + 1:
        extra = [i for i in range(len(typed)) if typed[:i] + typed[i + 1 :] == word]
        if not extra:
            return None
        doubled = any(
            (i > 0 and typed[i - 1] == typed[i])
            or (i + 1 < len(typed) and typed[i + 1] == typed[i])
            for i in extra
        )
        return "double" if doubled else "add"
    return None


# How likely each kind of edit is as a typo, relative to the others: a dropped letter or two
# letters swapped are one slip among a few a word allows; a given letter substituted or added
# is one among dozens (likelier for a neighbouring key, or a letter doubled: "hungg").
EDIT_WEIGHT = {
    "swap": 1.0, "drop": 1.0, "double": 0.5, "near": 0.3, "add": 0.1, "vowel": 0.1, "other": 0.05,
}  # fmt: skip
# A syllable no name of namedata uses still counts a little: real names are not all listed.
UNLISTED_WEIGHT = 0.05


def typo_likelihood(typed: str, word: str) -> float:
    """How likely ``typed`` is a typo of the known name word ``word`` (both search keys):
    the word's weight among names times the weight of the edit between them (1 for the word
    itself, 0 when they are more than one edit apart)."""
    weight = _index()[1].get(word, 0.0) + UNLISTED_WEIGHT
    if typed == word:
        return weight
    kind = _edit_kind(typed, word)
    return 0.0 if kind is None else weight * EDIT_WEIGHT[kind]


def _one_edit(word: str) -> set[str]:
    """Every string one edit (substitution, deletion, insertion, swap of two neighbouring
    letters) from ``word``, over the letters names are written with."""
    found: set[str] = set()
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        found.update(head + c + tail for c in LETTERS)
        if tail:
            found.add(head + tail[1:])
            found.update(head + c + tail[1:] for c in LETTERS)
        if len(tail) > 1:
            found.add(head + tail[1] + tail[0] + tail[2:])
    found.discard(word)
    return found


@lru_cache(maxsize=4096)
def _neighbours(word: str) -> tuple[str, ...]:
    known = _index()[0]
    found = _one_edit(word) & known
    return tuple(sorted(found, key=lambda w: (-typo_likelihood(word, w), w)))


def neighbours(word: str) -> list[str]:
    """The known words one edit from ``word`` (a search key: no marks), the likeliest typo
    first (:func:`typo_likelihood`), never ``word`` itself. Only the public inventory is
    read: the answer is the same whatever the dossiers hold."""
    if not word or len(word) > 12:  # no name word is longer: no neighbour either
        return []
    return list(_neighbours(word))


def close_words(word: str, limit: int) -> list[str]:
    """The ``limit`` known words closest to ``word`` (not itself), at least SIMILARITY close:
    the closest first, then names before other syllables, then alphabetically."""
    _, weights, by_trigram = _index()
    own = _trigrams(word)
    shared: dict[str, int] = {}
    for trigram in own:
        for other in by_trigram.get(trigram, ()):
            shared[other] = shared.get(other, 0) + 1
    scored = []
    for other, common in shared.items():
        if other == word:
            continue
        score = common / (len(own) + len(_trigrams(other)) - common)
        if score >= SIMILARITY:
            scored.append((-score, -weights.get(other, 0.0), other))
    return [other for _, _, other in sorted(scored)[:limit]]
