"""Importing the key/classified catalogue from an XLSX file: checked first (a dry run that
writes nothing and reports every row's problems), then all or nothing.

The workbook is read through ``core.workbook`` (size, rows, columns, formulas and cells
bounded, as the dossier import). A catalogue is a few thousand entries at most
(:data:`MAX_ROWS`), so each row is checked by the same function the pages and the API use
(``services_catalogue.entry_values``), against organisations and posts looked up once for the whole
file. An entry already in the catalogue (same organisation, kind and name) is updated when
the file says something else about it, else left alone, so importing the same file twice
changes nothing.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from bvct.audit.constants import AuditAction
from bvct.audit.services import audit_record
from bvct.core.constants import Classification
from bvct.core.errors import ImportFileError, PermissionDeniedError, ValidationFailed
from bvct.core.gate import SystemPrincipal, active_user
from bvct.core.text import normalize
from bvct.core.workbook import xlsx_rows
from bvct.orgs.models import Organisation
from bvct.orgs.selectors import organisation_choosable
from bvct.positions.constants import CatalogueKind
from bvct.positions.models import CatalogueEntry, Post
from bvct.positions.permissions import can_keep_positions
from bvct.positions.services_catalogue import entry_add, entry_change, entry_values

if TYPE_CHECKING:
    from bvct.accounts.models import User

# (header, key, required)
COLUMNS: list[tuple[str, str, bool]] = [
    ("Loại", "kind", True),
    ("Tổ chức", "organisation", True),
    ("Tên", "name", True),
    ("Số, ký hiệu quyết định", "listing_number", True),
    ("Ngày quyết định", "listing_date", True),
    ("Cơ quan ban hành", "listing_issuer", True),
    ("Mức tiếp cận yêu cầu", "required_clearance", True),
    ("Độ mật của mục", "classification", False),
]
HEADERS = [title for title, _, _ in COLUMNS]
TITLE = {key: title for title, key, _ in COLUMNS} | {"post": "Tên"}
MAX_ROWS = 10_000
MAX_ERRORS_KEPT = 1000
# How the template and the report tell two organisations of the same name apart.
PARENT_SEP = " — "


@dataclass
class CatalogueReport:
    dry_run: bool = True
    rows: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, message
    error_count: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    file_sha256: str = ""

    def add(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append((row, column, message))

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "errors": [{"row": r, "column": c, "message": m} for r, c, m in self.errors],
            "error_count": self.error_count,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "file_sha256": self.file_sha256,
        }


def _read(data: bytes) -> list[tuple[int, dict[str, str]]]:
    rows = xlsx_rows(
        io.BytesIO(data),
        template_columns=len(COLUMNS),
        max_rows=MAX_ROWS,
        max_cell_chars=settings.BVCT_IMPORT_MAX_CELL_CHARS,
        max_expanded_bytes=settings.BVCT_IMPORT_MAX_EXPANDED_BYTES,
    )
    header = [h.strip() for h in next(rows, None) or []]
    if not header:
        raise ImportFileError("Tệp trống.", field="file")
    missing = [h for h in HEADERS if h not in header]
    if missing:
        raise ImportFileError(
            "Thiếu cột: " + ", ".join(missing) + ". Hãy dùng tệp mẫu.", field="file"
        )
    index = {key: header.index(title) for title, key, _ in COLUMNS}
    found = []
    for row_no, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        found.append((row_no, {key: cells[i].strip() for key, i in index.items()}))
    if not found:
        raise ImportFileError("Tệp không có dòng dữ liệu nào.", field="file")
    return found


def _organisations(actor: Any, rows: list[tuple[int, dict[str, str]]]) -> dict[str, Any]:
    """The organisations the rows name, among those the actor may choose (their scope), by
    normalised name and by “name — organisation above” (for names two of them share); a
    name two share maps to None (ambiguous)."""
    names = {normalize(r["organisation"].split(PARENT_SEP)[0]) for _, r in rows}
    found: dict[str, Any] = {}
    orgs = organisation_choosable(user=actor).filter(name_norm__in=names).select_related("parent")
    for org in orgs:
        key = normalize(org.name)
        found[key] = None if key in found else org
        if org.parent is not None:
            found[normalize(f"{org.name}{PARENT_SEP}{org.parent.name}")] = org
    return found


def _posts(orgs: list[Organisation]) -> dict[tuple[int, str], Post]:
    posts = Post.objects.filter(organisation__in=orgs, is_active=True)
    return {(p.organisation_id, p.name_norm): p for p in posts}


def catalogue_import(
    *,
    actor: User | SystemPrincipal,
    file: IO[bytes],
    dry_run: bool,
    file_name: str = "",
) -> CatalogueReport:
    """Check (``dry_run``) or import a catalogue file; with any row refused nothing is
    written. The report lists every problem by row and column, and what the import creates,
    updates and leaves unchanged."""
    user = active_user(actor)
    if user is None or not can_keep_positions(user):
        raise PermissionDeniedError("Bạn không được nhập danh mục trọng yếu, cơ mật.")
    name = file_name or str(getattr(file, "name", "") or "")
    if PurePath(name).suffix.lower() not in (".xlsx", ".xlsm"):
        raise ImportFileError(f"Không đọc được tệp “{name}”: chỉ nhận .xlsx.", field="file")
    cap = settings.BVCT_IMPORT_MAX_BYTES
    data = file.read(cap + 1)
    if len(data) > cap:
        raise ImportFileError(f"Tệp lớn hơn {cap // 1_000_000} MB; hãy chia nhỏ tệp.", field="file")
    if not data:
        raise ImportFileError("Tệp trống.", field="file")
    report = CatalogueReport(dry_run=dry_run, file_sha256=hashlib.sha256(data).hexdigest())
    rows = _read(data)
    report.rows = len(rows)
    with transaction.atomic(durable=True):
        plan = _check(actor, rows, report)
        if dry_run or not report.ok:
            transaction.set_rollback(True)  # nothing was written; nothing is kept
            return report
        for _, values, existing in plan:
            if existing is None:
                entry_add(actor, values, via=name)
            else:
                entry_change(actor, existing, _changeable(values), via=name)
        audit_record(
            actor=actor,
            action=AuditAction.CATALOGUE_IMPORT,
            object_type="positions.catalogue_import",
            object_id=report.file_sha256,
            object_label=name[:300],
            classification=max((v["classification"] for _, v, _ in plan), default=0),
            after={
                "import_file": name,
                "file_sha256": report.file_sha256,
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
    return report


def _changeable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in ("kind", "organisation", "post")}


def _check(
    actor: Any, rows: list[tuple[int, dict[str, str]]], report: CatalogueReport
) -> list[tuple[int, dict[str, Any], CatalogueEntry | None]]:
    """Every row checked; the entries to create (existing None) or to update (locked).
    Counts what the import does in the report."""
    orgs = _organisations(actor, rows)
    posts = _posts([o for o in orgs.values() if o is not None])
    clearance = int(actor.clearance)
    plan: list[tuple[int, dict[str, Any], CatalogueEntry | None]] = []
    seen: dict[tuple[int, str, str], int] = {}
    for row_no, row in rows:
        missing = [key for title, key, required in COLUMNS if required and not row[key]]
        if missing:
            for key in missing:
                report.add(row_no, TITLE[key], "bắt buộc, chưa có")
            continue
        org_key = normalize(row["organisation"])
        if org_key not in orgs:
            report.add(row_no, TITLE["organisation"], "không có tổ chức này trong phạm vi của bạn")
            continue
        org = orgs[org_key]
        if org is None:
            report.add(
                row_no,
                TITLE["organisation"],
                f"có nhiều tổ chức tên này; ghi “tên{PARENT_SEP}tên tổ chức cấp trên”",
            )
            continue
        post = None
        try:
            kind = CatalogueKind.POST.value if _is_post(row["kind"]) else row["kind"]
            if kind == CatalogueKind.POST:
                post = posts.get((org.pk, normalize(row["name"])[:300]))
                if post is None:
                    raise ValidationFailed(
                        "tổ chức không có chức vụ tên này; hãy tạo chức vụ trước", field="post"
                    )
            values = entry_values(
                kind=kind, organisation=org, post=post,
                **{k: row[k] for k in ("name", "listing_number", "listing_date",
                                        "listing_issuer", "required_clearance",
                                        "classification")},
            )  # fmt: skip
        except ValidationFailed as exc:
            report.add(row_no, TITLE.get(exc.field or "", ""), exc.message)
            continue
        if values["classification"] > clearance:
            report.add(
                row_no,
                TITLE["classification"],
                f"mức {Classification(values['classification']).label} cao hơn mức bạn được "
                "tiếp cận",
            )
            continue
        same = (org.pk, values["kind"], normalize(values["name"])[:300])
        if same in seen:
            report.add(row_no, TITLE["name"], f"trùng với dòng {seen[same]}")
            continue
        seen[same] = row_no
        plan.append((row_no, values, None))
    if not report.ok:
        return plan
    return _match_existing(actor, plan, report)


def _is_post(kind: str) -> bool:
    return normalize(kind) in (normalize(str(CatalogueKind.POST.label)), "post")


def _match_existing(
    actor: Any, plan: list[tuple[int, dict[str, Any], CatalogueEntry | None]],
    report: CatalogueReport,
) -> list[tuple[int, dict[str, Any], CatalogueEntry | None]]:  # fmt: skip
    """The active entries the file names, locked until the import ends; the plan with each
    row's existing entry. One the actor may not see (more secret) refuses its row."""
    orgs = {v["organisation"].pk for _, v, _ in plan}
    existing = {
        (e.organisation_id, e.kind, e.name_norm): e
        for e in CatalogueEntry.objects.select_for_update(of=("self",))
        .select_related("organisation", "post")
        .filter(organisation_id__in=orgs, is_active=True)
    }
    visible = set(
        CatalogueEntry.objects.visible_to(actor)
        .filter(pk__in=[e.pk for e in existing.values()])
        .values_list("pk", flat=True)
    )
    matched = []
    for row_no, values, _ in plan:
        key = (values["organisation"].pk, values["kind"], normalize(values["name"])[:300])
        entry = existing.get(key)
        if entry is None:
            report.created += 1
        elif entry.pk not in visible:
            report.add(
                row_no, TITLE["name"], "danh mục đã có mục cùng loại, cùng tên ở tổ chức này"
            )
            continue
        elif any(getattr(entry, k) != v for k, v in _changeable(values).items()):
            report.updated += 1
        else:
            report.unchanged += 1
            continue
        matched.append((row_no, values, entry))
    return matched


