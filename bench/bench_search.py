"""Name search at scale (goal p95 <= 50 ms at 5,500,000 persons, as a regular officer).

Needs a generated province in the bench database (bench/bench_generate.py). Query sets, each
--n queries drawn from the data with a fixed seed:
- typo: common full names (the 300 most frequent) with one typing error, no diacritics;
- plain: existing full names typed without diacritics;
- rare: full names that occur once;
- given: a given name alone; two: middle + given name.
Timed: the selector person_search() (what the page and the API call), as
  - a regular officer (BVCTNB officer of one commune-level party committee, clearance none),
  - a provincial board officer (the whole province, clearance Tuyệt mật).
With --recorded, also the search with what a page adds to it: its audited listing (the event
and one row per person shown).

    .venv/bin/python bench/bench_search.py [--n 300] [--recorded]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from _common import bench_officer, machine, percentile, setup_django


def typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(len(word))
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i] + word[i:]  # doubled letter
    if kind == 1 and len(word) > 3:
        return word[:i] + word[i + 1 :]  # dropped letter
    j = min(i + 1, len(word) - 1)
    return word[:i] + word[j] + word[i] + word[j + 1 :] if i != j else word + word[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument(
        "--recorded",
        action="store_true",
        help="also time each search with its record (the audited listing a page writes)",
    )
    args = parser.parse_args()
    setup_django(migrate=args.recorded)
    from django.db import connection

    from bvct.people.models import Person
    from bvct.people.search import PersonSearch, person_search
    from bvct.people.services import dossier_listing_record

    rng = random.Random(2026)
    total = Person.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name_norm FROM people_person GROUP BY name_norm "
            "ORDER BY count(*) DESC LIMIT 300"
        )
        common = [r[0] for r in cursor.fetchall()]
        cursor.execute("SELECT name_norm FROM people_person TABLESAMPLE SYSTEM (0.2) LIMIT 5000")
        sample = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT name_norm FROM (SELECT name_norm FROM people_person "
            "TABLESAMPLE SYSTEM (2)) s GROUP BY name_norm HAVING count(*) = 1 LIMIT 5000"
        )
        rare = [r[0] for r in cursor.fetchall()]
    queries = {
        "typo (common names)": [
            " ".join(w if k < 2 else typo(rng, w) for k, w in enumerate(rng.choice(common).split()))
            for _ in range(args.n)
        ],
        "plain (no diacritics)": [rng.choice(sample) for _ in range(args.n)],
        "rare names": [rng.choice(rare) for _ in range(args.n)],
        "given name only": [rng.choice(sample).split()[-1] for _ in range(args.n)],
        "middle + given": [" ".join(rng.choice(sample).split()[-2:]) for _ in range(args.n)],
    }

    users = {
        "regular officer (one commune committee)": bench_officer("bench.xa"),
        "provincial board officer": bench_officer("bench.tinh", "btc-tu", "TUYET_MAT"),
    }
    print(f"machine: {machine()}; persons: {total:,}")
    for who, user in users.items():
        for label, items in queries.items():
            for q in items[:20]:  # warm the caches a little
                person_search(user=user, search=PersonSearch(query=q))
            times, hits = [], []
            for q in items:
                t0 = time.perf_counter()
                result = person_search(user=user, search=PersonSearch(query=q))
                times.append((time.perf_counter() - t0) * 1000)
                hits.append(len(result.persons))
            print(
                f"{who:40} {label:22} median {statistics.median(times):6.1f} ms  "
                f"p95 {percentile(times, 0.95):6.1f} ms  max {max(times):6.1f} ms  "
                f"(median hits {statistics.median(hits):.0f})"
            )
        if args.recorded:  # what the page does: the search, then its listing and event
            for label in ("typo (common names)", "given name only"):
                times = []
                for q in queries[label]:
                    t0 = time.perf_counter()
                    result = person_search(user=user, search=PersonSearch(query=q))
                    dossier_listing_record(
                        actor=user, kind="search", filters={"q": q}, persons=result.persons
                    )
                    times.append((time.perf_counter() - t0) * 1000)
                print(
                    f"{who:40} {label + ' + record':22} median "
                    f"{statistics.median(times):6.1f} ms  p95 {percentile(times, 0.95):6.1f} ms"
                )


if __name__ == "__main__":
    main()
