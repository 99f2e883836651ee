"""Generate a province of --members members (about 11 persons each) into the bench database
and report how long it takes (the issue asks for 5,500,000 person rows).

    .venv/bin/python bench/bench_generate.py --members 500000 --seed 1
"""

from __future__ import annotations

import argparse
import time

from _common import machine, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from bvct.demo.generator import generate
    from bvct.people.models import Person

    before = Person.objects.count()
    started = time.perf_counter()
    result = generate(members=args.members, seed=args.seed, chunk=5000)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        t0 = time.perf_counter()
        cursor.execute("VACUUM ANALYZE people_person")
        vacuum = time.perf_counter() - t0
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('people_person'))")
        size = cursor.fetchone()[0]  # type: ignore[index]
    total = Person.objects.count()
    print(f"machine: {machine()}")
    print(
        f"generated {result.members:,} members, {result.persons:,} persons in {elapsed:.1f} s "
        f"({result.persons / elapsed:,.0f} persons/s); persons now {total:,} (was {before:,}); "
        f"VACUUM ANALYZE {vacuum:.1f} s; people_person with indexes: {size}"
    )


if __name__ == "__main__":
    main()
