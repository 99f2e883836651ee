"""Dossier detail page latency (goal p95 <= 30 ms at 1,100,000 persons).

Runs on whatever province the bench database holds (bench/bench_generate.py): the whole page
through Django's test client as a regular officer of one commune-level committee, for random
dossiers of that committee, including the audited read and the template.

    .venv/bin/python bench/bench_detail.py [--n 400] [--profile]

--profile also times, per page, its SQL statements (each, as the driver executes it) and its
template rendering; what is left is Python outside both (ORM, middleware, session, views).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from typing import Any

from _common import bench_officer, machine, percentile, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--profile", action="store_true", help="split each page's time")
    args = parser.parse_args()
    setup_django(migrate=False)
    from django.db import connection
    from django.template.backends.django import Template
    from django.test import Client

    from bvct.people.models import Dossier, Person

    user = bench_officer("bench.xa")
    commune = user.organisation
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
    split: dict[str, list[float]] = {"sql": [], "statements": [], "template": []}
    page: dict[str, float] = {}

    def timed_sql(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            page["sql"] += (time.perf_counter() - t0) * 1000
            page["statements"] += 1

    render = Template.render

    def timed_render(self: Template, *a: Any, **kw: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return render(self, *a, **kw)
        finally:
            page["template"] += (time.perf_counter() - t0) * 1000

    if args.profile:
        Template.render = timed_render  # type: ignore[method-assign]  # the bench's own process
        connection.execute_wrappers.append(timed_sql)
    for _ in range(args.n):
        public_id = rng.choice(ids)
        page.update(sql=0.0, statements=0, template=0.0)
        t0 = time.perf_counter()
        response = client.get(f"/ho-so/{public_id}/")
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
        for key, value in page.items():
            split[key].append(value)
    print(
        f"machine: {machine()}; persons: {Person.objects.count():,}; "
        f"dossiers of the committee: {len(ids):,}"
    )
    print(
        f"dossier page: median {statistics.median(times):.1f} ms, "
        f"p95 {percentile(times, 0.95):.1f} ms, max {max(times):.1f} ms (n={args.n})"
    )
    if args.profile:
        rest = [t - s - r for t, s, r in zip(times, split["sql"], split["template"], strict=True)]
        print(
            f"per page, median: {statistics.median(split['statements']):.0f} statements "
            f"{statistics.median(split['sql']):.1f} ms (p95 {percentile(split['sql'], 0.95):.1f}); "
            f"template {statistics.median(split['template']):.1f} ms; "
            f"the rest {statistics.median(rest):.1f} ms"
        )


if __name__ == "__main__":
    main()
