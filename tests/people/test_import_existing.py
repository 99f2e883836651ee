"""Importing dossiers that exist already: the check against them (corrections warned, another
person refused, pages' versions), an import held to its check, and the page and API."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection

from bvct.audit.constants import AuditAction
from bvct.core.gate import SYSTEM
from bvct.people import services
from bvct.people.identity import make_citizen_id
from bvct.people.imports import (
    ImportFileError,
)
from bvct.people.models import Declaration, Dossier, ImportBatch, Person
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.people.factories import declaration
from tests.people.import_helpers import (
    GOOD,
    _checked_import,
    _content,
    _csv,
    _edited,
    _import,
    _state,
    member,
    relative,
)

pytestmark = pytest.mark.django_db


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

    from bvct.core.errors import ConflictError

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
