"""Dossier detail page latency (goal p95 <= 30 ms at 1,100,000 persons).

Runs on whatever province the bench database holds (bench/bench_generate.py): the whole page
through Django's test client as a regular officer of one commune-level committee, for random
dossiers of that committee, including the audited read and the template.

    .venv/bin/python bench/bench_detail.py [--n 400]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from _common import machine, percentile, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=400)
    args = parser.parse_args()
    setup_django(migrate=False)
    from django.test import Client

    from bvct.accounts.models import User
    from bvct.accounts.services import user_create
    from bvct.core.gate import SYSTEM
    from bvct.orgs.models import Organisation
    from bvct.people.models import Dossier, Person

    commune = Organisation.objects.get(code="du-phuong-kinh-bac")
    user = User.objects.filter(username="bench.xa").first() or user_create(
        actor=SYSTEM,
        username="bench.xa",
        full_name="Cán bộ đo hiệu năng",
        organisation_code=commune.code,
        roles=["BVCT_OFFICER"],
        clearance="NONE",
    )
    ids = list(
        Dossier.objects.filter(org_path=commune.path, classification=0).values_list(
            "public_id", flat=True
        )[:20000]
    )
    rng = random.Random(7)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    for public_id in ids[:30]:
        assert client.get(f"/ho-so/{public_id}/").status_code == 200
    times = []
    for _ in range(args.n):
        public_id = rng.choice(ids)
        t0 = time.perf_counter()
        response = client.get(f"/ho-so/{public_id}/")
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    print(
        f"machine: {machine()}; persons: {Person.objects.count():,}; "
        f"dossiers of the committee: {len(ids):,}"
    )
    print(
        f"dossier page: median {statistics.median(times):.1f} ms, "
        f"p95 {percentile(times, 0.95):.1f} ms, max {max(times):.1f} ms (n={args.n})"
    )


if __name__ == "__main__":
    main()
