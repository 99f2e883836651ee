"""What the import tests share: rows as the template lays them out, files made of them, and
imports run the way the page runs them."""

from __future__ import annotations

import csv
import io
from typing import Any

from bvct.core.gate import SYSTEM
from bvct.people.identity import make_citizen_id
from bvct.people.imports import (
    COLUMNS,
    HEADERS,
    SELF,
    import_dossiers,
)
from bvct.people.models import Declaration, Dossier, Person

KEYS = [key for _, key, _, _ in COLUMNS]


def _row(**values: str) -> list[str]:
    return [values.get(key, "") for key in KEYS]


def member(ref: str, name: str, birth: str, **extra: str) -> list[str]:
    return _row(**{"sex": "Nam", **extra}, ref=ref, relation=SELF, full_name=name, birth=birth)


def relative(ref: str, relation: str, name: str, birth: str, **extra: str) -> list[str]:
    return _row(ref=ref, relation=relation, full_name=name, birth=birth, **extra)


GOOD = [
    member("DV-1", "Nguyễn Văn An", "12/05/1980", citizen_id=make_citizen_id("027", "M", 1980, 5)),
    relative("DV-1", "Cha đẻ", "Nguyễn Văn Bình", "1952", occupation="Hưu trí"),
    relative("DV-1", "con", "Nguyễn Thị Mai", "2008", sex="Nữ"),
    member("DV-2", "Trần Thị Lan", "1985", sex="Nữ"),
    relative("DV-2", "Vợ hoặc chồng", "Lê Văn Hải", "1983"),
]


def _csv(rows: list[list[str]], header: list[str] | None = None) -> io.BytesIO:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or HEADERS)
    writer.writerows(rows)
    return io.BytesIO(out.getvalue().encode("utf-8"))


def _import(rows: list[list[str]], *, dry_run: bool = False, **kw: Any) -> Any:
    return import_dossiers(
        actor=kw.pop("actor", SYSTEM), managing_org_code=kw.pop("org", "t-a"),
        stream=_csv(rows), file_name="ho-so.csv", dry_run=dry_run, **kw,
    )  # fmt: skip


def _xlsx(rows: list[list[str]]) -> io.BytesIO:
    """A workbook of these rows (the first the headers), as a spreadsheet program saves it."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return io.BytesIO(buffer.getvalue())


def _checked_import(rows: list[list[str]], **kw: Any) -> Any:
    """Check the file, then import it held to that check (as the page does)."""
    check = _import(rows, dry_run=True, **kw)
    assert check.ok, check.errors
    return _import(rows, since=check.checked_at, check_id=check.check_id, **kw)


def _state() -> tuple[int, int, int]:
    return Dossier.objects.count(), Person.objects.count(), Declaration.objects.count()


def _compare_in_full() -> None:
    """Forget what the last imports wrote, so that the next one compares every dossier."""
    Dossier.objects.update(imported_version=None)


def _twins() -> list[list[str]]:
    return [
        member("NS-2", "Hoàng Văn Long", "1975"),
        relative("NS-2", "anh-chi-em", "Hoàng Văn Nam", "1978", occupation="Kỹ sư"),
        relative("NS-2", "anh-chi-em", "Hoàng Văn Nam", "1978", occupation="Bác sĩ"),
    ]


def _raw_import(data: bytes, *, dry_run: bool = True, name: str = "ho-so.csv") -> Any:
    return import_dossiers(
        actor=SYSTEM, managing_org_code="t-a", stream=io.BytesIO(data), file_name=name,
        dry_run=dry_run,
    )  # fmt: skip


def _text(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue()


def _content(ref: str) -> dict[str, Any]:
    return Declaration.objects.get(dossier__import_ref=ref, status="SUBMITTED").content


def _edited(ref: str) -> dict[str, Any]:
    """The current content with one change, as a version entered on the page (the same content
    again is no version)."""
    content = _content(ref)
    return {**content, "identity": {**content["identity"], "education": "Sửa trên trang"}}
