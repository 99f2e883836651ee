"""Import throughput (goal >= 100,000 rows/s for a 100,000-member province with relatives).

Writes a CSV in the import template's format from the data generator (--members members,
about 11 rows each), then times a dry run (all checks) and the real import into one
commune-level committee of the bench database, a second real import of the same file
(which must change nothing), and an import of the file with --changed percent of its members
changed (each such member's occupation), as a monthly update would be.

    .venv/bin/python bench/bench_import.py [--members 100000]
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import BENCH_DB, machine, percentile, setup_django


def write_csv(path: Path, members: int, seed: int) -> int:
    from bvct.demo import generator
    from bvct.orgs.models import Organisation
    from bvct.people.import_columns import HEADERS, KEYS, SELF
    from bvct.people.models import RelationKind

    names = dict(RelationKind.objects.values_list("code", "name"))
    home, far = generator._places()
    ctx = generator.Context(
        rng=random.Random(seed),
        home_places=home,
        far_places=far,
        relations={},
        committees=list(Organisation.objects.filter(kind__is_committee=True)[:20]),
        root=None,  # type: ignore[arg-type]
        tiers={},
        cccd_serials={},
    )
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        for number in range(members):
            subject, relatives, _ = generator._member_family(ctx)
            ref = f"B{seed}-{number:07d}"
            for row in [subject, *relatives]:
                out.writerow([{
                    "ref": ref, "relation": SELF if row.relation is None else names[row.relation],
                    "full_name": row.full_name, "sex": "Nam" if row.sex == "M" else "Nữ",
                    "birth": generator._date_text(row.birth),
                    "death": generator._date_text(row.death), "death_details": row.death_details,
                    "citizen_id": row.citizen_id or "", "birthplace": row.birthplace.name,
                    "hometown": row.place.name, "residence": row.residence, "ethnicity": "Kinh",
                    "religion": row.religion, "nationality": "Việt Nam",
                    "occupation": row.occupation, "political_history": row.political_history,
                    "current_situation": row.current_situation,
                    "classification": "" if row.relation else "Không mật",
                }.get(key, "") for key in KEYS])  # fmt: skip
                rows += 1
    return rows


def _timer(timings: list[tuple[float, str]]) -> Callable[..., Any]:
    """A statement wrapper that records each statement's time and its first words."""

    def wrapper(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql, *args)
        finally:
            timings.append((time.perf_counter() - t0, " ".join(sql.split())[:110]))

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--org", default="du-xa-tien-du")
    parser.add_argument("--csv", type=Path, help="keep the CSV here and reuse it when present")
    parser.add_argument("--profile", action="store_true", help="each run's slowest statements")
    parser.add_argument(
        "--changed", type=int, default=5, help="percent of members the update file changes"
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=1,
        help="several runs, each into the same empty database re-created from a copy "
        "(BVCT_BENCH_DB must name a fresh database, never the generated province)",
    )
    args = parser.parse_args()
    setup_django(migrate=True)
    from django.db import connection

    from bvct.demo.province import seed_demo_structure
    from bvct.people.imports import import_dossiers
    from bvct.people.models import Person

    seed_demo_structure()  # a fresh database (BVCT_BENCH_DB) needs the organisations
    if args.runs > 1:
        if Person.objects.exists():
            raise SystemExit(f"--runs needs an empty database; {BENCH_DB} has persons")
        _recreate(connection, f"{BENCH_DB}_empty", BENCH_DB)  # the copy each run starts from
    samples: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = args.csv or Path(folder) / "province.csv"
        t0 = time.perf_counter()
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                rows = sum(1 for _ in csv.reader(handle)) - 1
        else:
            rows = write_csv(path, args.members, args.seed)
        written = time.perf_counter() - t0
        size = path.stat().st_size / 1e6
        print(f"machine: {machine()}")
        print(
            f"CSV: {rows:,} rows for {args.members:,} members, {size:.0f} MB "
            f"(written in {written:.1f} s)"
        )
        update = Path(folder) / "update.csv"
        changed = write_update(path, update, args.changed)
        print(f"update: the same file with {changed:,} members' occupation changed")
        for run in range(args.runs):
            if args.runs > 1:
                print(f"run {run + 1} of {args.runs}")
                _recreate(connection, BENCH_DB, f"{BENCH_DB}_empty")
            for label, dry, updated in LABELS:
                elapsed = _run(
                    args, update if updated else path, rows, label, dry, import_dossiers,
                    connection,
                )  # fmt: skip
                samples.setdefault(label, []).append(elapsed)
    if args.runs > 1:
        for label, _, _ in LABELS:
            seconds = samples[label]
            median, p95 = statistics.median(seconds), percentile(seconds, 0.95)
            print(
                f"{label:22} median {median:6.1f} s = {rows / median:,.0f} rows/s, "
                f"p95 {p95:6.1f} s = {rows / p95:,.0f} rows/s (n={len(seconds)})"
            )


LABELS = (
    ("dry run (all checks)", True, False),
    ("import", False, False),
    ("re-import", False, False),
    ("update", False, True),
)


def write_update(source: Path, target: Path, percent: int) -> int:
    """``source`` with the occupation of every member whose reference's number is a multiple
    of 100 / ``percent`` changed; returns how many members that is."""
    from bvct.people.import_columns import SELF, TITLE

    every = max(1, round(100 / percent)) if percent else 0
    changed = 0
    with (
        source.open(encoding="utf-8", newline="") as inp,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        reader, writer = csv.reader(inp), csv.writer(out)
        header = next(reader)
        writer.writerow(header)
        ref, relation, job = (header.index(TITLE[k]) for k in ("ref", "relation", "occupation"))
        for row in reader:
            if every and row[relation] == SELF and int(row[ref].rsplit("-", 1)[1]) % every == 0:
                row[job] = (row[job] + " (đã đổi)").strip()
                changed += 1
            writer.writerow(row)
    return changed


def _recreate(connection: Any, name: str, template: str) -> None:
    """Drop ``name`` and create it as a copy of ``template`` (no session may be in either)."""
    import psycopg
    from psycopg import sql

    connection.close()
    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    with psycopg.connect(autocommit=True, **params) as admin:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        admin.execute(drop.format(sql.Identifier(name)))
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )


def _run(
    args: argparse.Namespace,
    path: Path,
    rows: int,
    label: str,
    dry: bool,
    import_dossiers: Callable[..., Any],
    connection: Any,
) -> float:
    from bvct.core.gate import SYSTEM

    timings: list[tuple[float, str]] = []
    with path.open("rb") as stream, connection.execute_wrapper(_timer(timings)):
        t0 = time.perf_counter()
        report = import_dossiers(
            actor=SYSTEM, managing_org_code=args.org, stream=stream,
            file_name=path.name, dry_run=dry,
        )  # fmt: skip
        elapsed = time.perf_counter() - t0
    assert report.ok, report.errors[:5]
    print(
        f"{label:22} {elapsed:7.1f} s  {rows / elapsed:>10,.0f} rows/s  "
        f"created {report.created:,} updated {report.updated:,} "
        f"unchanged {report.unchanged:,}"
    )
    if args.profile:
        for seconds, sql in sorted(timings, reverse=True)[:12]:
            print(f"    {seconds:6.2f} s  {sql}")
    return elapsed


if __name__ == "__main__":
    main()
