"""The worker memory ceiling: past it one allocation fails, the process goes on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

PROGRAM = """
from bvct.core.limits import apply_memory_limit
cap = apply_memory_limit({mb})
try:
    hog = bytearray({ask} * 1024 * 1024)
    print("allocated")
except MemoryError:
    print("refused")
small = bytearray(8 * 1024 * 1024)
print("alive", cap)
"""


def _run(mb: int, ask: int) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM.format(mb=mb, ask=ask)],
        cwd=SRC,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.split()


def test_an_allocation_past_the_ceiling_fails_and_the_process_goes_on() -> None:
    assert _run(mb=400, ask=1024) == ["refused", "alive", str(400 * 1024 * 1024)]


def test_without_a_ceiling_the_same_allocation_succeeds() -> None:
    assert _run(mb=0, ask=1024) == ["allocated", "alive", "None"]
