"""Importing dossiers: checks with row numbers, all or nothing, idempotent, malformed files."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bvct.audit.constants import AuditAction
from bvct.core.errors import PermissionDeniedError, ValidationFailed
from bvct.core.gate import SYSTEM
from bvct.people import imports, services
from bvct.people.dates import PartialDate, PartialDateError
from bvct.people.declarations import DeclarationInvalid
from bvct.people.identity import CitizenIdError, check_citizen_id, make_citizen_id
from bvct.people.imports import (
    COLUMNS,
    HEADERS,
    SELF,
    ImportFileError,
    import_dossiers,
    template_xlsx,
)
from bvct.people.models import Declaration, Dossier, ImportBatch, Person
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.people.factories import declaration

pytestmark = pytest.mark.django_db
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


def test_dry_run_reports_and_writes_nothing(tree: Tree) -> None:
    before = _state()
    report = _import(GOOD, dry_run=True)
    assert report.ok and report.rows == 5 and report.dossiers == 2
    assert _state() == before


def test_import_creates_dossiers_persons_and_declarations(tree: Tree, audit_mark: int) -> None:
    report = _import(GOOD)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    dossier = Dossier.objects.get(import_ref="DV-1")
    assert dossier.managing_org == tree.committee_a and dossier.org_path == tree.committee_a.path
    people = {p.full_name: p for p in Person.objects.filter(dossier=dossier)}
    assert people["Nguyễn Văn An"].is_subject and people["Nguyễn Văn An"].birth_month == 5
    assert people["Nguyễn Văn Bình"].relation.code == "cha"
    content = Declaration.objects.get(dossier=dossier).content
    assert [r["full_name"] for r in content["relatives"]] == ["Nguyễn Văn Bình", "Nguyễn Thị Mai"]
    assert content["relatives"][0]["person"] == str(people["Nguyễn Văn Bình"].public_id)
    (event,) = events_since(audit_mark, action=AuditAction.DOSSIER_IMPORT)
    assert event.after["rows"] == 5 and event.after["created"] == 2
    batch = ImportBatch.objects.get(public_id=event.object_public_id)
    assert batch.items.count() == 2


def _compare_in_full() -> None:
    """Forget what the last imports wrote, so that the next one compares every dossier."""
    Dossier.objects.update(imported_version=None)


@pytest.mark.parametrize("in_full", [False, True], ids=["left-alone", "compared"])
def test_reimporting_the_same_file_changes_nothing(tree: Tree, in_full: bool) -> None:
    _import(GOOD)
    if in_full:
        _compare_in_full()
    before = _state()
    versions = list(Declaration.objects.values_list("dossier_id", "number", "content"))
    report = _import(GOOD)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert _state() == before
    assert list(Declaration.objects.values_list("dossier_id", "number", "content")) == versions


@pytest.mark.parametrize("in_full", [False, True], ids=["left-alone", "compared"])
def test_same_named_siblings_born_the_same_year_stay_two(tree: Tree, in_full: bool) -> None:
    rows = [
        member("DV-9", "Hoàng Văn Long", "1975"),
        relative("DV-9", "anh-chi-em", "Hoàng Văn Nam", "1978"),
        relative("DV-9", "anh-chi-em", "Hoàng Văn Nam", "1978", occupation="Giáo viên"),
    ]
    _import(rows)
    dossier = Dossier.objects.get(import_ref="DV-9")
    assert Person.objects.filter(dossier=dossier, full_name="Hoàng Văn Nam").count() == 2
    if in_full:
        _compare_in_full()
    report = _import(rows)
    assert (report.updated, report.unchanged) == (0, 1)
    assert Person.objects.filter(dossier=dossier, full_name="Hoàng Văn Nam").count() == 2


def test_namesakes_match_the_persons_the_last_import_gave_their_rows(tree: Tree) -> None:
    """Two relatives of one relation, name and birth year are told apart by their order: the
    n-th such row of a file is the n-th such person of the current declaration. Ordered by
    their ids instead, a page's edit could make the same file, imported twice, swap them."""
    from bvct.people.services import declaration_submit

    rows = [
        member("NS-1", "Hoàng Văn Long", "1975"),
        relative("NS-1", "anh-chi-em", "Hoàng Văn Nam", "1978", occupation="Kỹ sư"),
        relative("NS-1", "anh-chi-em", "Hoàng Văn Bắc", "1978"),
    ]
    _import(rows)
    dossier = Dossier.objects.get(import_ref="NS-1")
    # On the page: Nam is no longer declared, and Bắc is renamed Nam (a corrected name).
    content = _content("NS-1")
    content["relatives"] = [dict(content["relatives"][1], full_name="Hoàng Văn Nam")]
    declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=1)
    renamed = content["relatives"][0]["person"]
    twins = [
        rows[0],
        relative("NS-1", "anh-chi-em", "Hoàng Văn Nam", "1978", occupation="Giáo viên"),
        relative("NS-1", "anh-chi-em", "Hoàng Văn Nam", "1978", occupation="Bác sĩ"),
    ]
    assert _checked_import(twins).updated == 1
    stored = [(r["person"], r["occupation"]) for r in _content("NS-1")["relatives"]]
    assert stored[0] == (renamed, "Giáo viên")  # the one the page kept comes first
    _compare_in_full()
    report = _import(twins)
    assert (report.updated, report.unchanged) == (0, 1)
    assert [(r["person"], r["occupation"]) for r in _content("NS-1")["relatives"]] == stored
    for person, occupation in stored:
        assert Person.objects.get(public_id=person).occupation == occupation


def test_links_are_proposed_for_new_persons_and_changed_identities(
    tree: Tree, audit_mark: int
) -> None:
    from bvct.people.models import PersonLink

    number = make_citizen_id("027", "M", 1952, 7)
    _import(GOOD)
    other = [
        member("K-1", "Phạm Văn Khoa", "1980"),
        relative("K-1", "Cha đẻ", "Phạm Văn Bình", "1952", citizen_id=number),
        relative("K-1", "Mẹ đẻ", "Đỗ Thị Hoa", "1955", hometown="Xã Tân Sơn, Bắc Ninh"),
    ]
    _import(other, org="t-b")
    assert not PersonLink.objects.exists()  # nobody alike yet
    # DV-1's file now gives the father's citizen ID, and a mother like K-1's: both proposed.
    changed = [list(r) for r in GOOD]
    changed[1][KEYS.index("citizen_id")] = number
    changed.append(relative("DV-1", "Mẹ đẻ", "Đỗ Thị Hoa", "1955", hometown="Xã Tân Sơn, Bắc Ninh"))
    assert _import(changed).updated == 1
    links = {
        (link.reason, frozenset((link.person_a.full_name, link.person_b.full_name)))
        for link in PersonLink.objects.select_related("person_a", "person_b")
    }
    assert links == {
        ("CITIZEN_ID", frozenset({"Nguyễn Văn Bình", "Phạm Văn Bình"})),
        ("NAME_YEAR_HOMETOWN", frozenset({"Đỗ Thị Hoa"})),
    }
    # Not counted in the import's event: its readers may not see the other dossiers.
    assert (
        "links_proposed"
        not in events_since(audit_mark, action=AuditAction.DOSSIER_IMPORT)[-1].after
    )
    # Another occupation changes nothing proposals compare: nothing new is proposed.
    changed[1][KEYS.index("occupation")] = "Làm ruộng"
    assert _import(changed).updated == 1
    assert PersonLink.objects.count() == 2
    with connection.cursor() as cursor:  # (the import's tables, inside the test's transaction)
        cursor.execute("SELECT count(*) FROM import_touched")
        assert cursor.fetchone()[0] == 0  # nobody was looked for