def template_xlsx() -> bytes:
    """The catalogue's template: the headers, an example row, and the accepted words."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Danh mục"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([
        "Bộ phận", "Đảng ủy Công an tỉnh", "Bộ phận cơ yếu", "15-QĐ/TU", "02/06/2025",
        "Ban Thường vụ Tỉnh ủy", "Tối mật", "Mật",
    ])  # fmt: skip
    for index, title in enumerate(HEADERS):
        letter = chr(ord("A") + index)
        sheet.column_dimensions[letter].width = max(14, len(title) + 6)
        sheet.column_dimensions[letter].number_format = "@"
        for cell in sheet[letter][1:]:
            cell.number_format = "@"
    words = book.create_sheet("Giá trị hợp lệ")
    words.append(["Loại", "Mức tiếp cận, độ mật"])
    for cell in words[1]:
        cell.font = Font(bold=True)
    kinds = [str(label) for _, label in CatalogueKind.choices]
    levels = [str(label) for _, label in Classification.choices]
    for i in range(max(len(kinds), len(levels))):
        words.append([kinds[i] if i < len(kinds) else "", levels[i] if i < len(levels) else ""])
    words.append([])
    words.append([
        "“Tổ chức”: tên tổ chức trong phạm vi của bạn; hai tổ chức trùng tên thì ghi "
        f"“tên{PARENT_SEP}tên tổ chức cấp trên”. Mục loại “Vị trí”: “Tên” là tên chức vụ "
        "đã có của tổ chức đó."
    ])  # fmt: skip
    words.column_dimensions["A"].width = 30
    words.column_dimensions["B"].width = 30
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
