"""verify_batches at scale: every listing (one per search or list page) checked against its
sealed event.

Records --listings listings of --size persons each through the service a search page calls
(their events go into the audit chain), then times verify_sealed_batches() --runs times.
Writes to the database it runs on: use a throwaway one, e.g. after bench_import.py:

    BVCT_BENCH_DB=bvct_fresh .venv/bin/python bench/bench_verify_batches.py --listings 20000
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from _common import machine, percentile, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=20_000)
    parser.add_argument("--size", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from bvct.accounts.models import User
    from bvct.accounts.services import user_create
    from bvct.core.gate import SYSTEM
    from bvct.people.models import Listing, Person
    from bvct.people.services import dossier_listing_record
    from bvct.people.verify import verify_sealed_batches

    user = User.objects.filter(username="bench.tinh").first() or user_create(
        actor=SYSTEM,
        username="bench.tinh",
        full_name="Cán bộ đo hiệu năng",
        organisation_code="btc-tu",
        roles=["BVCT_OFFICER"],
        clearance="TUYET_MAT",
    )
    ids = list(Person.objects.values_list("id", flat=True)[:200_000])
    if len(ids) < args.size:
        raise SystemExit("needs persons: run bench_import.py or bench_generate.py first")
    rng = random.Random(5)
    t0 = time.perf_counter()
    for number in range(args.listings - Listing.objects.count()):
        persons = list(Person.objects.filter(id__in=rng.sample(ids, args.size)))
        dossier_listing_record(
            actor=user, kind="search", filters={"q": f"bench {number}"}, persons=persons
        )
    made = time.perf_counter() - t0
    listings = Listing.objects.count()
    print(f"machine: {machine()}; {listings:,} listings of {args.size} persons ({made:.0f} s)")
    seconds = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        result = verify_sealed_batches()
        seconds.append(time.perf_counter() - t0)
        assert result.ok, result.problems[:3]
    median = statistics.median(seconds)
    print(
        f"verify_sealed_batches: {result.batches:,} batches and listings, median {median:.1f} s "
        f"= {listings / median:,.0f} listings/s, p95 {percentile(seconds, 0.95):.1f} s "
        f"(n={args.runs})"
    )


if __name__ == "__main__":
    main()