def _twins() -> list[list[str]]:
    return [
        member("NS-2", "Hoàng Văn Long", "1975"),
        relative("NS-2", "anh-chi-em", "Hoàng Văn Nam", "1978", occupation="Kỹ sư"),
        relative("NS-2", "anh-chi-em", "Hoàng Văn Nam", "1978", occupation="Bác sĩ"),
    ]


@pytest.mark.parametrize("detail", ["occupation", "political_history"])
def test_namesakes_reordered_on_the_page_keep_their_own_rows(tree: Tree, detail: str) -> None:
    """Rows are matched to the persons whose values they are before any order is used, the
    values the declaration alone holds (a relative's political history) included: a page that
    only reorders two namesakes does not make the same file swap them."""
    from bvct.people.services import declaration_submit

    rows = _twins()
    for row, value in zip(rows[1:], ("Kỹ sư", "Bác sĩ"), strict=True):
        row[KEYS.index("occupation")] = ""
        row[KEYS.index(detail)] = value
    _import(rows)
    dossier = Dossier.objects.get(import_ref="NS-2")
    before = {r["person"]: r[detail] for r in _content("NS-2")["relatives"]}
    content = _content("NS-2")
    content["relatives"] = list(reversed(content["relatives"]))
    declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=1)
    report = _checked_import(rows)
    assert {r["person"]: r[detail] for r in _content("NS-2")["relatives"]} == before
    assert report.updated == 1  # only the order, back to the file's
    if detail == "occupation":  # a person's own column
        people = Person.objects.filter(dossier=dossier, is_subject=False)
        assert {str(p.public_id): p.occupation for p in people} == before


def test_a_namesake_added_on_the_page_does_not_take_the_files_person(tree: Tree) -> None:
    from bvct.people.services import declaration_submit

    rows = _twins()[:2]
    _import(rows)
    dossier = Dossier.objects.get(import_ref="NS-2")
    (imported,) = [r["person"] for r in _content("NS-2")["relatives"]]
    content = _content("NS-2")
    added = dict(content["relatives"][0], person=None, occupation="Thợ mộc")
    content["relatives"] = [added, *content["relatives"]]
    declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=1)
    _checked_import(rows)
    assert [r["person"] for r in _content("NS-2")["relatives"]] == [imported]


