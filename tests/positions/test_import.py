"""The catalogue import: a good file checked then imported (and again: nothing changes), a
file with bad rows reported row by row with nothing written, and all or nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.errors import ImportFileError, PermissionDeniedError
from bvct.positions.imports import HEADERS, catalogue_import, template_xlsx
from bvct.positions.models import CatalogueEntry
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.positions.factories import make_post

pytestmark = pytest.mark.django_db


def _file(rows: list[list[Any]], headers: list[str] = HEADERS) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "danh-muc.xlsx"
    return buffer


def _good() -> list[list[Any]]:
    return [
        [
            "Bộ phận",
            "Đảng ủy phường A",
            "Bộ phận cơ yếu",
            "15-QĐ/TU",
            "02/06/2025",
            "Ban Thường vụ Tỉnh ủy",
            "Tối mật",
            "Mật",
        ],
        [
            "Vị trí",
            "Đảng ủy phường A",
            "Bí thư Đảng ủy",
            "15-QĐ/TU",
            "02/06/2025",
            "Ban Thường vụ Tỉnh ủy",
            "Mật",
            "",
        ],
        [
            "Cơ quan",
            "dang uy xa b",
            "Văn phòng Đảng ủy",
            "15-QĐ/TU",
            "02/06/2025",
            "Ban Thường vụ Tỉnh ủy",
            "Mật",
            "Không mật",
        ],
    ]


@pytest.fixture
def officer(tree: Tree) -> Any:
    make_post(tree.committee_a, "Bí thư Đảng ủy")
    return make_user(tree.root, Role.BVCT_OFFICER, clearance="TOI_MAT")


def test_a_good_file_is_checked_then_imported_and_again_changes_nothing(
    tree: Tree, officer: Any, audit_mark: int
) -> None:
    check = catalogue_import(actor=officer, file=_file(_good()), dry_run=True)
    assert check.ok and (check.rows, check.created, check.updated) == (3, 3, 0)
    assert not CatalogueEntry.objects.exists()
    assert events_since(audit_mark) == []  # a check writes nothing, the trail included
    done = catalogue_import(actor=officer, file=_file(_good()), dry_run=False)
    assert done.ok and done.created == 3
    entries = {e.name: e for e in CatalogueEntry.objects.select_related("post", "organisation")}
    assert entries["Bí thư Đảng ủy"].post is not None and entries["Bí thư Đảng ủy"].kind == "POST"
    assert entries["Văn phòng Đảng ủy"].organisation == tree.committee_b
    assert (
        entries["Bộ phận cơ yếu"].required_clearance,
        entries["Bộ phận cơ yếu"].classification,
    ) == (2, 1)
    actions = [e.action for e in events_since(audit_mark)]
    assert actions.count(AuditAction.CATALOGUE_CREATE) == 3
    assert actions[-1] == AuditAction.CATALOGUE_IMPORT
    mark = events_since(audit_mark)[-1].seq
    again = catalogue_import(actor=officer, file=_file(_good()), dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = _good()
    changed[0][6] = "Tuyệt mật"
    update = catalogue_import(actor=officer, file=_file(changed), dry_run=False)
    assert (update.created, update.updated, update.unchanged) == (0, 1, 2)
    assert CatalogueEntry.objects.get(name="Bộ phận cơ yếu").required_clearance == 3
    assert [
        e.action for e in events_since(mark) if e.object_type == "positions.catalogueentry"
    ] == [AuditAction.CATALOGUE_UPDATE]


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(
    tree: Tree, officer: Any, audit_mark: int
) -> None:
    rows = [
        *_good(),
        ["Phòng", "Đảng ủy phường A", "X", "1", "02/06/2025", "BTV", "Mật", ""],
        ["Bộ phận", "Tổ chức không có", "Y", "1", "02/06/2025", "BTV", "Mật", ""],
        ["Vị trí", "Đảng ủy phường A", "Chức vụ không có", "1", "02/06/2025", "BTV", "Mật", ""],
        ["Bộ phận", "Đảng ủy phường A", "Z", "1", "31/02/2025", "BTV", "Mật", ""],
        ["Bộ phận", "Đảng ủy phường A", "W", "1", "02/06/2025", "BTV", "Mật", "Tuyệt mật"],
        ["Bộ phận", "Đảng ủy phường A", "bo phan co yeu", "1", "02/06/2025", "BTV", "Mật", ""],
        ["Bộ phận", "Đảng ủy phường A", "", "1", "02/06/2025", "BTV", "Mật", ""],
        ["Bộ phận", "Đảng ủy phường A", "V", "1", "02/06/2025", "BTV", "Cao", ""],
    ]
    for dry_run in (True, False):
        report = catalogue_import(actor=officer, file=_file(rows), dry_run=dry_run)
        assert not report.ok
        by_row = {row: (column, message) for row, column, message in report.errors}
        assert set(by_row) == set(range(5, 13)), report.errors
        assert by_row[5][0] == "Loại"
        assert by_row[6] == ("Tổ chức", "không có tổ chức này trong phạm vi của bạn")
        assert "tạo chức vụ trước" in by_row[7][1]
        assert by_row[8][0] == "Ngày quyết định"
        assert "cao hơn mức bạn được tiếp cận" in by_row[9][1]
        assert by_row[10][1] == "trùng với dòng 2"
        assert by_row[11] == ("Tên", "bắt buộc, chưa có")
        assert by_row[12][0] == "Mức tiếp cận yêu cầu"
    assert not CatalogueEntry.objects.exists()  # the good rows neither: all or nothing
    assert events_since(audit_mark) == []


def test_a_row_naming_an_organisation_outside_ones_scope_is_refused(tree: Tree) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TOI_MAT")
    make_post(tree.committee_a, "Bí thư Đảng ủy")
    report = catalogue_import(actor=officer, file=_file(_good()), dry_run=True)
    assert [(row, column) for row, column, _ in report.errors] == [(4, "Tổ chức")]


def test_the_file_itself_is_refused_with_what_is_wrong(tree: Tree, officer: Any) -> None:
    with pytest.raises(ImportFileError, match="Thiếu cột: Cơ quan ban hành"):
        catalogue_import(
            actor=officer,
            file=_file([], [h for h in HEADERS if h != "Cơ quan ban hành"]),
            dry_run=True,
        )
    with pytest.raises(ImportFileError, match="không có dòng dữ liệu"):
        catalogue_import(actor=officer, file=_file([]), dry_run=True)
    broken = io.BytesIO(b"PK\x03\x04 not a workbook")
    with pytest.raises(ImportFileError, match="không phải bảng tính XLSX"):
        catalogue_import(actor=officer, file=broken, file_name="x.xlsx", dry_run=True)
    with pytest.raises(ImportFileError, match=r"chỉ nhận \.xlsx"):
        catalogue_import(actor=officer, file=io.BytesIO(b"a,b"), file_name="x.csv", dry_run=True)
    formula = _good()
    formula[0][2] = "=1+1"
    with pytest.raises(ImportFileError, match="công thức"):
        catalogue_import(actor=officer, file=_file(formula), dry_run=True)
    reader = make_user(tree.root, Role.COMMITTEE_MEMBER, clearance="TOI_MAT")
    with pytest.raises(PermissionDeniedError):
        catalogue_import(actor=reader, file=_file(_good()), dry_run=True)


def test_the_template_has_the_columns_and_its_example_imports(tree: Tree, officer: Any) -> None:
    book = load_workbook(io.BytesIO(template_xlsx()))
    assert [c.value for c in book.worksheets[0][1]] == HEADERS
    data = io.BytesIO(template_xlsx())
    report = catalogue_import(actor=officer, file=data, file_name="mau.xlsx", dry_run=True)
    # The example names the agency, outside a commune's scope but inside the province's.
    assert report.ok, report.errors
