"""`make run`: database, migrations, demo data, then the development web server.

Stops the embedded PostgreSQL again on exit or Ctrl-C, but only if this run started it (a
second `make run` must not pull the database from under the first). Django is run as
subprocesses, so this module does not import it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from bvct.core import devdb

HOST, PORT = "127.0.0.1", int(os.environ.get("BVCT_DEV_PORT", "8000"))
MANAGE = [sys.executable, str(Path(__file__).resolve().parents[2] / "manage.py")]


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _manage(*args: str) -> None:
    subprocess.run([*MANAGE, *args], check=True)  # noqa: S603


def _exit_on_signal(signum: int, frame: object) -> None:
    # SIGTERM (kill) and SIGHUP (terminal closed) end the run like Ctrl-C: cleanup still runs.
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGHUP, _exit_on_signal)
    if not _port_free(HOST, PORT):
        print(f"Cổng {PORT} đang được dùng (BVCT đã chạy?). Dừng chương trình kia trước.")
        return 1
    use_embedded = not os.environ.get("DATABASE_URL")
    started_db = False
    try:
        if use_embedded:
            started_db = not devdb.is_running(devdb.DEFAULT_DATA)
            devdb.start(devdb.DEFAULT_DATA)
            print(f"PostgreSQL: {devdb.DEFAULT_DATA}")
        _manage("migrate", "--noinput")
        _manage("seed_demo", "--if-empty")
        _manage("collectstatic", "--noinput", "--verbosity", "0")
        _manage("seed_demo", "--print-logins")
        print(f"BVCT: http://{HOST}:{PORT}  (Ctrl-C dừng máy chủ web và CSDL)")
        return subprocess.call([*MANAGE, "runserver", f"{HOST}:{PORT}", "--noreload"])  # noqa: S603
    except KeyboardInterrupt:
        return 0
    except subprocess.CalledProcessError as exc:
        return exc.returncode or 1
    finally:
        if started_db:
            devdb.stop(devdb.DEFAULT_DATA)
            print("PostgreSQL đã dừng.")


if __name__ == "__main__":
    sys.exit(main())
