"""Generate --cases cases with their events (and, for the concluded ones, their issued
documents and conclusions) on top of the bench database's province (bench/bench_generate.py),
set-based in SQL (INSERT ... SELECT over generate_series, in chunks), and report the time.

Each generated case g is about dossier (g mod dossiers), concluded by the committee that
manages it (one in ten by the provincial committee); its state follows g mod 20: 10 % open,
20 % appraisal, 15 % verification, 10 % deliberation, 40 % concluded, 5 % withdrawn. Stage
durations vary with g (appraisal 2–10 days against a 7-day deadline, verification 5–34 days
against 28, deliberation 3–17 against 14), so some spans run late; open cases entered their
stage 0–11 days ago, concluded ones over the last two years. Cases of the bench's commune
(bench/_common.py COMMUNE) are assigned to its officer ``bench.queue``, so "my cases" has rows.
The events are the OPEN, TRANSITION and WITHDRAW rows the services write (the stage durations
come from them); a concluded case's document holds a placeholder, not a rendered DOCX.

    .venv/bin/python bench/bench_generate_cases.py --cases 1000000 [--members 100000]
    .venv/bin/python bench/bench_generate_cases.py --cases 20000 --members 2000   # smoke
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import time

from _common import COMMUNE, bench_officer, machine, setup_django

CHUNK = 50_000
MARK = "TTB-"  # references of generated cases (bench_check.py uses "BENCH-")
PLACEHOLDER = b"bench placeholder: not a rendered document"

_PLAN = """
CREATE UNLOGGED TABLE bench_case_plan AS
SELECT g, s.id AS subject_id, s.org_path, s.classification, s.declaration_id,
       CASE WHEN g %% 10 = 0 THEN %(root)s ELSE s.managing_org_id END AS body_id,
       st.state, st.idx,
       1 + g %% 2 AS d1, 2 + (g * 7) %% 9 AS d2, 5 + (g * 11) %% 30 AS d3, 3 + (g * 13) %% 15 AS d4,
       s.org_path LIKE %(commune)s AS mine
  FROM generate_series(%(lo)s, %(hi)s) g
  JOIN bench_subjects s ON s.rn = (g %% %(subjects)s) + 1
  CROSS JOIN LATERAL (SELECT CASE
        WHEN g %% 20 < 2 THEN 'OPEN' WHEN g %% 20 < 6 THEN 'APPRAISAL'
        WHEN g %% 20 < 9 THEN 'VERIFICATION' WHEN g %% 20 < 11 THEN 'DELIBERATION'
        WHEN g %% 20 < 19 THEN 'CONCLUDED' ELSE 'WITHDRAWN' END AS state,
      CASE WHEN g %% 20 < 2 THEN 0 WHEN g %% 20 < 6 THEN 1 WHEN g %% 20 < 9 THEN 2
           WHEN g %% 20 < 11 THEN 3 ELSE 4 END AS idx) st
