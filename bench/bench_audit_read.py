"""The cost of one audited read (goal <= 2 ms added to a page).

Two measurements on the bench database (with whatever events it already holds, e.g. 1M):
1. audit_record() alone, as a page's read event is written (its own autocommit transaction);
2. the auditor's event-detail page (which records a read event) with and without that write,
   through Django's test client, alternating so both see the same state.

    .venv/bin/python bench/bench_audit_read.py [--n 500]
"""

from __future__ import annotations

import argparse
import statistics
import time
from unittest import mock

from _common import machine, percentile, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args()
    setup_django()
    from django.test import Client

    from bvct.accounts import services as account_services
    from bvct.accounts.models import User
    from bvct.audit import views as audit_views
    from bvct.audit.constants import AuditAction
    from bvct.audit.models import AuditEvent
    from bvct.audit.services import audit_record
    from bvct.core.gate import SYSTEM
    from bvct.orgs import services as org_services
    from bvct.orgs.models import Organisation, OrganisationKind

    if not OrganisationKind.objects.filter(code="bench").exists():
        org_services.org_kind_create(actor=SYSTEM, code="bench", name="Bench", is_committee=True)
    org = Organisation.objects.filter(code="bench-org").first() or org_services.organisation_create(
        actor=SYSTEM, code="bench-org", name="Bench", kind_code="bench"
    )
    auditor = User.objects.filter(username="bench.auditor").first() or account_services.user_create(
        actor=SYSTEM,
        username="bench.auditor",
        full_name="Kiểm tra viên",
        organisation_code=org.code,
        roles=["AUDITOR"],
        clearance="TUYET_MAT",
    )
    auditor = User.objects.select_related("scope", "organisation").get(pk=auditor.pk)
    seq = audit_record(actor=auditor, action=AuditAction.ORG_UPDATE, obj=org, org=org)
    event = AuditEvent.objects.get(seq=seq)

    record_ms = []
    for _ in range(args.n):
        t0 = time.perf_counter()
        audit_record(
            actor=auditor,
            action=AuditAction.AUDIT_VIEW,
            object_type="audit.auditevent",
            object_id=str(event.public_id),
            object_label=f"#{event.seq}",
        )
        record_ms.append((time.perf_counter() - t0) * 1000)

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(auditor)
    url = f"/audit/{event.public_id}/"
    client.get(url)  # warm up templates
    with_ms: list[float] = []
    without_ms: list[float] = []
    for i in range(args.n):
        for audited in (True, False) if i % 2 == 0 else (False, True):
            if audited:
                t0 = time.perf_counter()
                response = client.get(url)
                with_ms.append((time.perf_counter() - t0) * 1000)
            else:
                with mock.patch.object(audit_views, "audit_record", lambda **kw: 0):
                    t0 = time.perf_counter()
                    response = client.get(url)
                    without_ms.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
    total = AuditEvent.objects.count()
    print(f"machine: {machine()}; audit events in table: {total}")
    print(
        f"audit_record() for a read: median {statistics.median(record_ms):.3f} ms, "
        f"p95 {percentile(record_ms, 0.95):.3f} ms"
    )
    print(
        f"event page with read event:    median {statistics.median(with_ms):.3f} ms, "
        f"p95 {percentile(with_ms, 0.95):.3f} ms"
    )
    print(
        f"event page without read event: median {statistics.median(without_ms):.3f} ms, "
        f"p95 {percentile(without_ms, 0.95):.3f} ms"
    )
    added = statistics.median(with_ms) - statistics.median(without_ms)
    print(f"added by the audited read (median): {added:.3f} ms (goal <= 2 ms)")


if __name__ == "__main__":
    main()
