"""python src/manage.py seed_demo [--if-empty] [--print-logins]"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bvct.core.constants import Classification
from bvct.demo.province import DEMO_PASSWORD, LOGINS, ROOT, demo_showcase, seed_demo
from bvct.orgs.models import Organisation

DEMO_ROOT_CODE = ROOT[0]


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu: một tỉnh với các cấp ủy, cơ quan phối hợp và một tài khoản mỗi vai trò."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Chỉ tạo khi CSDL còn trống.")
        parser.add_argument(
            "--print-logins", action="store_true", help="Chỉ in danh sách tài khoản mẫu."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_logins"]:
            self._print_logins()
            return
        if options["if_empty"] and self._has_other_data():
            self.stdout.write("CSDL đã có dữ liệu: giữ nguyên.")
            return
        if not settings.BVCT_DEMO_ALLOWED:
            raise CommandError("Dữ liệu mẫu bị tắt (BVCT_DEMO_ALLOWED=false).")
        counts = seed_demo()
        self.stdout.write(
            f"Dữ liệu mẫu: {counts['organisations']} tổ chức, {counts['scopes']} phân cấp quản lý, "
            f"{counts['users']} tài khoản, {counts['dossiers']} hồ sơ "
            f"({counts['versioned']} hồ sơ có nhiều bản khai, {counts['links']} liên kết)."
        )

    @staticmethod
    def _has_other_data() -> bool:
        """Data that is not (an interrupted run of) the demo: leave such a database alone."""
        if not Organisation.objects.exists():
            return False
        return not Organisation.objects.filter(code=DEMO_ROOT_CODE).exists()

    def _print_logins(self) -> None:
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        for login in LOGINS:
            roles = ", ".join(str(r) for r in login.roles)
            level = Classification[login.clearance].label
            self.stdout.write(
                f"  {login.username:<12} {roles:<18} mật: {level:<10} {login.full_name}"
            )
        versioned, linked = demo_showcase()
        if versioned:
            self.stdout.write(
                "Hồ sơ có nhiều bản khai (tab “Các bản khai”, “So sánh với bản trước”): "
                + ", ".join(versioned)
            )
        from bvct.demo.casework import demo_cases

        cases = demo_cases()
        if cases:
            self.stdout.write(
                "Hồ sơ thẩm tra mẫu (trang chủ của canbo.xa, uyvien.xa, uyvien; “Báo cáo thời "
                "hạn giải quyết”): " + "; ".join(cases)
            )
        if linked:
            self.stdout.write(
                "Hồ sơ có thân nhân trong hồ sơ khác (mục “Thân nhân có trong hồ sơ khác”, "
                "xác nhận hoặc bác bỏ): " + ", ".join(linked)
            )
