"""Importing dossiers: the files themselves (CSV as spreadsheets write it, XLSX, the template,
formulas, malformed or too large files) and the command line."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from bvct.core.gate import SYSTEM
from bvct.people.identity import make_citizen_id
from bvct.people.imports import (
    HEADERS,
    SELF,
    ImportFileError,
    import_dossiers,
    template_xlsx,
)
from bvct.people.models import Declaration, Dossier
from tests.factories import Tree
from tests.people.import_helpers import (
    GOOD,
    KEYS,
    _csv,
    _import,
    _raw_import,
    _state,
    _text,
    _xlsx,
    member,
    relative,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("data", "name", "fragment"),
    [
        ("Mã hồ sơ,Họ và tên\nA,B\n".encode(), "a.csv", "Thiếu cột: Quan hệ"),
        (",".join(HEADERS).encode("utf-16"), "a.csv", "không phải mã UTF-8"),
        (b"", "a.csv", "Tệp trống"),
        ((",".join(HEADERS) + "\n").encode(), "a.csv", "không có dòng dữ liệu"),
        (b"PK\x03\x04garbage", "a.xlsx", "không phải bảng tính XLSX"),
        (b"x", "a.pdf", "chỉ nhận .xlsx hoặc .csv"),
    ],
)
def test_malformed_files_get_specific_errors(
    tree: Tree, data: bytes, name: str, fragment: str
) -> None:
    with pytest.raises(ImportFileError, match=fragment):
        import_dossiers(
            actor=SYSTEM,
            managing_org_code="t-a",
            stream=io.BytesIO(data),
            file_name=name,
            dry_run=True,
        )


def test_too_large_a_file(tree: Tree, settings: Any) -> None:
    settings.BVCT_IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match="Tệp lớn hơn"):
        _import(GOOD, dry_run=True)


def test_too_many_rows(tree: Tree, settings: Any) -> None:

    settings.BVCT_IMPORT_MAX_ROWS = 3
    with pytest.raises(ImportFileError, match="hơn 3 dòng"):
        _import(GOOD, dry_run=True)
    with pytest.raises(ImportFileError, match="hơn 3 dòng"):
        import_dossiers(
            actor=SYSTEM, managing_org_code="t-a", stream=_xlsx([HEADERS, *GOOD]),
            file_name="nhieu.xlsx", dry_run=False,
        )  # fmt: skip
    assert Dossier.objects.filter(import_ref="DV-1").count() == 0
    settings.BVCT_IMPORT_MAX_ROWS = 5  # exactly the file's rows: accepted
    assert _import(GOOD).created == 2


def test_formulas_written_into_a_csv_are_refused_cell_by_cell(tree: Tree) -> None:
    rows = [
        *GOOD[:2],
        relative("DV-1", "con", '=HYPERLINK("http://x","Mai")', "2008"),
        member("DV-2", "Trần Thị Lan", "1985", sex="Nữ", occupation=" =1+1"),
        relative("DV-2", "Vợ hoặc chồng", "Lê Văn Hải", "1983", residence="Nhà số 5, a=b"),
    ]
    before = _state()
    report = _import(rows)
    assert [(r, c) for r, c, _ in report.errors] == [(4, "Họ và tên"), (5, "Nghề nghiệp")]
    assert "công thức bảng tính" in report.errors[0][2]
    assert _state() == before


def test_xlsx_template_round_trip_and_formulas(tree: Tree) -> None:
    from openpyxl import load_workbook

    template = load_workbook(io.BytesIO(template_xlsx()))
    assert [c.value for c in template.active[1]] == HEADERS
    kinds = {row[0]: row[1] for row in template["Danh mục quan hệ"].iter_rows(values_only=True)}
    assert "Bố vợ" in kinds["Cha vợ/chồng"] and SELF in kinds  # the accepted spellings
    report = import_dossiers(
        actor=SYSTEM, managing_org_code="t-a", stream=io.BytesIO(template_xlsx()),
        file_name="mau.xlsx", dry_run=True,
    )  # fmt: skip
    assert report.ok and report.rows == 2
    formula = member("F", "Hồ Văn F", "1980")
    formula[2] = "=CONCAT(A1,B1)"  # cell C2 (openpyxl stores a "=" string as a formula)
    with pytest.raises(ImportFileError, match="ô C2: có công thức"):
        import_dossiers(
            actor=SYSTEM, managing_org_code="t-a", stream=_xlsx([HEADERS, formula]),
            file_name="f.xlsx", dry_run=True,
        )  # fmt: skip


def test_the_template_is_text_and_a_cccd_that_lost_its_zero_is_named(tree: Tree) -> None:
    from openpyxl import load_workbook

    # Typed into a number cell, a CCCD loses its leading 0 (every CCCD has one) and
    # “05/1952” becomes a date: every column of the template is text.
    sheet = load_workbook(io.BytesIO(template_xlsx())).active
    for index in range(len(HEADERS)):
        assert sheet.column_dimensions[chr(ord("A") + index)].number_format == "@"
    assert sheet["H2"].number_format == "@"
    number = make_citizen_id("027", "M", 1980, 1234)
    row: list[Any] = member("Z", "Hồ Văn Z", "1980")
    row[KEYS.index("citizen_id")] = int(number)  # as a spreadsheet keeps a number cell
    report = import_dossiers(
        actor=SYSTEM, managing_org_code="t-a", stream=_xlsx([HEADERS, row]),
        file_name="so.xlsx", dry_run=True,
    )  # fmt: skip
    assert [(r, c) for r, c, _ in report.errors] == [(2, "Số CCCD")]
    assert "bỏ số 0 ở đầu" in report.errors[0][2] and number[1:] in report.errors[0][2]
    # Hà Nội's numbers begin 001: a number cell drops two zeros.
    hanoi = make_citizen_id("001", "M", 1980, 1234)
    row[KEYS.index("citizen_id")] = int(hanoi)
    report = import_dossiers(
        actor=SYSTEM, managing_org_code="t-a", stream=_xlsx([HEADERS, row]),
        file_name="so.xlsx", dry_run=True,
    )  # fmt: skip
    assert "bỏ số 0 ở đầu" in report.errors[0][2] and hanoi[2:] in report.errors[0][2]


def test_excel_style_csv_bom_semicolons_and_blank_rows_keep_spreadsheet_row_numbers(
    tree: Tree,
) -> None:
    rows = [GOOD[0], [""] * len(KEYS), [" "] * len(KEYS), member("X", "Phạm Văn C", "31/02/1990")]
    data = "\ufeff".encode() + _text(rows, delimiter=";").encode()
    report = _raw_import(data)
    assert report.rows == 2  # the blank rows are skipped, not counted
    assert [(r, c) for r, c, _ in report.errors] == [(5, "Ngày sinh")]  # as Excel numbers it


def test_a_csv_postgresql_would_not_copy_is_read_in_python_with_the_same_result(
    tree: Tree,
) -> None:
    # A short row (trailing cells left out) and a cell holding "\." alone on a line: COPY
    # refuses the first and may take the second for the end of data; both go through Python.
    history = "Tham gia du kích 1972\n\\.\nVề hưu 2010"
    short = relative("DV-1", "Cha đẻ", "Nguyễn Văn Bình", "1952")[:5]
    text = _text([GOOD[0], short, relative("DV-1", "Mẹ đẻ", "Lê Thị Hoa", "1955",
                                          political_history=history)])  # fmt: skip
    report = _raw_import(text.encode(), dry_run=False)
    assert report.ok and report.rows == 3, report.errors
    content = Declaration.objects.get(dossier__import_ref="DV-1").content
    assert [r["full_name"] for r in content["relatives"]] == ["Nguyễn Văn Bình", "Lê Thị Hoa"]
    assert content["relatives"][1]["political_history"] == history


def test_an_old_template_without_the_death_details_column_is_refused(tree: Tree) -> None:
    header = [h for h in HEADERS if h != "Chi tiết khi mất"]
    rows = [[cell for key, cell in zip(KEYS, row, strict=True) if key != "death_details"]
            for row in GOOD]  # fmt: skip
    with pytest.raises(ImportFileError, match="Thiếu cột: Chi tiết khi mất"):
        import_dossiers(actor=SYSTEM, managing_org_code="t-a", stream=_csv(rows, header),
                        file_name="cu.csv", dry_run=True)  # fmt: skip


def test_the_command_line_checks_imports_and_shows_progress(
    tree: Tree, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.management import CommandError, call_command

    path = tmp_path / "ho-so.csv"
    path.write_bytes(_csv(GOOD).getvalue())
    _import(GOOD)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    out = io.StringIO()
    call_command("import_dossiers", str(path), "--org", "t-a", "--dry-run", stdout=out)
    assert "Đọc tệp" in terminal.getvalue() and "100%" in terminal.getvalue()
    # The check prints the flags that hold the import to it (it compared both dossiers).
    [flags] = re.findall(r"thêm (--since \S+ --check \S+) để", out.getvalue())
    bad = tmp_path / "loi.csv"
    bad.write_bytes(_csv([member("X-1", "Lê Văn Sai", "31/02/1990")]).getvalue())
    with pytest.raises(CommandError, match="Tệp có 1 lỗi; không ghi gì"):
        call_command("import_dossiers", str(bad), "--org", "t-a", stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_dossiers", str(path), "--org", "t-a", *flags.split(), stdout=out)
    assert "không đổi 2" in out.getvalue()
    # A check id that is no check of this file by this person is refused.
    with pytest.raises(CommandError, match="Không có lần kiểm tra này"):
        call_command(
            "import_dossiers", str(path), "--org", "t-a", *flags.split()[:3],
            "00000000-0000-7000-8000-000000000000", stdout=io.StringIO(),
        )  # fmt: skip
