"""Importing dossiers: every row checked, and refused with its row number and column (values,
dates, citizen IDs, relations, member-only cells, a second dossier, clearance, scope)."""

from __future__ import annotations

import contextlib
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bvct.core.errors import PermissionDeniedError, ValidationFailed
from bvct.people import services
from bvct.people.dates import PartialDate, PartialDateError
from bvct.people.declarations import DeclarationInvalid
from bvct.people.identity import CitizenIdError, check_citizen_id, make_citizen_id
from bvct.people.models import Declaration, Dossier, Person
from tests.factories import Tree, make_user
from tests.people.factories import declaration
from tests.people.import_helpers import (
    GOOD,
    KEYS,
    _content,
    _import,
    _raw_import,
    _state,
    _text,
    member,
    relative,
)

pytestmark = pytest.mark.django_db


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