"""
# Offsets (days after opening) of each stage's start; the case was opened so that its
# current stage started 0-11 days ago (open) or its end lies 0-730 days back (closed).
_OFFSETS = "ARRAY[0, b.d1, b.d1 + b.d2, b.d1 + b.d2 + b.d3, b.d1 + b.d2 + b.d3 + b.d4]"
_CASES = f"""
WITH p AS (
    SELECT b.*, {_OFFSETS} AS offs,
           CASE WHEN b.state = 'WITHDRAWN' THEN ARRAY['OPEN', 'APPRAISAL', 'WITHDRAWN']
                ELSE ARRAY['OPEN', 'APPRAISAL', 'VERIFICATION', 'DELIBERATION', 'CONCLUDED']
           END AS path
      FROM bench_case_plan b
), q AS (
    SELECT p.*, CASE WHEN p.state = 'WITHDRAWN' THEN 2 ELSE p.idx END AS last,
           current_date - (CASE WHEN p.state IN ('CONCLUDED', 'WITHDRAWN')
                                THEN ((p.g::bigint * 7919) %% 730)::int ELSE p.g %% 12 END)
                        - (p.offs)[(CASE WHEN p.state = 'WITHDRAWN' THEN 2 ELSE p.idx END) + 1]
               AS opened
      FROM p
), ins AS (
    INSERT INTO vetting_case (public_id, created_at, updated_at, version, reference, subject_id,
           origin, state, rule_pack_id, competent_body_id, org_path, classification, restricted,
           assignee_ids, complex, summary, stage_started_on, stage_due_on, opened_at, closed_at)
    SELECT gen_random_uuid(), now(), now(), 1, %(mark)s || q.g, q.subject_id, 'DECISION',
           q.state, %(pack)s, q.body_id, q.org_path, q.classification, false,
           CASE WHEN q.mine THEN ARRAY[%(officer)s]::bigint[] ELSE '{{}}'::bigint[] END, false,
           '', q.opened + (q.offs)[q.last + 1],
           CASE q.state WHEN 'APPRAISAL' THEN q.opened + (q.offs)[2] + 7
                        WHEN 'VERIFICATION' THEN q.opened + (q.offs)[3] + 28
                        WHEN 'DELIBERATION' THEN q.opened + (q.offs)[4] + 14 END,
           q.opened::timestamptz + interval '8 hours',
           CASE WHEN q.state IN ('CONCLUDED', 'WITHDRAWN')
                THEN (q.opened + (q.offs)[q.last + 1])::timestamptz + interval '15 hours' END
      FROM q
    RETURNING id, reference
)
INSERT INTO vetting_caseevent (case_id, at, actor_id, actor_name, kind, from_state, to_state,
       due_on, note)
SELECT ins.id,
       (q.opened + (q.offs)[j + 1])::timestamptz + interval '8 hours' + j * interval '1 hour',
       NULL, 'Hệ thống',
       CASE WHEN j = 0 THEN 'OPEN' WHEN (q.path)[j + 1] = 'WITHDRAWN' THEN 'WITHDRAW'
            ELSE 'TRANSITION' END,
       CASE WHEN j = 0 THEN '' ELSE (q.path)[j] END, (q.path)[j + 1],
       CASE (q.path)[j + 1] WHEN 'APPRAISAL' THEN q.opened + (q.offs)[j + 1] + 7
                            WHEN 'VERIFICATION' THEN q.opened + (q.offs)[j + 1] + 28
                            WHEN 'DELIBERATION' THEN q.opened + (q.offs)[j + 1] + 14 END,
       ''
  FROM ins
  JOIN q ON %(mark)s || q.g = ins.reference
  CROSS JOIN LATERAL generate_series(0, q.last) j
"""
_DOCUMENTS = """
INSERT INTO documents_issueddocument (public_id, created_at, updated_at, version, doc_type,
       number, number_symbol, issuer_id, term_id, issued_on, title, classification, org_path,
       content, sha256, template_id, case_id)
SELECT gen_random_uuid(), now(), now(), 1, 'CONCLUSION', %(base)s + b.g,
       (%(base)s + b.g) || '-KL/TU', %(issuer)s, %(term)s, c.stage_started_on,
       'về tiêu chuẩn chính trị', c.classification, c.org_path, %(content)s, %(sha)s,
       %(template)s, c.id
  FROM bench_case_plan b
  JOIN vetting_case c ON c.competent_body_id = b.body_id AND c.reference = %(mark)s || b.g
 WHERE b.state = 'CONCLUDED'
"""
_CONCLUSIONS = """
INSERT INTO vetting_conclusion (public_id, created_at, updated_at, version, case_id, subject_id,
       competent_body_id, meeting_date, members_total, members_present, votes_for,
       votes_against, dissent, signer_id, signer_title, document_id, number_symbol,
       concluded_on, outcome, text, valid_until, covers_kinds, rests_on_nothing_found,
       declaration_id, rule_pack_id, org_path, classification)
