"""python src/manage.py create_account --username U --full-name "..." --org CODE --role R ...

Creates an account on the server itself (the first administrator, typically). The password is
read from standard input (never from the command line, which other users can see).
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bvct.accounts.services import user_create
from bvct.core.constants import Role
from bvct.core.errors import ServiceError
from bvct.core.gate import SYSTEM


class Command(BaseCommand):
    help = "Tạo tài khoản (mật khẩu đọc từ bàn phím hoặc đầu vào chuẩn)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--org", required=True, help="Mã tổ chức")
        parser.add_argument(
            "--role",
            action="append",
            default=[],
            help=f"Vai trò, có thể lặp lại: {', '.join(Role.values)}",
        )
        parser.add_argument("--clearance", default="NONE", help="NONE, MAT, TOI_MAT, TUYET_MAT")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-password", action="store_true", help="Chưa đặt mật khẩu (không đăng nhập được)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = None
        if not options["no_password"]:
            if sys.stdin.isatty():
                password = getpass.getpass("Mật khẩu: ")
                if getpass.getpass("Nhập lại mật khẩu: ") != password:
                    raise CommandError("Hai lần nhập mật khẩu không khớp.")
            else:
                password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("Chưa nhập mật khẩu (hoặc dùng --no-password).")
        try:
            user = user_create(
                actor=SYSTEM,
                username=options["username"],
                full_name=options["full_name"],
                organisation_code=options["org"],
                roles=options["role"],
                clearance=options["clearance"],
                password=password,
                email=options["email"],
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Đã tạo tài khoản {user.username} ({user.public_id}).")
