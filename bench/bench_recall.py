"""Name search recall: is the person meant among the results, for names typed as people type.

Needs a generated province in the bench database (bench/bench_generate.py). Draws --n
members (dossier subjects) visible to the regular officer (a BVCTNB officer of one commune
committee, clearance none, as bench_search.py) at random for --seed, and for each asks
person_search() (what the page and the API call, with the page's settings: members only, or
with --relatives members and relatives) for one query per variant:

- exact: the full name as stored;
- no diacritics: the full name without any mark;
- typo given / middle / family: one typing error in that word (a letter substituted, dropped,
  added, or two neighbours swapped, on the word without marks; the other words as stored);
- typo valid syllable: an error in the given name that makes another Vietnamese syllable
  ("Hươn" for Hương, "Suy" for Duy), which a spell check cannot see;
- wrong tone: the given name with another tone mark ("Hường" for Hương);
- exact + birth year: the full name with the birth-year filter set to the person's year.

A person without a middle name (or birth year, or any syllable one error away) is left out
of that variant: each variant reports its own n. Reported per variant: recall@10 and @50 (the
person among the first 10 / 50 results, the page's order, further pages asked for when the
engine pages), how many queries returned nothing, and the median and p95 latency of the
first page (50 results). Everything drawn is deterministic for --seed and the database;
the typos do not depend on the code measured, so two versions answer the same queries.

    .venv/bin/python bench/bench_recall.py --n 300 --seed 1 [--relatives] [--json FILE]
    PYTHONPATH=<other worktree>/src .venv/bin/python bench/bench_recall.py ...   # another version
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import random
import statistics
import time
import unicodedata
from collections.abc import Callable
from typing import Any

from _common import bench_officer, machine, percentile, setup_django

PAGE = 50
LETTERS = "abcdeghiklmnopqrstuvxy"  # the Vietnamese alphabet without marks (no f, j, w, z)

# Tone marks (combining, after NFD) and the vowel marks a tone sits beside.
TONES = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # sắc huyền hỏi ngã nặng
VOWEL_MARKS = ("\u0302", "\u0306", "\u031b")  # â ê ô, ă, ơ ư
VOWELS = "aeiouy"

# Vietnamese syllables without marks (onset + rhyme, as spelling allows), kept here so that
# which typos count as "valid syllables" does not change with the code measured.
ONSETS = (
    "", "b", "c", "ch", "d", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
)  # fmt: skip
RHYMES = """
a ai ao au ay ac ach am an ang anh ap at e eo ec em en eng ep et eu ech enh
i ia iu ich im in inh ip it iec iem ien ieng iep iet ieu y yem yen yet yeu
o oi oc om on ong op ot ooc oong oa oai oao oay oac oach oam oan oang oanh oap oat oe oeo
oen oet u ua ui uy uya uyu uych uynh uyt uyn uyen uyet ue uech uenh uo uan uang uat uay
uc um un ung up ut uoi uoc uom uon uong uot uu uoi uou uoc uom uon uong uop uot
""".split()


def _spelled(onset: str, rhyme: str) -> bool:
    if rhyme.startswith("ye") and onset not in ("", "qu"):
        return False
    if onset in ("k", "gh", "ngh"):
        return rhyme[0] in "iey"
    if onset in ("c", "g", "ng"):
        return rhyme[0] not in "ey"
    if onset == "qu":
        return rhyme[0] not in "uo"
    return True


SYLLABLES = frozenset(o + r for o in ONSETS for r in RHYMES if _spelled(o, r))


def fold(text: str) -> str:
    """Lower case without marks, đ → d (what the search keys hold)."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def edits(word: str) -> list[str]:
    """Every word one typing error away from ``word`` (substituted, dropped, added, swapped)."""
    found = set()
    for i in range(len(word)):
        for c in LETTERS:
            found.add(word[:i] + c + word[i + 1 :])
        if len(word) > 1:
            found.add(word[:i] + word[i + 1 :])
        if i + 1 < len(word):
            found.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    for i in range(len(word) + 1):
        for c in LETTERS:
            found.add(word[:i] + c + word[i:])
    found.discard(word)
    found.discard("")
    return sorted(found)


