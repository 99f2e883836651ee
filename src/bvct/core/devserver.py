"""`make run`: database, migrations, demo data, then the development web server; `make stop`.

Stops the embedded PostgreSQL again on exit or Ctrl-C, but only if this run started it (a
second `make run` must not pull the database from under the first). Django is run as
subprocesses, so this module does not import it.

While it serves, the run records itself and its web server in ``var/devserver.pid`` (each
process's id with its start time). ``python -m bvct.core.devserver stop`` (`make stop`) ends
those processes, and only those: a recorded process id now held by another program (the
start time differs) is left alone, and nothing is looked up by name, so another checkout's
server on the same machine is never touched.

    python -m bvct.core.devserver          # serve on 127.0.0.1:$BVCT_DEV_PORT (default 8000)
    python -m bvct.core.devserver stop     # stop what `make run` of this checkout started
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bvct.core import devdb

HOST, PORT = "127.0.0.1", int(os.environ.get("BVCT_DEV_PORT", "8000"))
MANAGE = [sys.executable, str(Path(__file__).resolve().parents[2] / "manage.py")]
PIDFILE = devdb.VAR_DIR / "devserver.pid"
STOP_WAIT_SECONDS = 15.0


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
    # SIGTERM (kill, `make stop`) and SIGHUP (terminal closed) end the run like Ctrl-C:
    # cleanup still runs.
    raise KeyboardInterrupt


# --- which processes this checkout started ------------------------------------------------------


def process_started(pid: int) -> str | None:
    """When the process ``pid`` started, as the system tells it; None if there is none.

    With the id, this names one process: an id is reused by later processes, a start time
    with it is not. Linux: field 22 of /proc/<pid>/stat (clock ticks since boot); elsewhere
    what ``ps -o lstart=`` prints."""
    proc = Path("/proc")
    if proc.is_dir():
        try:
            stat = (proc / str(pid) / "stat").read_text()
        except OSError:
            return None
        # The command name (field 2) may hold spaces and parentheses: count after the last ')'.
        return stat[stat.rindex(")") + 2 :].split()[19]
    result = subprocess.run(  # noqa: S603
        ["ps", "-o", "lstart=", "-p", str(pid)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or None


def record(pids: list[int], path: Path = PIDFILE) -> None:
    """Write down these processes (each id with its start time) for `make stop`."""
    entries = [{"pid": pid, "started": process_started(pid)} for pid in pids]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(entries))
    temporary.replace(path)


def _recorded(path: Path) -> list[dict[str, object]]:
    try:
        entries = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("pid"), int)]


def _still_that_process(entry: dict[str, object]) -> bool:
    started = process_started(int(entry["pid"]))  # type: ignore[call-overload]
    return started is not None and started == entry.get("started")


def stop(path: Path = PIDFILE, wait: float = STOP_WAIT_SECONDS) -> int:
    """End the processes recorded in ``path`` that are still the ones recorded; return how
    many were ended. The run first: it stops its web server and, if it started it, the
    database; then whatever of the record is left."""
    entries = _recorded(path)
    ended = 0
    for entry in entries:
        if not _still_that_process(entry):
            continue
        pid = int(entry["pid"])  # type: ignore[call-overload]
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        deadline = time.monotonic() + wait
        while _still_that_process(entry) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _still_that_process(entry):
            os.kill(pid, signal.SIGKILL)
        ended += 1
    path.unlink(missing_ok=True)
    return ended


def _forget(path: Path = PIDFILE) -> None:
    """Remove the record if it is this run's (a later run may have written its own)."""
    entries = _recorded(path)
    if entries and entries[0]["pid"] == os.getpid():
        path.unlink(missing_ok=True)


# --- make run -----------------------------------------------------------------------------------


def run() -> int:
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGHUP, _exit_on_signal)
    if not _port_free(HOST, PORT):
        print(
            f"Cổng {PORT} đang được dùng (BVCT đã chạy?). Dừng chương trình kia trước, "
            "hoặc chọn cổng khác: BVCT_DEV_PORT=8001 make run."
        )
        return 1
    use_embedded = not os.environ.get("DATABASE_URL")
    started_db = False
    server: subprocess.Popen[bytes] | None = None
    try:
        if use_embedded:
            started_db = not devdb.is_running(devdb.DEFAULT_DATA)
            devdb.start(devdb.DEFAULT_DATA)
            print(f"PostgreSQL: {devdb.DEFAULT_DATA}")
        record([os.getpid()])
        _manage("migrate", "--noinput")
        _manage("seed_demo", "--if-empty")
        _manage("collectstatic", "--noinput", "--verbosity", "0")
        _manage("seed_demo", "--print-logins")
        print(f"BVCT: http://{HOST}:{PORT}  (Ctrl-C hoặc `make stop` dừng máy chủ web và CSDL)")
        server = subprocess.Popen([*MANAGE, "runserver", f"{HOST}:{PORT}", "--noreload"])  # noqa: S603
        record([os.getpid(), server.pid])
        return server.wait()
    except KeyboardInterrupt:
        return 0
    except subprocess.CalledProcessError as exc:
        return exc.returncode or 1
    finally:
        if server is not None and server.poll() is None:
            # Ctrl-C reached it too; a SIGTERM sent to this run alone did not.
            server.terminate()
            try:
                server.wait(timeout=STOP_WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                server.kill()
        _forget()
        if started_db:
            devdb.stop(devdb.DEFAULT_DATA)
            print("PostgreSQL đã dừng.")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["stop"]:
        ended = stop()
        print("Đã dừng máy chủ web BVCT." if ended else "Không có máy chủ web BVCT nào đang chạy.")
        return 0
    if args:
        print(__doc__)
        return 2
    return run()


if __name__ == "__main__":
    sys.exit(main())
