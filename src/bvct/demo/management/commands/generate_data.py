"""python src/manage.py generate_data --members N --seed S

A realistic province: N managed members with about ten declared relatives each (about 11 N
person rows), deterministic for a seed. Adds to the demo province (created if missing).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bvct.demo.generator import generate


class Progress:
    """A one-line progress bar on stderr (only on a terminal)."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.started = total, 0, time.perf_counter()
        self.tty = sys.stderr.isatty()

    def __call__(self, step: int) -> None:
        self.done += step
        if not self.tty and self.done < self.total:
            return
        share = self.done / self.total
        rate = self.done / max(time.perf_counter() - self.started, 1e-9)
        bar = "#" * int(share * 30)
        sys.stderr.write(f"\r[{bar:<30}] {self.done:>9,}/{self.total:,} thành viên  {rate:,.0f}/s")
        if self.done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


class Command(BaseCommand):
    help = "Sinh dữ liệu thử nghiệm: đảng viên và thân nhân của họ (xác định theo seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, required=True, help="Số đảng viên (hồ sơ).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--chunk", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.BVCT_DEMO_ALLOWED:
            raise CommandError("Dữ liệu thử nghiệm bị tắt (BVCT_DEMO_ALLOWED=false).")
        members = options["members"]
        if not 1 <= members <= 5_000_000:
            raise CommandError("--members phải từ 1 đến 5.000.000.")
        result = generate(
            members=members,
            seed=options["seed"],
            progress=Progress(members),
            chunk=options["chunk"],
        )
        self.stdout.write(
            f"Đã sinh {result.members:,} hồ sơ, {result.persons:,} người "
            f"trong {result.seconds:.1f} s ({result.persons / result.seconds:,.0f} người/s)."
        )