SELECT gen_random_uuid(), c.closed_at, now(), 1, c.id, c.subject_id, c.competent_body_id,
       c.stage_started_on, 9, 8, 7, 1, '', %(signer)s, 'Bí thư', d.id, d.number_symbol,
       c.stage_started_on,
       CASE WHEN d.number %% 10 = 0 THEN 'ISSUE_NO_VIOLATION' ELSE 'NO_ISSUE' END,
       'Đủ tiêu chuẩn chính trị.', (c.stage_started_on + interval '6 months')::date,
       ARRAY['APPOINTMENT', 'SUCCESSION_PLANNING'], true, b.declaration_id, %(pack)s,
       c.org_path, c.classification
  FROM bench_case_plan b
  JOIN vetting_case c ON c.competent_body_id = b.body_id AND c.reference = %(mark)s || b.g
  JOIN documents_issueddocument d ON d.case_id = c.id
 WHERE b.state = 'CONCLUDED'
"""


def generate(total: int, officer_id: int, signer_id: int) -> int:
    """Cases up to ``total`` generated ones; returns how many were added."""
    from django.db import connection, transaction

    from bvct.documents.constants import DocumentType
    from bvct.documents.models import Term
    from bvct.documents.services import _template_install
    from bvct.orgs.models import Organisation
    from bvct.vetting.models import Case, RulePack

    have = Case.objects.filter(reference__startswith=MARK).count()
    if have >= total:
        return 0
    root = Organisation.objects.filter(parent__isnull=True).order_by("id").first()
    assert root is not None, "no province: run bench_generate.py or pass --members"
    commune = Organisation.objects.get(code=COMMUNE)
    term = Term.objects.filter(issuer=root).first() or Term.objects.create(
        issuer=root, name="2025–2030", starts_on=dt.date(2020, 1, 1), symbol="TU",
        heading=root.name.upper(),
    )  # fmt: skip
    template = _template_install(DocumentType.CONCLUSION)
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
        base = cursor.fetchone()[0]
    params = {
        "root": root.pk, "commune": commune.path + "%", "subjects": subjects,
        "pack": RulePack.objects.get(status="ACTIVE").pk, "officer": officer_id,
        "signer": signer_id, "mark": MARK, "issuer": root.pk, "term": term.pk,
        "template": template.pk, "content": PLACEHOLDER,
        "sha": hashlib.sha256(PLACEHOLDER).hexdigest(), "base": base - have,
    }  # fmt: skip
    for lo in range(have + 1, total + 1, CHUNK):
        chunk = {**params, "lo": lo, "hi": min(total, lo + CHUNK - 1)}
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_case_plan")
            cursor.execute(_PLAN, chunk)
            cursor.execute(_CASES, chunk)
            cursor.execute(_DOCUMENTS, chunk)
            cursor.execute(_CONCLUSIONS, chunk)
            cursor.execute("DROP TABLE bench_case_plan")
        print(f"  cases {chunk['hi']:,}/{total:,}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_subjects")
        for table in (
            "vetting_case", "vetting_caseevent", "documents_issueddocument", "vetting_conclusion"
        ):  # fmt: skip
            cursor.execute(f"VACUUM ANALYZE {table}")
    return total - have


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=0, help="generate a province first")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from bvct.people.models import Dossier
    from bvct.vetting.models import Case, CaseEvent, Conclusion

    if args.members and not Dossier.objects.exists():
        from bvct.demo.generator import generate as generate_province

        started = time.perf_counter()
        made = generate_province(members=args.members, seed=args.seed, chunk=5000)
        print(f"province: {made.members:,} members in {time.perf_counter() - started:.1f} s")
    officer = bench_officer("bench.queue", COMMUNE, clearance="TUYET_MAT")
    signer = bench_officer("bench.signer", COMMUNE, clearance="TUYET_MAT")
    started = time.perf_counter()
    added = generate(args.cases, officer.pk, signer.pk)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('vetting_case'))")
        size = cursor.fetchone()[0]  # type: ignore[index]
    print(f"machine: {machine()}")
    print(
        f"generated {added:,} cases in {elapsed:.1f} s"
        + (f" ({added / elapsed:,.0f} cases/s)" if added else "")
        + f"; now {Case.objects.count():,} cases ({size} with indexes), "
        f"{CaseEvent.objects.count():,} events, {Conclusion.objects.count():,} conclusions, "
        f"{Dossier.objects.count():,} dossiers"
    )


if __name__ == "__main__":
    main()
