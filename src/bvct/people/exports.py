"""Dossier list as XLSX (streamed, write-only) and the columns both export and import use."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
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
    ("Mã hồ sơ", 38),
]


_FORMULA_START = ("=", "+", "-", "@")


def _cell(value: object) -> object:
    """Text as text: no formula (a name starting with "=" must not run in Excel) and no
    control characters Excel cannot store."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def dossier_list_xlsx(subjects: Iterable[Person]) -> tuple[bytes, int]:
    """An XLSX workbook of dossier subjects (and how many rows it holds)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách hồ sơ")
    for index, (_, width) in enumerate(LIST_COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    from openpyxl.cell import WriteOnlyCell

    header = []
    for title, _ in LIST_COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for person in subjects:
        dossier = person.dossier
        birth = person.birth
        sheet.append([_cell(v) for v in [
                person.full_name,
                person.get_sex_display(),
                str(birth) if birth else "",
                person.citizen_id or "",
                person.hometown,
                person.residence,
                dossier.managing_org.name,
                dossier.current_posts,
                str(Classification(dossier.classification).label),
                dossier.declaration_count,
                str(dossier.public_id),
            ]])  # fmt: skip
        count += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count