def typo(rng: random.Random, word: str) -> str:
    """One random typing error in ``word`` (folded first)."""
    word = fold(word)
    kinds = ["substitute", "add"]
    if len(word) > 1:
        kinds.append("drop")
    if any(a != b for a, b in itertools.pairwise(word)):
        kinds.append("swap")
    kind = rng.choice(kinds)
    if kind == "substitute":
        i = rng.randrange(len(word))
        return word[:i] + rng.choice([c for c in LETTERS if c != word[i]]) + word[i + 1 :]
    if kind == "add":
        i = rng.randrange(len(word) + 1)
        return word[:i] + rng.choice(LETTERS) + word[i:]
    if kind == "drop":
        i = rng.randrange(len(word))
        return word[:i] + word[i + 1 :]
    i = rng.choice([k for k in range(len(word) - 1) if word[k] != word[k + 1]])
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def valid_syllable_typo(rng: random.Random, word: str) -> str | None:
    options = [w for w in edits(fold(word)) if w in SYLLABLES]
    return rng.choice(options) if options else None


def wrong_tone(rng: random.Random, word: str) -> str:
    """``word`` with another tone mark than its own (one of the five, never none)."""
    chars = list(unicodedata.normalize("NFD", word))
    tone_at = next((i for i, c in enumerate(chars) if c in TONES), None)
    current = chars.pop(tone_at) if tone_at is not None else ""
    new = rng.choice([t for t in TONES if t != current])
    # Base letters with the marks following each.
    letters: list[tuple[str, str]] = []
    for c in chars:
        if unicodedata.combining(c) and letters:
            letters[-1] = (letters[-1][0], letters[-1][1] + c)
        else:
            letters.append((c, ""))
    if tone_at is not None:
        base = sum(1 for c in chars[:tone_at] if not unicodedata.combining(c)) - 1
    else:
        base = _tone_position([fold(b) for b, _ in letters], [m for _, m in letters])
    letters[base] = (letters[base][0], letters[base][1] + new)
    return unicodedata.normalize("NFC", "".join(b + m for b, m in letters))


def _tone_position(bases: list[str], marks: list[str]) -> int:
    """Where Vietnamese spelling puts a tone mark in a syllable (the index of its vowel)."""
    start = next((i for i, b in enumerate(bases) if b in VOWELS), 0)
    # "qu" and "gi" before another vowel: the u / i is part of the onset.
    onset_vowel = start > 0 and bases[start - 1] in "qg" and bases[start] in "ui"
    if onset_vowel and start + 1 < len(bases) and bases[start + 1] in VOWELS:
        start += 1
    end = start
    while end + 1 < len(bases) and bases[end + 1] in VOWELS:
        end += 1
    marked = [i for i in range(start, end + 1) if any(m in marks[i] for m in VOWEL_MARKS)]
    if marked:
        return marked[-1]
    if end + 1 < len(bases) or end == start:  # a final consonant, or a single vowel
        return end
    return end - 1


@dataclasses.dataclass
class Query:
    person_id: int
    text: str
    birth_year: int | None = None


def variants(persons: list[Any], seed: int) -> dict[str, list[Query]]:
    def rng(label: str, pk: int) -> random.Random:
        return random.Random(f"{seed}:{label}:{pk}")

    def with_word(p: Any, index: int, word: str) -> str:
        words = p.full_name.split()
        words[index] = word
        return " ".join(words)

    made: dict[str, list[Query]] = {k: [] for k in LABELS}
    for p in persons:
        words = p.full_name.split()
        made["exact"].append(Query(p.pk, p.full_name))
        made["no diacritics"].append(Query(p.pk, fold(p.full_name)))
        if len(words) > 1:
            made["typo given"].append(
                Query(p.pk, with_word(p, -1, typo(rng("given", p.pk), words[-1])))
            )
            made["typo family"].append(
                Query(p.pk, with_word(p, 0, typo(rng("family", p.pk), words[0])))
            )
        if len(words) > 2:
            r = rng("middle", p.pk)
            i = r.randrange(1, len(words) - 1)
            made["typo middle"].append(Query(p.pk, with_word(p, i, typo(r, words[i]))))
        syllable = valid_syllable_typo(rng("syllable", p.pk), words[-1])
        if syllable is not None:
            made["typo valid syllable"].append(Query(p.pk, with_word(p, -1, syllable)))
        made["wrong tone"].append(
            Query(p.pk, with_word(p, -1, wrong_tone(rng("tone", p.pk), words[-1])))
        )
        if p.birth_year is not None:
            made["exact + birth year"].append(Query(p.pk, p.full_name, p.birth_year))
    return made


