"""Load test of the production server: gunicorn as docs/deployment.md runs it, on loopback,
with many signed-in clients for a bounded time; counts errors, latency and the database
connections the server holds during and after the load (they must stay bounded and go back).

Runs on whatever province the bench database holds (bench/bench_generate.py), as a regular
officer of one commune-level committee: the search page, a dossier page, the search API and
the home page, in turn.

    .venv/bin/python bench/bench_load.py [--workers 4] [--clients 16] [--seconds 60]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from _common import bench_officer, machine, percentile, setup_django

PASSWORD = "Do-hieu-nang-tai-2026!"
QUERIES = ["nguyen van hung", "tran thi huong", "le van nam", "pham thi lan", "hoang minh duc"]


def _connections(cursor: object, database: str) -> int:
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [database],
    )
    return cursor.fetchone()[0]  # type: ignore[attr-defined]


def _client(base: str, username: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
    ).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=body)
    request.add_header("Referer", f"{base}/accounts/login/")
    opener.open(request, timeout=30).read()
    return opener


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=8171)
    args = parser.parse_args()
    setup_django(migrate=False)
    from django.conf import settings
    from django.db import connection

    from bvct.accounts.services import user_set_password
    from bvct.core.gate import SYSTEM
    from bvct.people.models import Dossier

    user = bench_officer("bench.tai")
    commune = user.organisation
    user_set_password(actor=SYSTEM, user=user, password=PASSWORD)
    ids = [
        str(i)
        for i in Dossier.objects.filter(org_path=commune.path, classification=0).values_list(
            "public_id", flat=True
        )[:5000]
    ]
    database = settings.DATABASES["default"]["NAME"]
    src = Path(__file__).resolve().parents[1] / "src"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "BVCT_ALLOW_GENERATED_SECRET_KEY": "true",
        "BVCT_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--chdir", str(src),
            "--bind", f"127.0.0.1:{args.port}",
            "--workers", str(args.workers),
            "--timeout", "60",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/accounts/login/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        deadline = time.monotonic() + args.seconds

        def run(seed: int) -> None:
            rng = random.Random(seed)
            opener = _client(base, user.username)
            while time.monotonic() < deadline:
                url = rng.choice(
                    [
                        f"/ho-so/?q={urllib.parse.quote(rng.choice(QUERIES))}",
                        f"/ho-so/{rng.choice(ids)}/",
                        f"/api/persons/?q={urllib.parse.quote(rng.choice(QUERIES))}",
                        "/",
                    ]
                )
                started = time.perf_counter()
                try:
                    opener.open(base + url, timeout=30).read()
                    failed = ""
                except urllib.error.HTTPError as exc:
                    failed = f"{exc.code} {url}"
                except OSError as exc:
                    failed = f"{type(exc).__name__} {url}"
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    if failed:
                        errors.append(failed)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(args.clients)]
        for thread in threads:
            thread.start()
        peak = 0
        with connection.cursor() as cursor:
            while any(t.is_alive() for t in threads):
                peak = max(peak, _connections(cursor, database))
                time.sleep(0.5)
            time.sleep(5)
            after = _connections(cursor, database)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(machine())
    print(
        f"{args.clients} clients, {args.workers} workers, {args.seconds:.0f} s: "
        f"{len(latencies)} requests, {len(errors)} errors; median "
        f"{statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms; "
        f"database connections: at most {peak} during, {after} five seconds after"
    )
    for error in errors[:10]:
        print("  error:", error)


if __name__ == "__main__":
    main()
