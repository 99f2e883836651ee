"""`make stop` ends what `make run` of this checkout recorded, by process id and start time,
and nothing else."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bvct.core import devserver

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    """A process that would run for a minute (standing in for the web server)."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process
    if process.poll() is None:
        process.kill()
    process.wait()


def test_stop_ends_the_recorded_processes(tmp_path: Path, sleeper: subprocess.Popen[bytes]) -> None:
    pidfile = tmp_path / "devserver.pid"
    devserver.record([sleeper.pid], pidfile)
    assert json.loads(pidfile.read_text())[0]["pid"] == sleeper.pid

    assert devserver.stop(pidfile, wait=10) == 1

    assert sleeper.wait(timeout=10) is not None
    assert not pidfile.exists()


def test_stop_leaves_alone_a_process_that_took_over_a_recorded_id(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    # The recorded server ended long ago; its id now belongs to another program.
    pidfile = tmp_path / "devserver.pid"
    pidfile.write_text(json.dumps([{"pid": sleeper.pid, "started": "1"}]))

    assert devserver.stop(pidfile, wait=1) == 0

    assert sleeper.poll() is None  # still running
    assert not pidfile.exists()  # the stale record is gone


def test_stop_without_a_record_or_with_ended_processes_does_nothing(
    tmp_path: Path, sleeper: subprocess.Popen[bytes]
) -> None:
    pidfile = tmp_path / "devserver.pid"
    assert devserver.stop(pidfile) == 0
    devserver.record([sleeper.pid], pidfile)
    sleeper.kill()
    sleeper.wait()
    assert devserver.stop(pidfile) == 0
    pidfile.write_text("not json")
    assert devserver.stop(pidfile) == 0


def test_process_start_time_names_one_process(sleeper: subprocess.Popen[bytes]) -> None:
    started = devserver.process_started(sleeper.pid)
    assert started is not None
    assert devserver.process_started(sleeper.pid) == started
    sleeper.kill()
    sleeper.wait()
    assert devserver.process_started(sleeper.pid) is None


def test_make_stop_matches_no_process_by_name() -> None:
    makefile = (REPO / "Makefile").read_text()
    stop = makefile[makefile.index("\nstop:") :].split("\n\n")[0]
    assert "bvct.core.devserver stop" in stop
    assert "pkill" not in makefile and "killall" not in makefile
