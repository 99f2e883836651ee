"""Importing an organisation's dossiers from XLSX or CSV: all or nothing, idempotent, set-based.

1. Load. A CSV file goes to PostgreSQL as it is (``COPY ... (FORMAT csv)``) into a temporary
   table of text columns; an XLSX file, or a CSV PostgreSQL cannot take whole (ragged rows,
   NUL bytes, a ``\\.`` line), is read row by row in Python and copied into the same table.
2. Check. Values that repeat (relations, sexes, dates, classifications, names, home towns) are
   read once per distinct value by the same Python functions the forms use, into small map
   tables. One statement then builds every row's staged values and its list of problems:
   required cells, lengths, the citizen ID against the birth year and sex, death before birth.
   Checks across rows (one member row per dossier, relatives' ages against the member's,
   dossiers above the uploader's clearance) are further statements over the whole table.
3. A dry run stops there and reports. A real run with any error writes nothing. Otherwise a
   few set-based statements create or update dossiers and persons (through narrow id tables,
   never by rewriting the wide staging rows) and add a declaration version only where the
   content changed, so importing the same file twice changes nothing.

The template (one row per person, Vietnamese headers) is :data:`COLUMNS`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import uuid
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bvct.core.constants import Action
from bvct.core.errors import PermissionDeniedError
from bvct.core.gate import SystemPrincipal
from bvct.orgs.selectors import org_by_code
from bvct.people.identity import CCCD_PLACE_CODES
from bvct.people.import_checks import (
    CROSS_CHECKS,
    _build_maps,
    _check_existing,
    _check_formulas,
    _rows_sql,
)
from bvct.people.import_columns import (
    COLUMNS,
    HEADERS,
    MAX_ERRORS_KEPT,
    SELF,
    SEP,
    TEMP_TABLES,
    WHITESPACE,
    ImportFileError,
    ImportReport,
)
from bvct.people.import_load import Progress, _load, _too_many_rows, check_cell_lengths
from bvct.people.import_records import _check_made, _record_check
from bvct.people.import_write import _apply
from bvct.people.models import DOSSIER_GATE, Listing, Person, RelationKind
from bvct.people.services import dossier_listing_record

if TYPE_CHECKING:
    from bvct.accounts.models import User


def import_dossiers(
    *,
    actor: User | SystemPrincipal,
    managing_org_code: str,
    stream: IO[bytes],
    file_name: str,
    dry_run: bool,
    progress: Progress | None = None,
    since: dt.datetime | None = None,
    checked_sha256: str = "",
    check_id: uuid.UUID | None = None,
) -> ImportReport:
    """Check (dry run) or import a file of dossiers for one managing organisation.

    An import that follows a check is given the check's ``checked_at`` as ``since`` and its
    ``check_id`` (none when the check compared no existing dossier). Every existing dossier
    of the file must then still have the version that check compared: one changed since (a
    version entered on its page, another import) or not compared at all is refused, so an
    import never silently overwrites a change it was not checked against.
    """
    org = org_by_code(managing_org_code, field="managing_org", user=actor)
    if not DOSSIER_GATE.allows(actor, Action.CHANGE, org_path=org.path, classification=0):
        raise PermissionDeniedError("Bạn không được nhập hồ sơ cho tổ chức này.")
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise ImportFileError(
            f"Không đọc được tệp “{file_name}”: chỉ nhận .xlsx hoặc .csv.", field="file"
        )
    cap = settings.BVCT_IMPORT_MAX_BYTES
    data = stream.read(cap + 1)
    if len(data) > cap:
        raise ImportFileError(f"Tệp lớn hơn {cap // 1_000_000} MB; hãy chia nhỏ tệp.", field="file")
    if not data:
        raise ImportFileError("Tệp trống.", field="file")
    digest = hashlib.sha256(data).hexdigest()
    report = ImportReport(dry_run=dry_run, checked_at=timezone.now(), file_sha256=digest)
    if dry_run:
        since = check_id = None  # a check is never held to an earlier check
    elif checked_sha256 and checked_sha256 != digest:
        raise ImportFileError(
            "Tệp này khác tệp đã kiểm tra; hãy kiểm tra tệp này trước khi nhập.", field="file"
        )
    compared: list[tuple[int, int]] = []
    shown: set[int] = set()
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        # Dropped at commit; only an import inside an outer transaction (tests) meets them.
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TEMP_TABLES)}")
        # Sorts and hashes over a million rows: in memory, not spilled in 4 MB pieces.
        cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.BVCT_IMPORT_WORK_MEM])
        _load(cursor, data, file_name, report, progress)
        check_cell_lengths(cursor)
        if progress:
            progress("Kiểm tra", 0, 0)
        _build_maps(cursor)
        # Without statistics on import_raw the planner guesses a few rows and nests loops
        # over a million; with them it hashes the small maps.
        cursor.execute("ANALYZE import_raw")
        cursor.execute(
            _rows_sql(hashed=not dry_run),
            {"ws": WHITESPACE, "places": sorted(CCCD_PLACE_CODES)},
        )
        report.rows = cursor.rowcount
        if report.rows == 0:
            raise ImportFileError("Tệp không có dòng dữ liệu nào.", field="file")
        limit = settings.BVCT_IMPORT_MAX_ROWS
        if report.rows > limit:
            raise _too_many_rows(limit)
        cursor.execute("ANALYZE import_rows (ref, is_subject, problems)")
        cursor.execute(
            "SELECT row_no, p FROM import_rows, unnest(problems) p "
            "WHERE problems <> '{}' ORDER BY row_no LIMIT %s",
            [MAX_ERRORS_KEPT],
        )
        problems = cursor.fetchall()
        for row_no, problem in problems:
            column, message = problem.split(SEP, 1)
            report.add(row_no, column, message)
        cursor.execute("SELECT coalesce(sum(cardinality(problems)), 0) FROM import_rows")
        report.error_count += cursor.fetchone()[0] - len(problems)  # those not kept
        if not dry_run:
            # From the checks against existing dossiers to the last write, nobody else changes
            # a dossier or person: what was checked is what is written over. Both tables at
            # once: a page's save or new dossier takes the dossier table's ROW EXCLUSIVE lock
            # first (services._lock_dossiers_for_writing), so the two queue in one order and
            # never deadlock. The person lock also keeps other inserts out of the block of ids
            # reserved for new persons.
            cursor.execute("LOCK TABLE people_dossier, people_person IN SHARE ROW EXCLUSIVE MODE")
        params: dict[str, Any] = {
            "org": org.pk,
            "clearance": actor.clearance,
            "guarded": since is not None or check_id is not None,
            "dry_run": dry_run,
            "check": _check_made(actor, org, digest, check_id),
        }
        # The persons the uploader may see, as the gate (services._refuse_second_dossier).
        gate, gate_params = DOSSIER_GATE.sql(actor, Action.VIEW, alias="p", named="gate") or (
            "FALSE",
            {},
        )
        params.update(gate_params)
        for column, sql in CROSS_CHECKS:
            cursor.execute(sql.replace("{gate}", gate), params)
            # A check naming another dossier's member (a third column) shows that name.
            for row_no, message, *named in cursor.fetchall():
                report.add(row_no, column, message)
                shown.update(pk for pk in named if pk is not None)
        if suffix == ".csv" and b"=" in data:  # XLSX formulas are refused as the file is read
            _check_formulas(cursor, report)
        compared = _check_existing(cursor, report, params)
        report.existing = len(compared)
        cursor.execute("SELECT count(DISTINCT ref) FROM import_rows")
        report.dossiers = cursor.fetchone()[0]
        report.errors.sort()
        report.warnings.sort()
        written = not dry_run and report.ok
        if written:
            if progress:
                progress("Ghi", 0, 0)
            _apply(cursor, actor, org, report, file_name, digest)
        else:
            transaction.set_rollback(True)
    if not written and compared:
        check = _record_check(actor, org, report, file_name, digest, compared)
        if dry_run:
            report.check_id = check.public_id
    if shown and actor.pk is not None:
        # Names of other dossiers' members the report shows, as a search would: on the record
        # (after the import's own transaction, which a refused file rolls back).
        dossier_listing_record(
            actor=actor,
            kind=Listing.Kind.SEARCH,
            filters={"import_file": file_name},
            persons=list(Person.objects.filter(pk__in=shown)),
        )
    return report


def template_xlsx() -> bytes:
    """The import template: the headers, one example member and one relative."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Hồ sơ"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    example = {
        "ref": "DV-0001", "relation": SELF, "full_name": "Nguyễn Văn An", "sex": "Nam",
        "birth": "12/05/1980", "hometown": "Xã Tiên Du, Bắc Ninh", "ethnicity": "Kinh",
        "religion": "Không", "nationality": "Việt Nam", "classification": "Không mật",
        "current_posts": "Phó Chủ tịch UBND xã",
    }  # fmt: skip
    father = {"ref": "DV-0001", "relation": "Cha đẻ", "full_name": "Nguyễn Văn Bình",
              "sex": "Nam", "birth": "1952", "occupation": "Hưu trí"}  # fmt: skip
    for row in (example, father):
        sheet.append([row.get(key, "") for _, key, _, _ in COLUMNS])
    # Every column is text: typed into a number or date cell, a CCCD loses its leading 0 and
    # “05/1952” becomes a date.
    for index, (title, _, _, _) in enumerate(COLUMNS):
        letter = chr(ord("A") + index)
        sheet.column_dimensions[letter].width = max(12, len(title) + 4)
        sheet.column_dimensions[letter].number_format = "@"
        for cell in sheet[letter][1:]:
            cell.number_format = "@"
    # The accepted relations, for the officer filling the file in (only the first sheet is read).
    kinds = book.create_sheet("Danh mục quan hệ")
    kinds.append(["Quan hệ", "Cũng được viết", "Bên"])
    for cell in kinds[1]:
        cell.font = Font(bold=True)
    kinds.append([SELF, "", "Người được quản lý (một dòng mỗi mã hồ sơ)"])
    for kind in RelationKind.objects.all():
        aliases = ", ".join(a.strip() for a in kind.aliases.split(";") if a.strip())
        kinds.append([kind.name, aliases, kind.get_side_display()])
    for column, width in zip("ABC", (34, 60, 40), strict=True):
        kinds.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_json(report: ImportReport) -> str:
    return json.dumps(
        {
            "ok": report.ok,
            "dry_run": report.dry_run,
            "rows": report.rows,
            "dossiers": report.dossiers,
            "errors": [{"row": r, "column": c, "message": m} for r, c, m in report.errors],
            "error_count": report.error_count,
            "warnings": [{"row": r, "column": c, "message": m} for r, c, m in report.warnings],
            "warning_count": report.warning_count,
            "checked_at": report.checked_at.isoformat() if report.checked_at else None,
            "file_sha256": report.file_sha256,
            "check_id": str(report.check_id) if report.check_id else None,
            "existing": report.existing,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        },
        ensure_ascii=False,
    )