LABELS = (
    "exact",
    "no diacritics",
    "typo given",
    "typo middle",
    "typo family",
    "typo valid syllable",
    "wrong tone",
    "exact + birth year",
)


def searcher(user: Any, *, relatives: bool) -> Callable[[Query, int], tuple[list[int], float]]:
    """A function giving the ids of the first ``k`` results of a query (page by page when
    the engine pages) and the time of the first page, in ms."""
    try:
        from bvct.people.search import PersonSearch, person_search
    except ImportError:  # a version of the code from before the search had its own module
        from bvct.people.selectors import (  # type: ignore[attr-defined,no-redef]
            PersonSearch,
            person_search,
        )

    names = {f.name for f in dataclasses.fields(PersonSearch)}
    paged = "offset" in names

    def run(query: Query, k: int) -> tuple[list[int], float]:
        ids: list[int] = []
        first_ms = 0.0
        offset = 0
        while True:
            fields: dict[str, Any] = {
                "query": query.text,
                "birth_year": query.birth_year,
                "subjects_only": not relatives,
                "limit": PAGE,
            }
            if paged:
                fields["offset"] = offset
            t0 = time.perf_counter()
            result = person_search(user=user, search=PersonSearch(**fields))
            if offset == 0:
                first_ms = (time.perf_counter() - t0) * 1000
            page = [p.pk for p in result.persons]
            ids += page
            offset += PAGE
            if not paged or len(ids) >= k or len(page) < PAGE:
                return ids[:k], first_ms

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--relatives", action="store_true", help="search relatives too (the page's checkbox)"
    )
    parser.add_argument("--json", metavar="FILE", help="save the figures and the misses")
    parser.add_argument("--misses", type=int, default=5, help="misses printed per variant")
    args = parser.parse_args()
    setup_django(migrate=False)

    from bvct.people.models import Person

    user = bench_officer("bench.xa")
    visible = list(
        Person.objects.visible_to(user)
        .filter(is_subject=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    chosen = random.Random(args.seed).sample(visible, min(args.n, len(visible)))
    by_id = Person.objects.in_bulk(chosen)
    persons = [by_id[i] for i in chosen]
    queries = variants(persons, args.seed)
    search = searcher(user, relatives=args.relatives)
    total = Person.objects.count()

    for q in queries["exact"][:20]:  # warm the caches a little
        search(q, PAGE)
    print(
        f"machine: {machine()}; persons: {total:,}; members visible to {user.username}: "
        f"{len(visible):,}; n={len(persons)} seed={args.seed} "
        f"{'members and relatives' if args.relatives else 'members only'}"
    )
    print(f"{'variant':22} {'n':>4} {'@10':>7} {'@50':>7} {'empty':>6} {'median':>8} {'p95':>8}")
    report: dict[str, Any] = {
        "persons": total,
        "visible_members": len(visible),
        "user": user.username,
        "organisation": user.organisation.code if user.organisation else "",
        "n": len(persons),
        "seed": args.seed,
        "relatives": args.relatives,
        "machine": machine(),
        "variants": {},
    }
    for label in LABELS:
        at10 = at50 = empty = 0
        times: list[float] = []
        misses: list[dict[str, Any]] = []
        for q in queries[label]:
            ids, ms = search(q, PAGE)
            times.append(ms)
            at10 += q.person_id in ids[:10]
            at50 += q.person_id in ids[:PAGE]
            empty += not ids
            if q.person_id not in ids[:PAGE]:
                misses.append(
                    {
                        "query": q.text,
                        "birth_year": q.birth_year,
                        "name": by_id[q.person_id].full_name,
                        "results": len(ids),
                    }
                )
        n = len(queries[label])
        row = {
            "n": n,
            "recall_at_10": at10 / n if n else None,
            "recall_at_50": at50 / n if n else None,
            "empty": empty,
            "median_ms": statistics.median(times) if times else None,
            "p95_ms": percentile(times, 0.95) if times else None,
            "misses": misses,
        }
        report["variants"][label] = row
        if n:
            print(
                f"{label:22} {n:4} {at10 / n:7.1%} {at50 / n:7.1%} {empty:6} "
                f"{row['median_ms']:6.1f}ms {row['p95_ms']:6.1f}ms"
            )
        for miss in misses[: args.misses]:
            year = f" [{miss['birth_year']}]" if miss["birth_year"] else ""
            print(
                f"    miss: {miss['query']!r}{year} for {miss['name']!r} "
                f"({miss['results']} results)"
            )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(report, out, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
