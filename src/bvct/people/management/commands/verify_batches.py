"""python src/manage.py verify_batches: exit 1 naming each export, import, search or list page
whose kept rows no longer match the digest its audit event sealed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bvct.audit.constants import AuditAction
from bvct.audit.services import audit_record
from bvct.core.gate import SYSTEM
from bvct.people.verify import verify_sealed_batches


class Command(BaseCommand):
    help = (
        "Đối chiếu danh sách hồ sơ của mỗi lần xuất, lịch sử thay đổi của mỗi lần nhập và "
        "những người hiện ra trong mỗi lần tra cứu, xem danh sách với mã SHA-256 đã niêm phong "
        "trong nhật ký."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_sealed_batches()
        audit_record(
            actor=SYSTEM,
            action=AuditAction.AUDIT_VERIFY,
            object_type="people.sealed_batches",
            after={"ok": result.ok, "batches": result.batches, "problems": result.problems[:50]},
        )
        for problem in result.problems:
            self.stdout.write(f"  {problem}")
        if not result.ok:
            raise CommandError(
                f"{len(result.problems)} trong {result.batches} lần xuất/nhập/tra cứu không khớp "
                "nhật ký."
            )
        self.stdout.write(f"Khớp: {result.batches} lần xuất/nhập/tra cứu đối chiếu với nhật ký.")
