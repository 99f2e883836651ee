"""Importing dossiers from files that are damaged or made to hurt: each is refused with a
specific Vietnamese error before it can take the server's memory, and nothing is written."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest

from bvct.core.gate import SYSTEM
from bvct.people.import_columns import HEADERS, ImportFileError
from bvct.people.imports import import_dossiers
from tests.factories import Tree
from tests.people.import_helpers import GOOD, _xlsx

pytestmark = pytest.mark.django_db
NOT_XLSX = "không phải bảng tính XLSX hợp lệ"


def _refused(data: bytes, name: str = "ho-so.xlsx") -> str:
    with pytest.raises(ImportFileError) as err:
        import_dossiers(
            actor=SYSTEM, managing_org_code="t-a", stream=io.BytesIO(data), file_name=name,
            dry_run=True,
        )  # fmt: skip
    return err.value.message


def _rewritten(data: bytes, change: Any) -> bytes:
    """The workbook with some of its parts rewritten (``change(name, bytes)`` -> bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, change(item.filename, src.read(item.filename)))
    return out.getvalue()


def _good() -> bytes:
    return _xlsx([HEADERS, *GOOD]).getvalue()


def test_a_workbook_that_would_expand_past_the_bound_is_refused_before_it_is_read(
    tree: Tree, settings: Any
) -> None:
    settings.BVCT_IMPORT_MAX_EXPANDED_BYTES = 200_000
    rows = [HEADERS, [*GOOD[0][:2], "A" * 4_000, *GOOD[0][3:]]] * 60
    message = _refused(_xlsx(rows).getvalue())
    assert "giải nén ra" in message and "200.000 byte" in message


def test_a_cell_longer_than_the_bound_is_refused_with_its_place(tree: Tree) -> None:
    long = [*GOOD[0][:2], "A" * 5_001, *GOOD[0][3:]]
    assert re.search(r"Dòng 2, ô C2: 5\.001 ký tự, quá giới hạn 5\.000", _refused(
        _xlsx([HEADERS, long]).getvalue()
    ))  # fmt: skip


@pytest.mark.parametrize(
    "damage",
    [
        # The sheet's XML cut in half.
        lambda name, body: body[: len(body) // 2] if name.endswith("sheet1.xml") else body,
        # A workbook with no sheet.
        lambda name, body: (
            re.sub(rb"<sheet [^>]*/>", b"", body) if name == "xl/workbook.xml" else body
        ),
        # Entities expanded a billion times over.
        lambda name, body: (
            (
                b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                + b"".join(
                    b'<!ENTITY lol%d "%s">'
                    % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                    for i in range(1, 10)
                )
                + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetData><row><c t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
                b"</worksheet>"
            )
            if name.endswith("sheet1.xml")
            else body
        ),
        # An external entity (a file of the server).
        lambda name, body: (
            (
                b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetData><row><c t="inlineStr"><is><t>&e;</t></is></c></row></sheetData>'
                b"</worksheet>"
            )
            if name.endswith("sheet1.xml")
            else body
        ),
    ],
    ids=["cut-xml", "no-sheet", "entity-expansion", "external-entity"],
)
def test_a_damaged_or_hostile_workbook_is_named_so(tree: Tree, damage: Any) -> None:
    assert NOT_XLSX in _refused(_rewritten(_good(), damage))


def test_corrupt_compressed_data_is_named_so(tree: Tree) -> None:
    data = bytearray(_good())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    start = sheet.header_offset + 30 + len(sheet.filename.encode()) + len(sheet.extra)
    for i in range(start + 10, start + 40):
        data[i] ^= 0xFF
    assert NOT_XLSX in _refused(bytes(data))


def test_a_csv_of_too_many_columns_is_refused_with_the_count(tree: Tree) -> None:
    header = ",".join([*HEADERS, *(f"c{i}" for i in range(2_000))]) + "\n"
    message = _refused(header.encode(), "ho-so.csv")
    assert f"Tệp có {len(HEADERS) + 2000} cột" in message


def test_a_csv_cell_longer_than_the_bound_is_refused_with_its_row(tree: Tree) -> None:
    row = list(GOOD[0])
    row[2] = "A" * 300_000
    text = ",".join(HEADERS) + "\n" + ",".join(row) + "\n"
    message = _refused(text.encode(), "ho-so.csv")
    assert "Dòng 2" in message and "5.000 ký tự" in message


def test_an_entity_repeated_in_one_cell_is_refused_before_it_is_built(tree: Tree) -> None:
    # A few kilobytes whose one cell would expand to millions of characters: no DTD is read.
    entity = b"A" * 100_000
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY big "' + entity + b'">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
        + b"&big;" * 60
        + b"</t></is></c></row></sheetData></worksheet>"
    )
    data = _rewritten(_good(), lambda name, body: sheet if name.endswith("sheet1.xml") else body)
    assert NOT_XLSX in _refused(data)


def test_a_sheet_naming_a_far_row_is_refused_by_its_count_of_rows(
    tree: Tree, settings: Any
) -> None:
    settings.BVCT_IMPORT_MAX_ROWS = 10

    def far(name: str, body: bytes) -> bytes:
        if not name.endswith("sheet1.xml"):
            return body
        body = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:T2000000000"/>', body)
        return body.replace(b"</sheetData>", b'<row r="1999999999"></row></sheetData>')

    assert "hơn 10 dòng" in _refused(_rewritten(_good(), far))
