"""manage.py import_dossiers --org CODE FILE [--dry-run] [--since WHEN [--check ID]]

or --template OUT.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from bvct.core.errors import ServiceError
from bvct.core.gate import SYSTEM
from bvct.people.imports import import_dossiers, template_xlsx


def _when(text: str) -> dt.datetime:
    value = parse_datetime(text)
    if value is None or value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"“{text}” không phải thời điểm ISO 8601 có múi giờ")
    return value


class Command(BaseCommand):
    help = "Nhập hồ sơ của một tổ chức từ tệp XLSX hoặc CSV (kiểm tra trước bằng --dry-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="Tệp .xlsx hoặc .csv")
        parser.add_argument("--org", help="Mã tổ chức quản lý các hồ sơ")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi.")
        parser.add_argument(
            "--since",
            type=_when,
            metavar="WHEN",
            help="Thời điểm kiểm tra (in ra sau --dry-run): từ chối hồ sơ bị sửa sau đó.",
        )
        parser.add_argument(
            "--check",
            type=uuid.UUID,
            metavar="ID",
            help="Mã lần kiểm tra (in ra sau --dry-run khi tệp có hồ sơ đã có): mỗi hồ sơ phải "
            "còn đúng phiên bản đã so.",
        )
        parser.add_argument("--template", metavar="OUT", help="Ghi tệp mẫu rồi thoát.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["template"]:
            Path(options["template"]).write_bytes(template_xlsx())
            self.stdout.write(f"Đã ghi tệp mẫu {options['template']}")
            return
        if not options["file"] or not options["org"]:
            raise CommandError("Cần tên tệp và --org (hoặc --template).")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}")
        started = time.perf_counter()

        def progress(stage: str, done: int, total: int) -> None:
            if not sys.stderr.isatty():
                return
            seconds = time.perf_counter() - started
            if total:
                filled = 30 * done // total
                bar = "█" * filled + "░" * (30 - filled)
                line = f"{stage:9} {bar} {100 * done // total:3d}%  {seconds:6.1f} s"
            elif done:
                line = f"{stage:9} {done:>12,} dòng  {seconds:6.1f} s"
            else:
                line = f"{stage:9} ...  {seconds:6.1f} s"
            sys.stderr.write("\r" + line.ljust(60))
            sys.stderr.flush()

        try:
            with path.open("rb") as stream:
                report = import_dossiers(
                    actor=SYSTEM,
                    managing_org_code=options["org"],
                    stream=stream,
                    file_name=path.name,
                    dry_run=options["dry_run"],
                    progress=progress,
                    since=options["since"],
                    check_id=options["check"],
                )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        elapsed = time.perf_counter() - started
        for row, column, message in report.errors:
            self.stdout.write(f"  dòng {row}, cột “{column}”: {message}")
        if report.error_count > len(report.errors):
            self.stdout.write(f"  ... và {report.error_count - len(report.errors)} lỗi khác")
        for row, column, message in report.warnings:
            self.stdout.write(f"  lưu ý dòng {row}, cột “{column}”: {message}")
        if report.warning_count > len(report.warnings):
            self.stdout.write(f"  ... và {report.warning_count - len(report.warnings)} lưu ý khác")
        summary = (
            f"{report.rows:,} dòng, {report.dossiers:,} hồ sơ trong {elapsed:.1f} s "
            f"({report.rows / elapsed:,.0f} dòng/s)"
        )
        if not report.ok:
            raise CommandError(f"Tệp có {report.error_count} lỗi; không ghi gì. {summary}")
        if report.dry_run:
            checked = report.checked_at.isoformat() if report.checked_at else ""
            check = f" --check {report.check_id}" if report.check_id else ""
            self.stdout.write(
                f"Kiểm tra xong, không có lỗi: {summary}. Nhập bằng lệnh cũ không có --dry-run, "
                f"thêm --since {checked}{check} để từ chối hồ sơ bị sửa sau lần kiểm tra này."
            )
        else:
            self.stdout.write(
                f"Đã nhập: {summary}; tạo mới {report.created:,}, cập nhật {report.updated:,}, "
                f"không đổi {report.unchanged:,}."
            )