def test_a_changed_file_adds_a_version_where_it_changed(tree: Tree) -> None:
    _import(GOOD)
    changed = [list(r) for r in GOOD]
    changed[1][KEYS.index("occupation")] = "Làm ruộng"  # the father's occupation
    report = _import(changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    first = Dossier.objects.get(import_ref="DV-1")
    assert list(Declaration.objects.filter(dossier=first).values_list("number", "status")) == [
        (2, "SUBMITTED"), (1, "SUPERSEDED"),
    ]  # fmt: skip
    assert Person.objects.filter(dossier=first).count() == 3  # the same persons, updated


def test_dossiers_unchanged_since_their_last_import_are_left_alone(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dossier keeps the digest of the rows it was last imported from and the version that
    import left it at: the same rows into the same version are not compared again. Anything
    that changes the dossier raises its version, and the next import compares it fully."""
    from bvct.people.services import dossier_update

    _import(GOOD)
    first = Dossier.objects.get(import_ref="DV-1")
    assert first.imported_version == first.version and len(first.imported_rows_sha256) == 64
    father = Person.objects.get(dossier=first, full_name="Nguyễn Văn Bình")
    # Changed behind the application's back (no version): the same file does not look again.
    Person.objects.filter(pk=father.pk).update(occupation="Sửa ngoài ứng dụng")
    report = _import(GOOD)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    father.refresh_from_db()
    assert father.occupation == "Sửa ngoài ứng dụng"
    # Once the dossier changes (here its posts, on the page), the file is compared again.
    dossier_update(
        actor=SYSTEM, dossier=first, expected_version=first.version, current_posts="Bí thư"
    )
    report = _import(GOOD)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    father.refresh_from_db()
    assert father.occupation == "Hưu trí"
    first.refresh_from_db()
    assert first.current_posts == "Bí thư"  # an empty cell keeps the dossier's posts
    assert first.imported_version == first.version  # compared, nothing to change: caught up
    # Another file's rows for a dossier are compared too: a new relative, one id reserved
    # for it (none for the rows of the dossier left alone).
    added = [*GOOD, relative("DV-2", "con", "Lê Thị Hoa", "2012", sex="Nữ")]
    report = _import(added)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    (new,) = Person.objects.filter(full_name="Lê Thị Hoa")
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM people_person_id_seq")
        assert cursor.fetchone()[0] == new.id
    second = Dossier.objects.get(import_ref="DV-2")
    assert second.imported_version == second.version == 2
    # Once the import writes differently (IMPORT_WRITES raised), every dossier is compared.
    Person.objects.filter(pk=father.pk).update(occupation="Sửa ngoài ứng dụng")
    monkeypatch.setattr(imports, "IMPORT_WRITES", imports.IMPORT_WRITES + 1)
    assert _import(added).unchanged == 2
    father.refresh_from_db()
    assert father.occupation == "Hưu trí"


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        (
            member("X", "Phạm Văn C", "31/02/1990"),
            "Ngày sinh",
            "ngày 31 không có trong tháng 2/1990",
        ),
        (member("X", "Phạm Văn C", "1990", citizen_id="12345"), "Số CCCD", "đúng 12 chữ số"),
        (member("X", "Phạm Văn C", "1990", sex="X"), "Giới tính", "không hợp lệ"),
        (member("X", "", "1990"), "Họ và tên", "không được để trống"),
        (member("X", "Phạm Văn C", "1990", death="1980"), "Ngày mất", "trước ngày sinh"),
        (member("X", "Phạm Văn C", "1990", classification="rất mật"), "Mức mật", "không hợp lệ"),
        (relative("DV-1", "chú", "Phạm Văn D", "1960"), "Quan hệ", "không có trong danh mục"),
        (relative("DV-1", "Cha đẻ", "Phạm Văn E", "1995"), "Ngày sinh", "bậc trên phải sinh trước"),
        (relative("DV-1", "Con", "Phạm Văn F", "1970"), "Ngày sinh", "con sinh 1970"),
        # The same year is not before: a father born the year of his child is refused.
        (relative("DV-1", "Cha đẻ", "Phạm Văn E", "1980"), "Ngày sinh", "không trước người"),
        (member("X", "Phạm Văn C", "1990", death="2090"), "Ngày mất", "2090 ở tương lai"),
        (relative("DV-1", "Con", "Phạm Văn F", "2095"), "Ngày sinh", "2095 ở tương lai"),
        (relative("KHONG-CO", "Con", "Phạm Văn G", "2010"), "Quan hệ", "không có dòng “Bản thân”"),
        (member("DV-1", "Nguyễn Văn An", "1980"), "Quan hệ", "nhiều hơn một dòng"),
        # The member's own citizen ID again on a relative's row: a typing error.
        (
            relative(
                "DV-1",
                "Anh trai",
                "Phạm Văn H",
                "1980",
                citizen_id=GOOD[0][KEYS.index("citizen_id")],
            ),
            "Số CCCD",
            "trùng với dòng 2",
        ),
    ],
)
def test_a_bad_row_is_reported_with_its_number_and_nothing_is_written(
    tree: Tree, row: list[str], column: str, fragment: str
) -> None:
    before = _state()
    report = _import([*GOOD, row])
    assert not report.ok
    assert any(r == 7 and c == column and fragment in m for r, c, m in report.errors), report.errors
    assert _state() == before


def test_references_are_per_organisation_and_reveal_nothing_elsewhere(tree: Tree) -> None:
    others = [list(row) for row in GOOD]
    others[0][KEYS.index("citizen_id")] = ""  # another person under the same references
    _import(others, org="t-b")
    report = _import(GOOD)
    assert report.ok and report.created == 2  # t-a gets its own dossiers; t-b's stay unseen
    assert Dossier.objects.filter(import_ref="DV-1").count() == 2


def test_a_member_who_has_a_dossier_gets_no_second_one(tree: Tree) -> None:
    number = GOOD[0][KEYS.index("citizen_id")]
    _import(GOOD)
    # The same person under another reference, or twice in one file: refused, naming where.
    again = [member("MOI-1", "Nguyễn Văn An", "12/05/1980", citizen_id=number)]
    report = _import(again)
    assert report.errors == [(2, "Số CCCD", f"số CCCD {number} là của Nguyễn Văn An, người được "
                              "quản lý trong hồ sơ đã có (mã hồ sơ “DV-1”): mỗi người chỉ có "
                              "một hồ sơ, hãy nhập vào hồ sơ đó")]  # fmt: skip
    twice = [
        member("X-1", "Lê Văn B", "1980"),
        member("MOI-1", "Nguyễn Văn An", "12/05/1980", citizen_id=number),
        member("MOI-2", "Nguyễn Văn An", "12/05/1980", citizen_id=number),
    ]
    assert (4, "Số CCCD", f"số CCCD {number} trùng với người được quản lý ở dòng 3") in (
        _import(twice, org="t-b").errors
    )
    # One the uploader may not see is neither named nor refused (that would tell it exists).
    outsider = make_user(tree.committee_b, "BVCT_OFFICER")
    assert _import(again, org="t-b", actor=outsider).ok
    # Two dossiers sharing a number now: both stay writable by whoever sees both, in a file
    # and on the page, as long as the number itself does not change.
    board = make_user(tree.board, "BVCT_OFFICER", clearance="TUYET_MAT")
    changed = [list(row) for row in GOOD]
    changed[0][KEYS.index("occupation")] = "Kỹ sư"
    assert _import(changed, actor=board).updated == 1
    shared = Dossier.objects.get(import_ref="MOI-1")
    content = Declaration.objects.get(dossier=shared, status="SUBMITTED").content
    content = {**content, "identity": {**content["identity"], "religion": "Phật giáo"}}
    services.declaration_submit(actor=board, dossier=shared, content=content, expected_number=1)
    # On the page and in the API alike.
    with pytest.raises(DeclarationInvalid, match="mỗi người chỉ có một hồ sơ"):
        services.dossier_create(
            actor=make_user(tree.committee_a, "BVCT_OFFICER"), managing_org_code="t-a",
            content=declaration("Nguyễn Văn An", "12/05/1980", citizen_id=number),
        )  # fmt: skip


def test_an_import_cannot_rewrite_a_dossier_above_ones_clearance(tree: Tree) -> None:
    _import([member("TM-1", "Bùi Văn Mật", "1970", classification="Tối mật")])
    low = make_user(tree.committee_a, "BVCT_OFFICER", clearance="MAT")
    changed = [member("TM-1", "Bùi Văn Mật", "1970", occupation="Thay đổi", classification="Mật")]
    report = _import(changed, actor=low)
    # Refused (a reference names one dossier), without saying why: not its classification.
    assert (2, "Mã hồ sơ", "mã hồ sơ “TM-1” đã được dùng; tệp không nhập được vào hồ sơ đó, "
            "hãy dùng mã khác hoặc hỏi người quản lý hồ sơ") in report.errors  # fmt: skip
    assert Declaration.objects.filter(dossier__import_ref="TM-1").count() == 1


def test_nul_characters_and_future_births_are_refused(tree: Tree) -> None:
    report = _import([member("N-1", "Tên\x00Lạ", "1980")], dry_run=True)
    assert any("NUL" in m for _, _, m in report.errors)
    from bvct.people.declarations import DeclarationInvalid, clean_content
    from tests.people.factories import declaration

    with pytest.raises(DeclarationInvalid, match="ở tương lai"):
        clean_content(declaration(birth="2099"), relation_kinds={})


def test_only_an_officer_in_scope_may_import(tree: Tree) -> None:
    outsider = make_user(tree.committee_b, "BVCT_OFFICER")
    with pytest.raises(ValidationFailed, match="Không có tổ chức mã 't-a'"):
        _import(GOOD, actor=outsider)  # a code one cannot see: as if nobody had it
    reader = make_user(tree.committee_a, "COMMITTEE_MEMBER", clearance="TUYET_MAT")
    with pytest.raises(PermissionDeniedError):
        _import(GOOD, actor=reader)
    low = make_user(tree.committee_a, "BVCT_OFFICER", clearance="NONE")
    report = _import([member("S", "Đỗ Văn S", "1970", classification="Mật")], actor=low)
    assert any(c == "Mức mật" for _, c, _ in report.errors)


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

    from bvct.people.identity import make_citizen_id

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


@given(st.integers(1850, 2100), st.integers(1, 12), st.integers(1, 28))
def test_partial_dates_round_trip(year: int, month: int, day: int) -> None:
    for date in (PartialDate(year), PartialDate(year, month), PartialDate(year, month, day)):
        assert PartialDate.parse(str(date)) == date
        assert date.earliest() <= date.latest()


@given(st.text(max_size=12))
def test_date_parser_never_crashes_otherwise(text: str) -> None:
    # Either a date (or None for blank) or PartialDateError: never any other exception.
    with contextlib.suppress(PartialDateError):
        assert PartialDate.parse(text) is None or isinstance(PartialDate.parse(text), PartialDate)


@given(
    st.sampled_from(["001", "027", "079"]),
    st.sampled_from("MF"),
    st.integers(1900, 2099),
    st.integers(0, 999_999),
)
def test_citizen_ids_made_are_accepted(place: str, sex: str, year: int, serial: int) -> None:
    number = make_citizen_id(place, sex, year, serial)
    assert check_citizen_id(number, birth_year=year, sex=sex) == number
    with pytest.raises(CitizenIdError):
        check_citizen_id(number, birth_year=year + 1)


def test_import_page_checks_then_imports(tree: Tree) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client()
    client.force_login(make_user(tree.committee_a, "BVCT_OFFICER"))

    def upload(rows: list[list[str]], mode: str) -> str:
        file = SimpleUploadedFile("ho-so.csv", _csv(rows).getvalue(), content_type="text/csv")
        response = client.post("/ho-so/nhap/", {"org": "t-a", "file": file, "mode": mode})
        assert response.status_code == 200
        return response.content.decode()

    bad = upload([*GOOD, relative("DV-1", "chú", "X", "1960")], "import")
    assert "Tệp có 1 lỗi; chưa ghi gì" in bad and "không có trong danh mục" in bad
    assert not Dossier.objects.filter(import_ref="DV-1").exists()
    checked = upload(GOOD, "check")
    assert "Tệp hợp lệ: 5 dòng, 2 hồ sơ" in checked
    assert not Dossier.objects.filter(import_ref="DV-1").exists()
    done = upload(GOOD, "import")
    assert "tạo mới 2 hồ sơ" in done
    assert client.get("/ho-so/nhap/tep-mau.xlsx").status_code == 200
    agency = Client()
    agency.force_login(make_user(tree.agency, "AGENCY_OFFICER", clearance="TUYET_MAT"))
    assert agency.get("/ho-so/nhap/").status_code == 404


def test_import_api(tree: Tree) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client()
    client.force_login(make_user(tree.committee_a, "BVCT_OFFICER"))
    file = SimpleUploadedFile("ho-so.csv", _csv(GOOD).getvalue(), content_type="text/csv")
    dry = client.post("/api/dossiers/import/", {"managing_org": "t-a", "file": file})
    assert dry.status_code == 200 and dry.json()["dry_run"] is True and dry.json()["rows"] == 5
    assert dry.json()["warnings"] == [] and dry.json()["checked_at"]
    # An import given a check time later than the dossiers' changes goes through.
    file = SimpleUploadedFile("ho-so.csv", _csv(GOOD).getvalue(), content_type="text/csv")
    done = client.post(
        "/api/dossiers/import/",
        {"managing_org": "t-a", "file": file, "dry_run": "false",
         "checked_at": dry.json()["checked_at"]},
    )  # fmt: skip
    assert done.status_code == 200 and done.json()["created"] == 2
    file = SimpleUploadedFile("ho-so.csv", _csv(GOOD).getvalue(), content_type="text/csv")
    stale = client.post(
        "/api/dossiers/import/",
        {"managing_org": "t-a", "file": file, "dry_run": "false",
         "checked_at": dry.json()["checked_at"]},
    )  # fmt: skip
    assert (
        stale.status_code == 400
        # created by the import above: the check did not compare them
        and "không được so với tệp này khi kiểm tra" in (stale.json()["errors"][0]["message"])
    )
    # Checked now that they exist: the check's id holds the import to the versions compared.
    file = SimpleUploadedFile("ho-so.csv", _csv(GOOD).getvalue(), content_type="text/csv")
    check = client.post("/api/dossiers/import/", {"managing_org": "t-a", "file": file}).json()
    assert check["check_id"]
    file = SimpleUploadedFile("ho-so.csv", _csv(GOOD).getvalue(), content_type="text/csv")
    again = client.post(
        "/api/dossiers/import/",
        {"managing_org": "t-a", "file": file, "dry_run": "false",
         "checked_at": check["checked_at"], "check_id": check["check_id"]},
    )  # fmt: skip
    assert again.status_code == 200 and again.json()["unchanged"] == 2
    bad = SimpleUploadedFile("x.csv", _csv([member("X", "Y", "31/02/1990")]).getvalue())
    response = client.post(
        "/api/dossiers/import/", {"managing_org": "t-a", "file": bad, "dry_run": "false"}
    )
    assert response.status_code == 400
    assert (
        response.json()["errors"][0]["row"] == 2
        and response.json()["errors"][0]["column"] == "Ngày sinh"
    )
    reader = Client()
    reader.force_login(make_user(tree.committee_a, "COMMITTEE_MEMBER"))
    file = SimpleUploadedFile("ho-so.csv", _csv(GOOD).getvalue(), content_type="text/csv")
    assert (
        reader.post("/api/dossiers/import/", {"managing_org": "t-a", "file": file}).status_code
        == 403
    )


# --- the two ways a file is loaded, and the checks made in SQL -------------------------------


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


def test_cells_are_trimmed_of_any_whitespace_as_python_strips(tree: Tree) -> None:
    padded = member("\u00a0DV-7\t", " Ngô  Thị Hà\u3000", " 1979 ", occupation="\u2003Kế toán ")
    report = _raw_import(_text([padded]).encode(), dry_run=False)
    assert report.ok, report.errors
    person = Person.objects.get(dossier__import_ref="DV-7")
    assert (person.full_name, person.occupation, person.birth_year) == (
        "Ngô  Thị Hà",
        "Kế toán",
        1979,
    )
    assert person.name_norm == "ngo thi ha"


citizen_cases = st.lists(
    st.tuples(
        st.one_of(
            st.builds(make_citizen_id, st.sampled_from(["001", "027", "096"]),
                      st.sampled_from("MF"), st.integers(1900, 2099), st.integers(0, 999_999)),
            st.from_regex(r"[0-9]{12}", fullmatch=True),
            st.from_regex(r"[0-9 ]{10,14}", fullmatch=True),
        ),
        st.integers(1900, 2099),
        st.sampled_from(["Nam", "Nữ", ""]),
    ),
    min_size=1,
    max_size=25,
    unique_by=lambda case: case[0].replace(" ", ""),  # one person per number (a second is refused)
)  # fmt: skip


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(citizen_cases)
def test_citizen_id_checks_in_sql_agree_with_check_citizen_id(
    tree: Tree, cases: list[tuple[str, int, str]]
) -> None:
    rows = [
        member(f"C-{i}", "Đinh Văn Số", str(year), citizen_id=number, sex=sex)
        for i, (number, year, sex) in enumerate(cases)
    ]
    report = _raw_import(_text(rows).encode())
    found = {row: message for row, column, message in report.errors if column == "Số CCCD"}
    for i, (number, year, sex) in enumerate(cases):
        expected = None
        if number.strip():
            try:
                check_citizen_id(
                    number.strip(), birth_year=year, sex={"Nam": "M", "Nữ": "F"}.get(sex)
                )
            except CitizenIdError as exc:
                expected = str(exc)
                if re.fullmatch(r"[0-9]{10,11}", number.strip()):  # the import adds why, maybe
                    expected += (
                        "; có thể bảng tính đã bỏ số 0 ở đầu (ô định dạng số): hãy định dạng "
                        "cột là Văn bản (Text) rồi nhập lại số"
                    )
        assert found.get(i + 2) == expected, (number, year, sex)


def test_classification_and_posts_of_an_existing_dossier_follow_the_file(tree: Tree) -> None:
    _import([member("M-1", "Vũ Văn Mật", "1970", classification="Mật", current_posts="Bí thư")])
    dossier = Dossier.objects.get(import_ref="M-1")
    versions = Declaration.objects.filter(dossier=dossier).count()
    # Left empty: the dossier keeps what it has (never downgraded by an empty cell).
    report = _import([member("M-1", "Vũ Văn Mật", "1970")])
    assert (report.updated, report.unchanged) == (0, 1)
    dossier.refresh_from_db()
    assert (dossier.classification, dossier.current_posts) == (1, "Bí thư")
    # Lower: refused (a declassification is an officer's decision on the page), nothing changes.
    lower = [member("M-1", "Vũ Văn Mật", "1970", classification="Không mật")]
    report = _import(lower)
    assert [(r, c) for r, c, _ in report.errors] == [(2, "Mức mật")]
    assert "hạ mức mật chỉ làm trên trang hồ sơ" in report.errors[0][2]
    dossier.refresh_from_db()
    assert dossier.classification == 1
    # Higher, other posts: told when checked; the dossier and its persons' copy for the gate
    # follow; no new declaration.
    raised = [member("M-1", "Vũ Văn Mật", "1970", classification="Tối mật",
                     current_posts="Chủ tịch")]  # fmt: skip
    check = _import(raised, dry_run=True)
    assert [(r, c) for r, c, _ in check.warnings] == [(2, "Chức vụ hiện nay"), (2, "Mức mật")]
    report = _import(raised)
    assert (report.updated, report.unchanged) == (1, 0)
    dossier.refresh_from_db()
    assert (dossier.classification, dossier.current_posts) == (2, "Chủ tịch")
    assert set(Person.objects.filter(dossier=dossier).values_list("classification", flat=True)) == {
        2
    }
    assert Declaration.objects.filter(dossier=dossier).count() == versions
    assert ImportBatch.objects.latest("id").items.get().outcome == "updated"


def test_posts_edited_on_the_page_are_not_replaced_by_an_unchecked_import(tree: Tree) -> None:
    from bvct.people.services import dossier_update

    _import([member("M-1", "Vũ Văn Mật", "1970", current_posts="Bí thư")])
    dossier = Dossier.objects.get(import_ref="M-1")
    dossier_update(
        actor=SYSTEM, dossier=dossier, expected_version=dossier.version, current_posts="Chủ tịch"
    )
    older = [member("M-1", "Vũ Văn Mật", "1970", current_posts="Bí thư")]
    before = _state(), Dossier.objects.get(pk=dossier.pk).current_posts
    report = _import(older)
    assert [(r, c) for r, c, _ in report.errors] == [(2, "Chức vụ hiện nay")]
    assert "đã sửa trên trang sau lần nhập tệp trước" in report.errors[0][2]
    assert (_state(), Dossier.objects.get(pk=dossier.pk).current_posts) == before
    # Checked, the officer is told and may import knowingly; after that import the page's
    # edit is no longer newer than the last import.
    assert _checked_import(older).updated == 1
    assert Dossier.objects.get(pk=dossier.pk).current_posts == "Bí thư"
    # The page's edit is older than that import now: other posts import unchecked.
    newer = [member("M-1", "Vũ Văn Mật", "1970", current_posts="Phó Chủ tịch")]
    assert _import(newer).updated == 1
    # A page edit of the classification alone does not hold back a file's other posts.
    dossier = Dossier.objects.get(pk=dossier.pk)
    dossier_update(actor=SYSTEM, dossier=dossier, expected_version=dossier.version,
                   classification="MAT")  # fmt: skip
    report = _import([member("M-1", "Vũ Văn Mật", "1970", current_posts="Chủ tịch")])
    assert report.ok and Dossier.objects.get(pk=dossier.pk).current_posts == "Chủ tịch"


def test_a_load_that_doubles_the_person_table_rebuilds_its_indexes_and_keys(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    from bvct.people import imports
    from bvct.people.bulk import drop_person_indexes

    def shape() -> tuple[list[str], int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'people_person'")
            indexes = sorted(name for (name,) in cursor.fetchall())
            cursor.execute(
                "SELECT count(*) FROM pg_constraint "
                "WHERE conrelid = 'people_person'::regclass AND contype = 'f'"
            )
            return indexes, cursor.fetchone()[0]

    before = shape()
    dropped: list[list[str]] = []

    def drop() -> list[str]:
        dropped.append(drop_person_indexes())
        assert shape()[1] == 0  # the foreign keys are gone while the rows go in
        return dropped[-1]

    monkeypatch.setattr(imports, "_doubles_person_table", lambda c, n: True)
    monkeypatch.setattr(imports, "drop_person_indexes", drop)
    report = _import(GOOD)
    assert len(dropped) == 1 and any("person_name_sorted" in d for d in dropped[0])
    assert report.ok and report.created == 2
    assert shape() == before and before[1] == 2
    assert Person.objects.filter(dossier__import_ref="DV-1", name_norm="nguyen van an").exists()


def test_new_persons_get_distinct_version_7_uuids(tree: Tree) -> None:
    import uuid

    from django.db import connection

    from bvct.people.imports import _person_uuid_sql

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_person_uuid_sql('x')} FROM generate_series(1, 5000) x")
        made = [value for (value,) in cursor.fetchall()]
    assert len(set(made)) == 5000
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in made)


# --- what a file may and may not change in existing dossiers ---------------------------------


def _content(ref: str) -> dict[str, Any]:
    return Declaration.objects.get(dossier__import_ref=ref, status="SUBMITTED").content


def _edited(ref: str) -> dict[str, Any]:
    """The current content with one change, as a version entered on the page (the same content
    again is no version)."""
    content = _content(ref)
    return {**content, "identity": {**content["identity"], "education": "Sửa trên trang"}}


def test_death_details_are_imported_and_member_only_cells_are_refused(tree: Tree) -> None:
    rows = [
        member("DD-1", "Phan Văn Tâm", "1975"),
        relative("DD-1", "Ông nội", "Phan Văn Cự", "1920", death="1990",
                 death_details="Mất do bệnh, tại quê"),
    ]  # fmt: skip
    _import(rows)
    [grandfather] = _content("DD-1")["relatives"]
    assert (grandfather["death"], grandfather["death_details"]) == ("1990", "Mất do bệnh, tại quê")
    before = _state()
    report = _import([
        member("DD-2", "Lê Văn Một", "1970", political_history="Bị bắt năm 1990"),
        member("DD-3", "Lê Văn Hai", "1971", current_situation="Hưu trí"),
        member("DD-4", "Lê Văn Ba", "1972", death_details="Mất do bệnh"),
    ])  # fmt: skip
    assert [(row, column) for row, column, _ in report.errors] == [
        (2, "Lịch sử chính trị"),
        (3, "Chính trị hiện nay"),
        (4, "Chi tiết khi mất"),
    ]
    assert "mục “Lịch sử chính trị” của bản khai" in report.errors[0][2]
    assert _state() == before


def test_an_old_template_without_the_death_details_column_is_refused(tree: Tree) -> None:
    header = [h for h in HEADERS if h != "Chi tiết khi mất"]
    rows = [[cell for key, cell in zip(KEYS, row, strict=True) if key != "death_details"]
            for row in GOOD]  # fmt: skip
    with pytest.raises(ImportFileError, match="Thiếu cột: Chi tiết khi mất"):
        import_dossiers(actor=SYSTEM, managing_org_code="t-a", stream=_csv(rows, header),
                        file_name="cu.csv", dry_run=True)  # fmt: skip


def test_a_subjects_corrections_are_warned_and_another_person_under_a_reference_refused(
    tree: Tree,
) -> None:
    cccd = make_citizen_id("027", "M", 1980, 5)
    _import(GOOD)
    # One difference: a correction, shown as a warning, then made.
    renamed = [member("DV-1", "Nguyễn Văn Ân", "12/05/1980", citizen_id=cccd), *GOOD[1:]]
    report = _import(renamed, dry_run=True)
    assert report.ok and report.warnings == [
        (2, "Họ và tên", "khác hồ sơ hiện có; sẽ sửa thành “Nguyễn Văn Ân”")
    ]
    assert "Nguyễn Văn An" not in str(report.warnings)  # the stored value is not shown
    report = _import(renamed)
    assert report.ok and report.warning_count == 1
    assert Person.objects.get(dossier__import_ref="DV-1", is_subject=True).full_name == (
        "Nguyễn Văn Ân"
    )
    dropped = [member("DV-1", "Nguyễn Văn Ân", "05/1980"), *GOOD[1:]]
    report = _import(dropped, dry_run=True)
    assert report.ok and [(c, m) for _, c, m in report.warnings] == [
        ("Ngày sinh", "khác hồ sơ hiện có; sẽ sửa thành 05/1980"),
        ("Số CCCD", "hồ sơ hiện có số CCCD; ô trống sẽ xóa số đó"),
    ]
    # Name and birth year both different: most likely a wrong reference; nothing written.
    before = _state()
    other = [member("DV-1", "Hoàng Văn Tư", "1991"), *GOOD[1:]]
    report = _import(other)
    assert not report.ok and report.errors[0][:2] == (2, "Mã hồ sơ")
    assert "người khác (họ tên và năm sinh khác" in report.errors[0][2]
    assert _state() == before


def test_a_version_entered_on_the_page_since_the_last_import_is_warned(tree: Tree) -> None:
    from bvct.people.services import declaration_submit

    _import(GOOD)
    assert _import(GOOD, dry_run=True).warnings == []
    dossier = Dossier.objects.get(import_ref="DV-2")
    content = _content("DV-2")
    content["identity"]["occupation"] = "Giáo viên"
    declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=1)
    report = _import(GOOD, dry_run=True)
    assert [(row, column) for row, column, _ in report.warnings] == [(5, "Mã hồ sơ")]
    assert "bản khai lần 2 nộp trên trang" in report.warnings[0][2]
    # Imported without that check, it is refused: a page's version is never replaced unseen.
    before = _state()
    unchecked = _import(GOOD)
    assert [(row, column) for row, column, _ in unchecked.errors] == [(5, "Mã hồ sơ")]
    assert "hãy kiểm tra tệp trước khi nhập" in unchecked.errors[0][2]
    assert _state() == before
    # Checked, it imports; the file's content is current again: nothing more to warn of.
    assert _checked_import(GOOD).updated == 1
    assert _import(GOOD, dry_run=True).warnings == []


def test_an_import_refuses_dossiers_changed_after_the_file_was_checked(tree: Tree) -> None:
    from bvct.people.services import declaration_submit

    _import(GOOD)
    check = _import(GOOD, dry_run=True)
    assert check.checked_at is not None and check.check_id is not None
    dossier = Dossier.objects.get(import_ref="DV-1")
    content = _content("DV-1")
    content["identity"]["residence"] = "Hà Nội"
    declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=1)
    before = _state()
    report = _import(GOOD, since=check.checked_at, check_id=check.check_id)
    assert not report.ok and [(r, c) for r, c, _ in report.errors] == [(2, "Mã hồ sơ")]
    assert "đã thay đổi sau khi tệp được kiểm tra (lần sửa gần nhất lúc" in report.errors[0][2]
    assert _state() == before
    # Sent again as it was, it is refused again: a refused import is no check.
    retry = _import(GOOD, since=check.checked_at, check_id=check.check_id)
    assert [(r, c) for r, c, _ in retry.errors] == [(2, "Mã hồ sơ")] and _state() == before
    # Checked again, the same file imports (and so replaces the page's version knowingly).
    again = _import(GOOD, dry_run=True)
    assert _import(GOOD, since=again.checked_at, check_id=again.check_id).updated == 1


def test_a_save_stamped_before_the_check_but_committed_after_it_is_still_refused(
    tree: Tree,
) -> None:
    """The guard compares the versions the check recorded, not clock times: a page save whose
    transaction stamped its dossier before the check started but committed only after the
    check had read that dossier (a slow commit) is still caught."""
    from bvct.people.services import declaration_submit

    _import(GOOD)
    check = _import(GOOD, dry_run=True)
    compared = dict(
        ImportBatch.objects.get(dry_run=True).items.values_list("dossier__import_ref", "version")
    )
    assert compared == {"DV-1": 1, "DV-2": 1}
    dossier = Dossier.objects.get(import_ref="DV-1")
    content = _content("DV-1")
    content["identity"]["residence"] = "Hà Nội"
    declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=1)
    Dossier.objects.filter(pk=dossier.pk).update(
        updated_at=check.checked_at - dt.timedelta(seconds=1)
    )
    before = _state()
    report = _import(
        GOOD, since=check.checked_at, checked_sha256=check.file_sha256, check_id=check.check_id
    )
    assert [(r, c) for r, c, _ in report.errors] == [(2, "Mã hồ sơ")]
    assert "đã thay đổi sau khi tệp được kiểm tra" in report.errors[0][2]
    assert _state() == before


def test_an_import_refuses_dossiers_its_check_did_not_compare(tree: Tree) -> None:
    officer = make_user(tree.committee_a, "BVCT_OFFICER")
    colleague = make_user(tree.committee_a, "BVCT_OFFICER")
    # Checked while the dossiers did not exist yet; meanwhile somebody imports the file.
    first = _import(GOOD, dry_run=True, actor=officer)
    assert first.ok and not ImportBatch.objects.filter(dry_run=True).exists()
    assert _import(GOOD, actor=colleague).created == 2
    before = _state()
    assert first.check_id is None
    report = _import(GOOD, actor=officer, since=first.checked_at)
    assert [(r, c) for r, c, _ in report.errors] == [(2, "Mã hồ sơ"), (5, "Mã hồ sơ")]
    assert all("không được so với tệp này khi kiểm tra" in m for _, _, m in report.errors)
    assert _state() == before
    # The refusal compared them, and is on the record, but it is not a check: sent again,
    # the import is refused again.
    assert ImportBatch.objects.filter(dry_run=True).count() == 1
    assert not _import(GOOD, actor=officer, since=first.checked_at).ok
    # Nor does a colleague's check stand for the officer's own.
    theirs = _import(GOOD, dry_run=True, actor=colleague)
    assert theirs.check_id is not None
    with pytest.raises(ImportFileError, match="Không có lần kiểm tra này của bạn"):
        _import(GOOD, actor=officer, since=theirs.checked_at, check_id=theirs.check_id)
    assert _state() == before
    mine = _import(GOOD, dry_run=True, actor=officer)
    assert _import(GOOD, actor=officer, since=mine.checked_at, check_id=mine.check_id).ok


def test_the_import_page_carries_the_check_time_into_the_import(tree: Tree) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from bvct.people.services import declaration_submit

    client = Client()
    client.force_login(make_user(tree.committee_a, "BVCT_OFFICER"))
    _import(GOOD)

    def upload(mode: str, **extra: str) -> str:
        file = SimpleUploadedFile("ho-so.csv", _csv(GOOD).getvalue(), content_type="text/csv")
        data = {"org": "t-a", "file": file, "mode": mode, **extra}
        return client.post("/ho-so/nhap/", data).content.decode()

    page = upload("check")
    assert "Khi nhập: 0 hồ sơ mới sẽ được tạo; 2 hồ sơ đã có sẽ được so với tệp" in page
    [checked_at] = re.findall(r'name="checked_at" value="([^"]+)"', page)
    [check_id] = re.findall(r'name="check_id" value="([^"]+)"', page)
    dossier = Dossier.objects.get(import_ref="DV-2")
    declaration_submit(actor=SYSTEM, dossier=dossier, content=_edited("DV-2"), expected_number=1)
    page = upload("import", checked_at=checked_at, check_id=check_id)
    assert "đã thay đổi sau khi tệp được kiểm tra" in page and "Tệp có 1 lỗi" in page
    assert "Cần lưu ý" in page  # the page's version since the last import, too
    # Checked again, what the page carries imports the file.
    page = upload("check")
    carried = {
        name: re.findall(rf'name="{name}" value="([^"]+)"', page)[0]
        for name in ("checked_at", "checked_sha256", "check_id")
    }
    assert carried["check_id"] != check_id
    # (the page's version had the file's content: nothing to change)
    assert "Đã nhập 5 dòng: tạo mới 0 hồ sơ, cập nhật 0, không đổi 2." in upload(
        "import", **carried
    )


def test_a_page_save_waits_for_an_import_then_says_so(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg
    from django.db import connection

    from bvct.core.errors import ConflictError
    from bvct.people import services
    from tests.people.factories import declaration

    monkeypatch.setattr(services, "IMPORT_LOCK_WAIT", "200ms")
    # Another session holding what an import holds while it writes. (This test's own
    # transaction must not have written a dossier: it would hold the lock the other needs.)
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("LOCK TABLE people_dossier IN SHARE ROW EXCLUSIVE MODE NOWAIT")
        with pytest.raises(ConflictError, match="đang được cập nhật bởi một lượt nhập tệp"):
            # The lock is the save's first statement: the dossier is not even read.
            services.declaration_submit(
                actor=SYSTEM, dossier=Dossier(pk=0), content={}, expected_number=1
            )
        with pytest.raises(ConflictError, match="đang được cập nhật bởi một lượt nhập tệp"):
            services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())


def test_units_come_from_the_places_and_an_old_addresss_unit_is_kept(tree: Tree) -> None:
    from bvct.people.services import declaration_submit

    old = "Xã Hoàn Sơn, huyện Tiên Du, tỉnh Bắc Ninh"
    rows = [
        member("U-1", "Đỗ Văn Hạnh", "1970", hometown=old, birthplace="Phường Hoàn Kiếm, Hà Nội"),
        relative("U-1", "con", "Đỗ Thị Lan", "2000", hometown="Xã Tân Sơn, Bắc Ninh"),
    ]
    _import(rows)
    subject = Person.objects.get(dossier__import_ref="U-1", is_subject=True)
    child = Person.objects.get(dossier__import_ref="U-1", is_subject=False)
    assert (subject.birthplace_ward, subject.hometown_ward, child.hometown_ward) == (70, None, 7531)
    identity = _content("U-1")["identity"]
    assert (identity["birthplace_ward"], identity["hometown_ward"]) == (70, None)
    # An officer records today's unit of the old address (a code, through the API's content).
    content = _content("U-1")
    content["identity"]["hometown_ward"] = 7531
    dossier = Dossier.objects.get(import_ref="U-1")
    declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=1)
    # The same file again: the text has not changed, so the unit stays; nothing is new.
    report = _checked_import(rows)
    assert (report.updated, report.unchanged) == (0, 1)
    assert _content("U-1")["identity"]["hometown_ward"] == 7531
    subject.refresh_from_db()
    assert subject.hometown_ward == 7531
    # A new text that names a unit replaces it.
    report = _checked_import([member("U-1", "Đỗ Văn Hạnh", "1970",
                                     hometown="Phường Hoàn Kiếm, Hà Nội",
                                     birthplace="Phường Hoàn Kiếm, Hà Nội"), rows[1]])  # fmt: skip
    assert report.updated == 1 and _content("U-1")["identity"]["hometown_ward"] == 70


def test_relations_are_read_in_the_spellings_spreadsheets_use(tree: Tree) -> None:
    rows = [
        member("AL-1", "Hà Văn Sơn", "1980"),
        relative("AL-1", "Bố đẻ", "Hà Văn Núi", "1950"),
        relative("AL-1", "mẹ", "Lý Thị Mây", "1952"),
        relative("AL-1", "Vợ", "Đinh Thị Gió", "1982"),
        relative("AL-1", "Con đẻ", "Hà Văn Mưa", "2010"),
        relative("AL-1", "Em gái", "Hà Thị Sương", "1985"),
        relative("AL-1", "MẸ VỢ", "Phan Thị Tuyết", "1958"),
    ]
    assert _import(rows).ok
    relations = [r["relation"] for r in _content("AL-1")["relatives"]]
    assert relations == ["cha", "me", "vo-chong", "con", "anh-chi-em", "me-vc"]
    report = _import([member("AL-2", "Hà Văn Gió", "1980"), relative("AL-2", "Bà", "X", "1930")])
    assert report.errors[0][2] == "quan hệ “Bà” không có trong danh mục"  # not "Ba" (father)


def test_no_spelling_of_a_relation_means_two_relations(tree: Tree) -> None:
    from bvct.core.text import normalize
    from bvct.people.models import RelationKind

    owners: dict[str, set[str]] = {}
    for kind in RelationKind.objects.all():
        spellings = [kind.code, kind.code.replace("-", " "), kind.name, *kind.aliases.split(";")]
        for spelling in filter(None, map(normalize, spellings)):
            owners.setdefault(spelling, set()).add(kind.code)
    assert {s: codes for s, codes in owners.items() if len(codes) > 1} == {}
    assert owners["con de"] == {"con"} and owners["bo"] == {"cha"}


# --- review fixes ---------------------------------------------------------------------------


def test_member_only_cells_on_a_relatives_row_are_refused(tree: Tree) -> None:
    report = _import([
        member("MO-1", "Lê Văn Một", "1970"),
        relative("MO-1", "con", "Lê Văn Hai", "2000", classification="Tối mật"),
        relative("MO-1", "con", "Lê Văn Ba", "2001", current_posts="Bí thư"),
        relative("MO-1", "con", "Lê Văn Bốn", "2002", party_card_no="12345"),
    ])  # fmt: skip
    assert [(row, column) for row, column, _ in report.errors] == [
        (3, "Mức mật"),
        (4, "Chức vụ hiện nay"),
        (5, "Số thẻ đảng viên"),
    ]
    assert "dòng “Bản thân”" in report.errors[0][2]


def test_an_import_keeps_the_other_names_entered_on_the_page(tree: Tree) -> None:
    from bvct.people.services import declaration_submit

    _import(GOOD)
    content = _content("DV-1")
    content["identity"]["other_names"] = "Ba An"
    dossier = Dossier.objects.get(import_ref="DV-1")
    declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=1)
    report = _checked_import(GOOD)
    assert report.ok and report.unchanged == 2
    assert _content("DV-1")["identity"]["other_names"] == "Ba An"


def test_another_name_or_swapped_references_are_refused_not_warned(tree: Tree) -> None:
    rows = [member("SW-1", "Phạm Văn Một", "1975"), member("SW-2", "Phạm Văn Hai", "1975")]
    _import(rows)
    swapped = [member("SW-1", "Phạm Văn Hai", "1975"), member("SW-2", "Phạm Văn Một", "1975")]
    report = _import(swapped, dry_run=True)
    assert [(row, column) for row, column, _ in report.errors] == [(2, "Mã hồ sơ"), (3, "Mã hồ sơ")]
    assert "người khác (họ tên khác hồ sơ hiện có)" in report.errors[0][2]
    # Sex and birth year both different: another person too; sex alone: a correction.
    report = _import([member("SW-1", "Phạm Văn Một", "1976", sex="Nữ"), rows[1]], dry_run=True)
    assert "(năm sinh và giới tính khác" in report.errors[0][2]
    report = _import([member("SW-1", "Phạm Văn Một", "1975", sex="Nữ"), rows[1]], dry_run=True)
    assert report.ok and [(c, m) for _, c, m in report.warnings] == [
        ("Giới tính", "khác hồ sơ hiện có; sẽ sửa theo tệp")
    ]


def test_a_check_that_compares_existing_dossiers_is_a_recorded_read(
    tree: Tree, audit_mark: int
) -> None:
    from django.test import Client

    _import(GOOD)
    before = _state()
    report = _import(GOOD, dry_run=True)
    assert report.ok and _state() == before
    (event,) = events_since(audit_mark, action=AuditAction.DOSSIER_IMPORT_CHECK)
    assert event.after["dossiers_compared"] == 2 and event.after["file_sha256"] == (
        report.file_sha256
    )
    check = ImportBatch.objects.get(public_id=event.object_public_id)
    assert check.dry_run and set(check.items.values_list("outcome", flat=True)) == {"checked"}
    auditor = Client()
    auditor.force_login(make_user(tree.root, "AUDITOR", clearance="TUYET_MAT"))
    dossier = Dossier.objects.get(import_ref="DV-1")
    page = auditor.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "Kiểm tra (so với hồ sơ, không ghi)" in page
    assert "Nhập (tạo mới)" in page and "Nhập (không đổi)" not in page
    # An import that finds the dossier unchanged compared it all the same: in its log too.
    assert _import(GOOD).unchanged == 2
    page = auditor.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "Nhập (không đổi)" in page and "Nhập (tạo mới)" in page
    # A check is not an import: a page version after the last import is still warned of.
    from bvct.people.services import declaration_submit

    declaration_submit(actor=SYSTEM, dossier=dossier, content=_edited("DV-1"), expected_number=1)
    _import(GOOD, dry_run=True)
    assert [c for _, c, _ in _import(GOOD, dry_run=True).warnings] == ["Mã hồ sơ"]


def test_several_member_rows_under_one_reference_are_not_compared(tree: Tree) -> None:
    _import(GOOD)
    # Candidates for the stored birth date, one per row: no warning may single one out.
    probes = [member("DV-1", "Nguyễn Văn An", f"{day:02d}/05/1980") for day in range(10, 15)]
    report = _import(probes, dry_run=True)
    assert report.warnings == [] and all(c == "Quan hệ" for _, c, _ in report.errors)


def test_the_check_time_belongs_to_the_file_checked(tree: Tree) -> None:
    _import(GOOD)
    check = _import(GOOD, dry_run=True)
    other = [*GOOD, relative("DV-2", "con", "Lê Thị Hoa", "2010")]
    with pytest.raises(ImportFileError, match="khác tệp đã kiểm tra"):
        _import(other, since=check.checked_at, checked_sha256=check.file_sha256)
    # A check is never held to an earlier check's time: it sets a new one.
    assert _import(GOOD, dry_run=True, since=check.checked_at).ok
    assert _import(
        GOOD, since=check.checked_at, checked_sha256=check.file_sha256, check_id=check.check_id
    ).ok


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


def test_an_imported_declaration_is_stored_as_the_page_would_store_it(tree: Tree) -> None:
    # The import builds the contents in SQL; the page cleans them in Python. The same
    # declaration must come out the same, keys and types, with or without relatives.
    from bvct.people.declarations import clean_content
    from bvct.people.services import relation_generations

    alone = member("DV-3", "Hồ Văn Tâm", "03/1990", occupation="Giáo viên")
    report = _import([*GOOD, alone])
    assert report.ok, report.errors
    for ref, relatives in (("DV-1", 2), ("DV-2", 1), ("DV-3", 0)):
        content = Declaration.objects.get(dossier__import_ref=ref).content
        assert len(content["relatives"]) == relatives
        assert clean_content(content, relation_kinds=relation_generations()) == content
    first = Declaration.objects.get(dossier__import_ref="DV-1").content
    assert first["relatives"][0]["person"] == str(
        Person.objects.get(dossier__import_ref="DV-1", full_name="Nguyễn Văn Bình").public_id
    )
    assert first["identity"]["citizen_id"] == GOOD[0][KEYS.index("citizen_id")]
    assert first["history"] == [] and first["foreign_ties"] == []


def test_a_check_says_what_the_import_would_create(tree: Tree) -> None:
    first = _import(GOOD, dry_run=True)
    assert (first.dossiers, first.new, first.existing) == (2, 2, 0)
    _import(GOOD)
    more = [*GOOD, member("DV-3", "Hà Văn Ba", "1990")]
    again = _import(more, dry_run=True)
    assert (again.dossiers, again.new, again.existing) == (3, 1, 2)
    assert json.loads(imports.report_json(again))["existing"] == 2
