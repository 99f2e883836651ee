"""Audited write overhead: the same service with and without its audit event.

The service is organisation_update (lock the row, check the version, save, audit), run N times
alternating with/without so both see the same cache and disk state. "Without" replaces the
service's audit_record by a no-op; nothing else changes. Durable cluster (fsync on).

    .venv/bin/python bench/bench_audit_write.py [--n 400]
"""

from __future__ import annotations

import argparse
import statistics
import time
from unittest import mock

from _common import machine, percentile, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=400)
    args = parser.parse_args()
    setup_django()
    from bvct.audit.models import AuditEvent
    from bvct.core.gate import SYSTEM
    from bvct.orgs import services
    from bvct.orgs.models import Organisation, OrganisationKind

    if not OrganisationKind.objects.filter(code="bench").exists():
        services.org_kind_create(actor=SYSTEM, code="bench", name="Bench", is_committee=True)
    org = Organisation.objects.filter(code="bench-org").first() or services.organisation_create(
        actor=SYSTEM, code="bench-org", name="Bench", kind_code="bench"
    )
    with_audit: list[float] = []
    without_audit: list[float] = []
    for i in range(args.n):
        for audited in (True, False) if i % 2 == 0 else (False, True):
            name = f"Tên {i} {audited}"
            started = time.perf_counter()
            if audited:
                services.organisation_update(actor=SYSTEM, org=org, name=name)
            else:
                with mock.patch.object(services, "audit_record", lambda **kw: 0):
                    started = time.perf_counter()
                    services.organisation_update(actor=SYSTEM, org=org, name=name)
            elapsed = (time.perf_counter() - started) * 1000
            (with_audit if audited else without_audit).append(elapsed)
    med_with, med_without = statistics.median(with_audit), statistics.median(without_audit)
    print(f"machine: {machine()}; audit events in table: {AuditEvent.objects.count()}")
    print(
        f"organisation_update with audit:    median {med_with:.3f} ms, "
        f"p95 {percentile(with_audit, 0.95):.3f} ms"
    )
    print(
        f"organisation_update without audit: median {med_without:.3f} ms, "
        f"p95 {percentile(without_audit, 0.95):.3f} ms"
    )
    print(f"median ratio: {med_with / med_without:.3f}x (goal <= 1.2x)")


if __name__ == "__main__":
    main()
