"""The case queue through the production server (gunicorn as docs/deployment.md runs it, on
loopback), as a commune officer and as the provincial board's officer, with 1 and with 16
concurrent signed-in users, each for --seconds: median and p95 of each.

The queue is the first page of the open cases the user sees, nearest deadline first
(``GET /api/cases/?open=true``, 50 a page, with working days left) and, in turn, the
officer's home page (their cases by stage, what is late, decisions waiting for a check).
Runs on the cases bench/bench_generate_cases.py generated (the commune officer
``bench.queue`` is assigned to their commune's cases).

    .venv/bin/python bench/bench_queue.py [--workers 4] [--seconds 30] [--users 1,16]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from _common import COMMUNE, bench_officer, machine, percentile, setup_django
from bench_load import PASSWORD, _client

BOARD = "btc-tu"  # the provincial organisation board: the whole province
PAGES = {"queue (API)": "/api/cases/?open=true", "home page": "/"}


def _serve(port: int, workers: int) -> subprocess.Popen[bytes]:
    src = Path(__file__).resolve().parents[1] / "src"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "BVCT_ALLOW_GENERATED_SECRET_KEY": "true",
        "BVCT_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"), "config.wsgi",
            "--chdir", str(src), "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--timeout", "60",
        ],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def _run(base: str, username: str, url: str, users: int, seconds: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    openers = [_client(base, username) for _ in range(users)]
    for opener in openers:  # warm each worker's connection and caches
        opener.open(base + url, timeout=30).read()
    deadline = time.monotonic() + seconds

    def loop(opener: urllib.request.OpenerDirector) -> None:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                opener.open(base + url, timeout=30).read()
                failed = False
            except (urllib.error.HTTPError, OSError):
                failed = True
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                errors[0] += failed

    threads = [threading.Thread(target=loop, args=(o,)) for o in openers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--users", default="1,16")
    parser.add_argument("--port", type=int, default=8172)
    args = parser.parse_args()
    setup_django(migrate=False)
    from bvct.accounts.services import user_set_password
    from bvct.core.gate import SYSTEM
    from bvct.vetting.models import Case
    from bvct.vetting.selectors_queue import CaseFilter, case_list

    personas = {
        "commune officer": bench_officer("bench.queue", COMMUNE, clearance="TUYET_MAT"),
        "provincial board": bench_officer("bench.board", BOARD, clearance="TUYET_MAT"),
    }
    for user in personas.values():
        user_set_password(actor=SYSTEM, user=user, password=PASSWORD)
    print(f"machine: {machine()}")
    print(f"dataset: {Case.objects.count():,} cases; {args.workers} gunicorn workers")
    for name, user in personas.items():
        seen = case_list(user=user, filters=CaseFilter(open_only=True)).count()
        mine = case_list(user=user, filters=CaseFilter(open_only=True, mine=True)).count()
        print(f"  {name} ({user.organisation.name}): sees {seen:,} open cases, {mine:,} assigned")
    server = _serve(args.port, args.workers)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for name, user in personas.items():
            for label, url in PAGES.items():
                for users in (int(u) for u in args.users.split(",")):
                    samples, errors = _run(base, user.username, url, users, args.seconds)
                    print(
                        f"{name}, {label}, {users} user(s): n={len(samples)} "
                        f"median {percentile(samples, 0.5):.1f} ms, "
                        f"p95 {percentile(samples, 0.95):.1f} ms, errors {errors}",
                        flush=True,
                    )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
