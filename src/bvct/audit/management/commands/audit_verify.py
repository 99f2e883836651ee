"""python src/manage.py audit_verify [--anchor SEQ:HASH ...]: exit 1 naming the first bad event."""

from __future__ import annotations

import re
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bvct.audit.services import audit_verify_record
from bvct.audit.verify import verify_chain

_ANCHOR = re.compile(r"^(\d+):([0-9a-fA-F]{64})$")


class Command(BaseCommand):
    help = "Kiểm tra tính toàn vẹn của chuỗi nhật ký (hash SHA-256 nối tiếp)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="Mốc đã ghi nhận trước đó (số thứ tự:hash hex), có thể lặp lại.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = []
        for raw in options["anchor"]:
            match = _ANCHOR.match(raw)
            if not match:
                raise CommandError(f"Mốc không hợp lệ: {raw!r} (cần dạng SỐ:HASH-64-KÝ-TỰ-HEX)")
            anchors.append((int(match.group(1)), match.group(2)))
        started = time.perf_counter()
        result = verify_chain(anchors)
        elapsed = time.perf_counter() - started
        audit_verify_record(result=result)
        if not result.ok:
            raise CommandError(result.message)
        self.stdout.write(result.message)
        if result.head_seq is not None:
            self.stdout.write(
                f"Mốc hiện tại (ghi lại để đối chiếu): {result.head_seq}:{result.head_hash}"
            )
        self.stdout.write(f"Thời gian: {elapsed:.2f} s")
