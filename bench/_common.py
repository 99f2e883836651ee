"""Shared set-up for benchmarks: a durable embedded cluster (var/pg) and its own database.

Benchmarks never use the test cluster (fsync off there) and never touch the demo database.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
BENCH_DB = os.environ.get("BVCT_BENCH_DB", "bvct_bench")  # another name: a fresh database


def setup_django(migrate: bool = True) -> None:
    if not os.environ.get("DATABASE_URL"):
        from bvct.core import devdb

        devdb.start()
        sock = devdb.socket_dir(devdb.DEFAULT_DATA)
        psql = [devdb._bin("psql"), "-h", str(sock), "-U", "postgres", "-d", "postgres", "-tAc"]
        exists = subprocess.run(
            [*psql, f"SELECT 1 FROM pg_database WHERE datname='{BENCH_DB}'"],
            capture_output=True,
            text=True,
            check=True,
        )
        if exists.stdout.strip() != "1":
            subprocess.run([*psql, f"CREATE DATABASE {BENCH_DB}"], check=True)
        os.environ["DATABASE_URL"] = f"postgresql://postgres@/{BENCH_DB}?host={sock}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("BVCT_ALLOW_GENERATED_SECRET_KEY", "true")  # a developer's machine
    os.environ.setdefault("BVCT_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def machine() -> str:
    cpus = os.cpu_count()
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{platform.machine()} {cpus} cores{mem}, Python {platform.python_version()}"


def summary(label: str, samples_ms: Sequence[float]) -> str:
    ordered = sorted(samples_ms)
    median = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{label}: n={len(ordered)} median={median:.3f} ms p95={p95:.3f} ms"


def percentile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# A commune-level committee of the generated province: the "regular officer" works there.
COMMUNE = "du-phuong-kinh-bac"


def bench_officer(username: str, org_code: str = COMMUNE, clearance: str = "NONE") -> Any:
    """A BVCTNB officer of ``org_code`` made once for the measurements (with their scope and
    organisation loaded, as a signed-in request has them)."""
    from bvct.accounts.models import User
    from bvct.accounts.services import user_create
    from bvct.core.gate import SYSTEM

    user = User.objects.filter(username=username).first() or user_create(
        actor=SYSTEM,
        username=username,
        full_name="Cán bộ đo hiệu năng",
        organisation_code=org_code,
        roles=["BVCT_OFFICER"],
        clearance=clearance,
    )
    return User.objects.select_related("scope", "organisation").get(pk=user.pk)
