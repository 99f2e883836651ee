"""The words a Vietnamese name can be made of, for typo correction: public, never the data's.

Search corrects a typed word ("hungg") to close known words ("hung"). Which words are known
must not depend on the dossiers: a vocabulary counted from the persons stored says, through
whether a word gets corrected and to what, that some name exists in a dossier the user cannot
see. So the known words are fixed by this module: every syllable Vietnamese spelling allows
(an onset and a rhyme, written without marks as the search keys are: over-generated, since a
spelling that no name uses costs nothing but a candidate), the names of `namedata` with their
weights, and common family names of ethnic minorities that are no Vietnamese syllable.

Closeness is PostgreSQL's trigram similarity (``pg_trgm``: each word padded with two spaces in
front and one behind, similarity = shared trigrams / all trigrams), computed here over an
inverted index of a few thousand words.
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
def family_names() -> frozenset[str]:
    """The family names of the name tables (search keys)."""
    return frozenset(normalize(name) for name, _ in namedata.FAMILY)


def is_known(word: str) -> bool:
    return word in _index()[0]


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity of two single words."""
    ta, tb = _trigrams(a), _trigrams(b)
    return len(ta & tb) / len(ta | tb)


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
