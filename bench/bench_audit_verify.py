"""audit_verify throughput on 1,000,000 events (goal >= 200,000 events/s).

Fills the bench database's audit table up to --events through the real append trigger (so the
chain is genuine), then times verify_chain() --runs times.

    .venv/bin/python bench/bench_audit_verify.py [--events 1000000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

from _common import machine, percentile, setup_django

FILL = """
INSERT INTO audit_auditevent (seq, payload, prev_hash, hash)
SELECT 0, json_build_object(
           'action', 'org.update', 'actor', gen_random_uuid(),
           'actor_username', 'canbo.bvct' || (g %% 50),
           'after', json_build_object('name', 'Tên mới ' || g, 'is_active', g %% 2 = 0),
           'before', json_build_object('name', 'Tên cũ ' || g, 'is_active', true),
           'classification', g %% 3, 'id', gen_random_uuid(), 'ip', '10.0.0.' || (g %% 250),
           'object_id', gen_random_uuid(), 'object_label', 'Đảng ủy phường số ' || g,
           'object_type', 'orgs.organisation', 'org', gen_random_uuid(),
           'org_path', '/1/' || (g %% 20) || '/', 'request_id', md5(g::text),
           'subject', gen_random_uuid())::text,
       '\\x', '\\x'
FROM generate_series(1, %s) AS g
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from bvct.audit.models import AuditEvent
    from bvct.audit.verify import verify_chain

    have = AuditEvent.objects.count()
    started = time.perf_counter()
    while have < args.events:
        batch = min(100_000, args.events - have)
        with connection.cursor() as cursor:
            cursor.execute(FILL, [batch])
        have += batch
        print(f"  filled to {have} events", flush=True)
    fill_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE audit_auditevent")
    durations = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        result = verify_chain()
        durations.append(time.perf_counter() - t0)
        assert result.ok, result.message
    count = result.count
    rates = [count / d for d in durations]
    print(f"machine: {machine()}; events: {count}; fill took {fill_s:.1f} s")
    print(
        f"verify: median {statistics.median(durations):.3f} s "
        f"(p95 {percentile(durations, 0.95):.3f} s); "
        f"median {statistics.median(rates):,.0f} events/s, "
        f"slowest run {min(rates):,.0f} events/s (goal >= 200,000/s)"
    )


if __name__ == "__main__":
    main()
