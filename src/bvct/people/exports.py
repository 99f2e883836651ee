"""Dossier list as XLSX (streamed, write-only) and the columns both export and import use."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Font

from bvct.core.constants import Classification
from bvct.people.models import Person

LIST_COLUMNS = [
    ("Họ và tên", 28),
    ("Giới tính", 9),
    ("Ngày sinh", 12),
    ("Số CCCD", 15),
    ("Quê quán", 36),
    ("Nơi ở hiện nay", 36),
    ("Tổ chức quản lý", 32),
    ("Chức vụ hiện nay", 30),
    ("Mức mật", 10),
    ("Số bản khai", 10),
    ("Mã hồ sơ khi nhập", 16),
    ("Vai trò trong hồ sơ", 20),
]

# The secrecy mark as stamped on documents (capitals), and as a file name carries it.
MARKS = {
    Classification.MAT: "MẬT",
    Classification.TOI_MAT: "TỐI MẬT",
    Classification.TUYET_MAT: "TUYỆT MẬT",
}
FILE_MARKS = {
    Classification.MAT: "MAT",
    Classification.TOI_MAT: "TOI-MAT",
    Classification.TUYET_MAT: "TUYET-MAT",
}


def export_file_name(level: int) -> str:
    """The file's name, carrying its mark ("danh-sach-ho-so-TOI-MAT.xlsx")."""
    mark = FILE_MARKS.get(Classification(level))
    return f"danh-sach-ho-so-{mark}.xlsx" if mark else "danh-sach-ho-so.xlsx"


class ExportChanged(Exception):
    """A row above the file's mark turned up while writing (a dossier raised meanwhile)."""


def _cell(sheet: Any, value: object) -> WriteOnlyCell:
    """A cell as the dossier holds the value. Text is a text cell (OWASP's advice against
    formula injection: a name starting with "=", "+", "-", "@", a tab or "＝" is shown as
    typed and never run by a spreadsheet, with no apostrophe added to what it shows), without
    the control characters a workbook cannot hold."""
    if not isinstance(value, str):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # openpyxl makes a formula of text starting with "="
    return cell


def dossier_list_xlsx(
    subjects: Iterable[Person],
    *,
    level: int = Classification.NONE,
    heading: Sequence[str] = (),
    author: str = "",
    purpose: str = "",
) -> tuple[bytes, int]:
    """An XLSX workbook of dossier persons (and how many rows it holds).

    ``level``, the highest classification of what it holds, marks it: at the top of the
    sheet, in the workbook's properties (title, subject, keywords, category and a custom
    "Độ mật"), and (``export_file_name``) in its name. ``heading``: lines under the mark
    (what the list is, who took it out, why). A row above ``level`` raises ExportChanged."""
    mark = MARKS.get(Classification(level), "")
    book = Workbook(write_only=True)
    title = f"Danh sách hồ sơ — {mark}" if mark else "Danh sách hồ sơ"
    book.properties.title = title
    book.properties.creator = author
    book.properties.description = purpose
    shown = mark or str(Classification(level).label)
    book.properties.subject = book.properties.keywords = book.properties.category = shown
    book.custom_doc_props.append(StringProperty(name="Độ mật", value=shown))
    sheet = book.create_sheet("Danh sách hồ sơ")
    for index, (_, width) in enumerate(LIST_COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    top: list[tuple[str, Font]] = []
    if mark:
        top.append((mark, Font(bold=True, size=14, color="9B1C1C")))
    top.append(("DANH SÁCH HỒ SƠ", Font(bold=True, size=12)))
    top += [(line, Font(italic=True)) for line in heading]
    sheet.freeze_panes = f"A{len(top) + 3}"
    for text, font in top:
        cell = _cell(sheet, text)
        cell.font = font
        sheet.append([cell])
    sheet.append([])
    header = []
    for column, _ in LIST_COLUMNS:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for person in subjects:
        dossier = person.dossier
        if person.classification > level or dossier.classification > level:
            raise ExportChanged
        birth = person.birth
        relation = person.relation.name if person.relation is not None else ""
        sheet.append([_cell(sheet, v) for v in [
                person.full_name,
                person.get_sex_display(),
                str(birth) if birth else "",
                person.citizen_id or "",
                person.hometown,
                person.residence,
                dossier.managing_org.name,
                dossier.current_posts if person.is_subject else "",
                str(Classification(dossier.classification).label),
                dossier.declaration_count,
                dossier.import_ref or "",
                "Người được quản lý" if person.is_subject else relation,
            ]])  # fmt: skip
        count += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count
