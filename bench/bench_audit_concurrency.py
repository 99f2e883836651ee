"""Audit appends per second with 8 concurrent writers (each append its own transaction).

Eight processes append for --seconds each; the chain must still verify afterwards.

    .venv/bin/python bench/bench_audit_concurrency.py [--writers 8] [--seconds 10]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import time

from _common import machine, percentile, setup_django


def writer(seconds: float, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    setup_django(migrate=False)
    from django.db import connection, transaction

    from bvct.audit.constants import AuditAction
    from bvct.audit.services import audit_record
    from bvct.core.gate import SYSTEM

    latencies = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        with transaction.atomic():
            audit_record(
                actor=SYSTEM,
                action=AuditAction.ORG_UPDATE,
                object_type="orgs.organisation",
                object_id=str(os.getpid()),
                before={"name": "a"},
                after={"name": "b"},
            )
        latencies.append((time.perf_counter() - t0) * 1000)
    connection.close()
    queue.put(latencies)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from bvct.audit.verify import verify_chain

    connection.close()
    queue: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=writer, args=(args.seconds, queue)) for _ in range(args.writers)]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    latencies = [x for r in results for x in r]
    rate = len(latencies) / args.seconds
    result = verify_chain()
    print(f"machine: {machine()}; writers: {args.writers}; {args.seconds:.0f} s")
    print(
        f"appends: {len(latencies)} = {rate:,.0f}/s; latency median "
        f"{percentile(latencies, 0.5):.2f} ms, p95 {percentile(latencies, 0.95):.2f} ms; "
        f"chain verifies: {result.ok} ({result.count} events)"
    )


if __name__ == "__main__":
    main()
