"""The requirement check for one decision with --conclusions conclusions stored (the issue's
goal: p95 <= 10 ms at 1,000,000).

Data: the bench database's province (bench/bench_generate.py; --members generates one when
there are fewer dossiers than half the conclusions asked for), then --conclusions concluded
cases, each with its issued document and its conclusion, spread over the dossiers (about two
per dossier: a newer and an older one), generated set-based in SQL (INSERT ... SELECT over
generate_series, in chunks), not the ORM per row. Dates spread over three years, so some
conclusions are still valid and some expired; outcomes mostly NO_ISSUE, some with caps.

Measured, for --n proposed decisions of dossiers of one commune-level committee (a regular
officer's), alternating: ``coverage_evaluate`` (the check's reads, what a page shows) and
``decision_check(open_case=False)`` (the service: reads, the reuse recorded, the audited
check, one transaction).

    .venv/bin/python bench/bench_check.py --conclusions 1000000 [--members 500000] [--n 500]
    .venv/bin/python bench/bench_check.py --conclusions 2000 --members 300 --n 50   # smoke
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from _common import COMMUNE, bench_officer, machine, percentile, setup_django

CHUNK = 100_000
MARK = "BENCH-"  # references of generated cases


def _generate_province(members: int, seed: int) -> None:
    from bvct.demo.generator import generate

    started = time.perf_counter()
    result = generate(members=members, seed=seed, chunk=5000)
    print(f"province: {result.members:,} members in {time.perf_counter() - started:.1f} s")


def _generate_conclusions(total: int, signer_id: int) -> None:
    """Concluded cases, their documents and conclusions, set-based, up to ``total``."""
    from django.db import connection, transaction

    from bvct.documents.constants import DocumentType
    from bvct.documents.models import Term
    from bvct.documents.services import _template_install
    from bvct.orgs.models import Organisation
    from bvct.vetting.models import Conclusion, RulePack

    have = Conclusion.objects.filter(case__reference__startswith=MARK).count()
    if have >= total:
        print(f"conclusions: {have:,} generated already")
        return
    root = Organisation.objects.filter(parent__isnull=True).order_by("id").first()
    assert root is not None, "no province: run with --members"
    term = Term.objects.filter(issuer=root).first() or Term.objects.create(
        issuer=root,
        name="2025–2030",
        starts_on=dt.date(2020, 1, 1),
        symbol="TU",
        heading=root.name.upper(),
    )
    template = _template_install(DocumentType.CONCLUSION)
    pack = RulePack.objects.get(status="ACTIVE")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_subjects")
        cursor.execute(
            """CREATE UNLOGGED TABLE bench_subjects AS
               SELECT row_number() OVER (ORDER BY d.id) AS rn, d.id, d.managing_org_id,
                      d.org_path, d.classification,
                      (SELECT x.id FROM people_declaration x
                        WHERE x.dossier_id = d.id AND x.status = 'SUBMITTED') AS declaration_id
                 FROM people_dossier d"""
        )
        cursor.execute("CREATE UNIQUE INDEX ON bench_subjects (rn)")
        cursor.execute("SELECT count(*) FROM bench_subjects")
        subjects = cursor.fetchone()[0]
        cursor.execute(
            "SELECT coalesce(max(number), 0) FROM documents_issueddocument "
            "WHERE issuer_id = %s AND doc_type = 'CONCLUSION' AND term_id = %s",
            [root.pk, term.pk],
        )
        first_number = cursor.fetchone()[0]
    params = {
        "pack": pack.pk,
        "subjects": subjects,
        "issuer": root.pk,
        "term": term.pk,
        "template": template.pk,
        "signer": signer_id,
        "base": first_number - have,
        "mark": MARK,
    }
    for lo in range(have + 1, total + 1, CHUNK):
        hi = min(total, lo + CHUNK - 1)
        chunk = {**params, "lo": lo, "hi": hi}
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM vetting_case")
            chunk["case_from"] = cursor.fetchone()[0]
            cursor.execute("SELECT coalesce(max(id), 0) FROM documents_issueddocument")
            chunk["doc_from"] = cursor.fetchone()[0]
            # g-th conclusion: dossier (g mod subjects); concluded 0..1095 days ago.
            cursor.execute(
                """INSERT INTO vetting_case (public_id, created_at, updated_at, version,
                       reference, subject_id, origin, state, rule_pack_id, competent_body_id,
                       org_path, classification, restricted, assignee_ids, complex, summary,
                       stage_started_on, opened_at, closed_at)
                   SELECT gen_random_uuid(), now(), now(), 1, %(mark)s || g, s.id, 'DECISION',
                          'CONCLUDED', %(pack)s, s.managing_org_id, s.org_path, s.classification,
                          false, '{}', false, '', current_date - (g * 7919 %% 1096)::int,
                          now(), now()
                     FROM generate_series(%(lo)s, %(hi)s) g
                     JOIN bench_subjects s ON s.rn = (g %% %(subjects)s) + 1""",
                chunk,
            )
            cursor.execute(
                """INSERT INTO documents_issueddocument (public_id, created_at, updated_at,
                       version, doc_type, number, number_symbol, issuer_id, term_id, issued_on,
                       title, classification, org_path, content, sha256, template_id, case_id)
                   SELECT gen_random_uuid(), now(), now(), 1, 'CONCLUSION',
                          %(base)s + g, (%(base)s + g) || '-KL/TU', %(issuer)s, %(term)s,
                          c.stage_started_on, 'về tiêu chuẩn chính trị', c.classification,
                          c.org_path, '\\x00'::bytea, '', %(template)s, c.id
                     FROM vetting_case c,
                          LATERAL (SELECT substr(c.reference, length(%(mark)s) + 1)::int AS g) n
                    WHERE c.id > %(case_from)s""",
                chunk,
            )
            cursor.execute(
                """INSERT INTO vetting_conclusion (public_id, created_at, updated_at, version,
                       case_id, subject_id, competent_body_id, meeting_date, members_total,
                       members_present, votes_for, votes_against, dissent, signer_id,
                       signer_title, document_id, number_symbol, concluded_on, outcome, text,
                       valid_until, covers_kinds, rests_on_nothing_found, declaration_id,
                       rule_pack_id, org_path, classification)
                   SELECT gen_random_uuid(), c.stage_started_on::timestamptz, now(), 1, c.id,
                          c.subject_id, c.competent_body_id, c.stage_started_on, 9, 8, 7, 1, '',
                          %(signer)s, 'Bí thư', d.id, d.number_symbol, c.stage_started_on,
                          CASE WHEN d.number %% 10 = 0 THEN 'ISSUE_NO_VIOLATION'
                               ELSE 'NO_ISSUE' END,
                          'Đủ tiêu chuẩn chính trị.',
                          (c.stage_started_on + interval '6 months')::date,
                          CASE WHEN d.number %% 3 = 0 THEN ARRAY['APPOINTMENT']
                               ELSE ARRAY['APPOINTMENT', 'SUCCESSION_PLANNING', 'ABROAD'] END,
                          true, s.declaration_id, %(pack)s, c.org_path, c.classification
                     FROM documents_issueddocument d
                     JOIN vetting_case c ON c.id = d.case_id
                     JOIN bench_subjects s ON s.id = c.subject_id
                    WHERE d.id > %(doc_from)s""",
                chunk,
            )
        print(f"  conclusions {hi:,}/{total:,} ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_subjects")
        for table in ("vetting_case", "documents_issueddocument", "vetting_conclusion"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"conclusions: generated {total - have:,} in {time.perf_counter() - started:.1f} s")


def _decisions(officer: object, n: int, seed: int) -> list[object]:
    """--n proposed decisions about dossiers of the officer's committee that have
    conclusions (made through the service, as an officer records them)."""
    from bvct.core.gate import SYSTEM
    from bvct.positions.models import PersonnelDecision, Post
    from bvct.positions.services import decision_record, post_create
    from bvct.vetting.models import Conclusion

    org = officer.organisation  # type: ignore[attr-defined]
    post = Post.objects.filter(organisation=org, name="Phó Bí thư (đo hiệu năng)").first()
    post = post or post_create(
        actor=SYSTEM, organisation=org, name="Phó Bí thư (đo hiệu năng)", tier="COMMUNE",
        is_management=True,
    )  # fmt: skip
    made = list(PersonnelDecision.objects.filter(post=post, status="PROPOSED")[:n])
    dossiers = list(
        Conclusion.objects.filter(org_path__startswith=org.path)
        .values_list("subject_id", flat=True)
        .distinct()[: n * 4]
    )
    rng = random.Random(seed)
    rng.shuffle(dossiers)
    from bvct.people.models import Dossier

    kinds = ["APPOINTMENT", "SUCCESSION_PLANNING", "ABROAD"]
    for i, dossier_id in enumerate(dossiers[: max(0, n - len(made))]):
        kind = kinds[i % 3]
        made.append(
            decision_record(
                actor=SYSTEM,
                dossier=Dossier.objects.get(pk=dossier_id),
                kind=kind,
                post=post if kind != "ABROAD" else None,
                deciding_org=org,
                proposed_on=dt.date.today(),
            )
        )
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conclusions", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=0, help="generate a province first")
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from bvct.people.models import Dossier
    from bvct.vetting.coverage import coverage_evaluate, decision_check
    from bvct.vetting.models import Conclusion
    from bvct.vetting.rules import rule_pack_current

    if args.members and Dossier.objects.count() * 2 < args.conclusions:
        _generate_province(args.members, args.seed)
    officer = bench_officer("bench.check", COMMUNE, clearance="TUYET_MAT")
    signer = bench_officer("bench.signer", COMMUNE, clearance="TUYET_MAT")
    _generate_conclusions(args.conclusions, signer.pk)
    decisions = _decisions(officer, args.n, args.seed)
    rules = rule_pack_current()
    for decision in decisions[:20]:  # warm-up
        coverage_evaluate(officer, decision, rules)
    read, service = [], []
    statuses: dict[str, int] = {}
    for decision in decisions:
        t0 = time.perf_counter()
        check = coverage_evaluate(officer, decision, rules)
        read.append((time.perf_counter() - t0) * 1000)
        statuses[check.status] = statuses.get(check.status, 0) + 1
        t0 = time.perf_counter()
        decision_check(actor=officer, decision=decision, open_case=False)
        service.append((time.perf_counter() - t0) * 1000)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('vetting_conclusion'))")
        size = cursor.fetchone()[0]  # type: ignore[index]
    print(f"machine: {machine()}")
    print(
        f"dataset: {Conclusion.objects.count():,} conclusions ({size}), "
        f"{Dossier.objects.count():,} dossiers; {len(decisions)} decisions checked: {statuses}"
    )
    for label, samples in (("coverage_evaluate (reads)", read), ("decision_check", service)):
        print(
            f"{label}: median {percentile(samples, 0.5):.2f} ms, "
            f"p95 {percentile(samples, 0.95):.2f} ms, max {max(samples):.2f} ms"
        )


if __name__ == "__main__":
    main()
