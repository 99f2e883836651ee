"""The dossier list's export: it follows the search, asks why, carries its secrecy mark and
never holds more than the exporter may."""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.errors import PermissionDeniedError
from bvct.core.gate import SYSTEM
from bvct.people import services, views_export
from bvct.people.exports import LIST_COLUMNS
from bvct.people.models import Dossier, ExportBatch
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.people.factories import declaration, officers
from tests.permission_matrix import Expect, assert_permission_matrix

pytestmark = pytest.mark.django_db
URL = "/ho-so/xuat-excel/"
PURPOSE = {"purpose": "REVIEW"}


def _open(org: str, name: str, birth: str, level: str = "NONE", **more: Any) -> Dossier:
    return services.dossier_create(
        actor=SYSTEM,
        managing_org_code=org,
        classification=level,
        content=declaration(name, birth, relatives=more.pop("relatives", []), **more),
    )


@pytest.fixture
def dossiers(tree: Tree) -> dict[str, Dossier]:
    """Two Hùng/Hưng and two others in commune A, at every level; one Hùng in commune B."""
    return {
        "hung": _open("t-a", "Nguyễn Văn Hùng", "12/05/1975", "NONE"),
        "hung_secret": _open("t-a", "Trần Văn Hưng", "1980", "TOI_MAT"),
        "hoa": _open("t-a", "Lê Thị Hoa", "1980", "MAT", sex="Nữ"),
        "lan": _open("t-a", "Phạm Thị Lan", "1975", "NONE", sex="Nữ"),
        "hung_b": _open("t-b", "Đỗ Văn Hùng", "1975", "NONE"),
    }


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _book(response: Any) -> Any:
    assert response.status_code == 200, response.content.decode()[:2000]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def _rows(response: Any) -> list[tuple[Any, ...]]:
    """The sheet's data rows (under the mark, the heading and the column titles)."""
    rows = list(_book(response).active.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == LIST_COLUMNS[0][0])
    return rows[header + 1 :]


def _names(response: Any) -> list[str]:
    return [row[0] for row in _rows(response)]


def test_the_export_lists_what_the_search_listed(
    tree: Tree, dossiers: dict[str, Dossier], monkeypatch: pytest.MonkeyPatch
) -> None:
    """It downloaded every dossier the user could see, whatever the search ("hung")."""
    officer = _client(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT"))
    # The search page's link carries the search; the export lists the same names.
    page = officer.get("/ho-so/", {"q": "hung"}).content.decode()
    assert 'href="/ho-so/xuat-excel/?q=hung"' in page
    found = _names(officer.post(URL, {"q": "hung", **PURPOSE, "ceiling": "TUYET_MAT"}))
    assert sorted(found) == ["Nguyễn Văn Hùng", "Trần Văn Hưng"]
    # Typed with diacritics, exact spellings first, as on the page.
    found = _names(officer.post(URL, {"q": "Hưng", **PURPOSE, "ceiling": "TUYET_MAT"}))
    assert found == ["Trần Văn Hưng", "Nguyễn Văn Hùng"]
    # Filters without a name: the dossier list the page shows, every page of it.
    monkeypatch.setattr("bvct.people.views.PAGE_SIZE", 1)
    data = {"birth_year": "1975", **PURPOSE, "ceiling": "TUYET_MAT"}
    assert sorted(_names(officer.post(URL, data))) == ["Nguyễn Văn Hùng", "Phạm Thị Lan"]
    data = {"hometown": "tien du", **PURPOSE, "ceiling": "TUYET_MAT"}
    assert len(_names(officer.post(URL, data))) == 4
    # Relatives, when the search includes them, with what they are to the member.
    father = {"relation": "cha", "full_name": "Vũ Văn Hùng", "birth": "1960", "sex": "Nam"}
    _open("t-a", "Vũ Văn Nam", "1990", relatives=[father])
    data = {"q": "vu van hung", "relatives": "on", **PURPOSE, "ceiling": "TUYET_MAT"}
    (row,) = _rows(officer.post(URL, data))
    assert (row[0], row[-1]) == ("Vũ Văn Hùng", "Cha đẻ")
    assert _names(officer.post(URL, {"q": "vu van hung", **PURPOSE, "ceiling": "NONE"})) == []
    # By organisation, chosen by its public id; the board sees both communes.
    board = _client(make_user(tree.board, Role.BVCT_OFFICER, clearance="TUYET_MAT"))
    data = {"q": "hung", "org": str(tree.committee_b.public_id), **PURPOSE, "ceiling": "NONE"}
    assert _names(board.post(URL, data)) == ["Đỗ Văn Hùng"]
    assert sorted(_names(board.post(URL, {"q": "hung", **PURPOSE, "ceiling": "NONE"}))) == [
        "Nguyễn Văn Hùng",
        "Đỗ Văn Hùng",
    ]


def test_an_organisation_outside_scope_is_refused_as_a_missing_one(
    tree: Tree, dossiers: dict[str, Dossier], audit_mark: int
) -> None:
    officer = _client(make_user(tree.committee_a, Role.BVCT_OFFICER))
    answers = [
        officer.post(URL, {"org": org, **PURPOSE, "ceiling": "NONE"})
        for org in ("t-b", str(tree.committee_b.public_id), "khong-co")
    ]
    assert {a.status_code for a in answers} == {400}
    assert "Không có tổ chức này trong phạm vi của bạn" in answers[0].content.decode()
    assert not events_since(audit_mark, action=AuditAction.DOSSIER_EXPORT)


def test_a_purpose_is_required_and_recorded(
    tree: Tree, dossiers: dict[str, Dossier], audit_mark: int
) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    client = _client(officer)
    refused = client.post(URL, {"q": "hung", "ceiling": "NONE"})
    assert refused.status_code == 400 and "Hãy chọn mục đích xuất." in refused.content.decode()
    other = client.post(URL, {"q": "hung", "ceiling": "NONE", "purpose": "OTHER"})
    assert other.status_code == 400 and "Hãy ghi rõ mục đích xuất." in other.content.decode()
    assert not events_since(audit_mark, action=AuditAction.DOSSIER_EXPORT)
    assert not ExportBatch.objects.exists()
    data = {"q": "hung", "ceiling": "NONE", "purpose": "OTHER", "purpose_detail": "Đối chiếu"}
    sheet = _book(client.post(URL, data)).active
    top = [row[0] for row in sheet.iter_rows(max_row=4, values_only=True)]
    assert "Mục đích xuất: Khác (ghi rõ): Đối chiếu." in top
    (event,) = events_since(audit_mark, action=AuditAction.DOSSIER_EXPORT)
    digest = hashlib.sha256(str(dossiers["hung"].public_id).encode()).hexdigest()
    assert event.after == {
        "org": None,
        "rows": 1,
        "dossiers_sha256": digest,
        "filters": {"q": "hung"},
        "ceiling": 0,
        "classification": 0,
        "purpose": "OTHER",
        "purpose_detail": "Đối chiếu",
    }
    batch = ExportBatch.objects.get(public_id=event.object_public_id)
    assert (batch.purpose, batch.purpose_detail, batch.filters) == (
        "OTHER",
        "Đối chiếu",
        {"q": "hung"},
    )
    assert list(batch.items.values_list("dossier_id", flat=True)) == [dossiers["hung"].pk]
    # The dossier's access log names the export and why it was made.
    auditor = _client(make_user(tree.root, Role.AUDITOR, clearance="TUYET_MAT"))
    page = auditor.get(f"/ho-so/{dossiers['hung'].public_id}/").content.decode()
    assert "Có trong danh sách đã xuất Excel" in page and "Khác (ghi rõ): Đối chiếu" in page
    page = auditor.get(f"/ho-so/{dossiers['lan'].public_id}/").content.decode()
    assert "Có trong danh sách đã xuất Excel" not in page


def test_the_file_carries_the_highest_level_it_holds(
    tree: Tree, dossiers: dict[str, Dossier], audit_mark: int
) -> None:
    officer = _client(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT"))
    # Before downloading, the page tells each level's rows and the mark the file would carry.
    page = officer.get(URL, {"q": "hung"}).content.decode()
    assert "Tối mật (2 dòng, tệp mang dấu TỐI MẬT)" in page
    assert "Mật (1 dòng, tệp không mang dấu mật)" in page
    response = officer.post(URL, {"q": "hung", **PURPOSE, "ceiling": "TUYET_MAT"})
    book = _book(response)
    assert response["Content-Disposition"] == 'attachment; filename="danh-sach-ho-so-TOI-MAT.xlsx"'
    assert next(book.active.iter_rows(max_row=1, values_only=True))[0] == "TỐI MẬT"
    assert book.properties.title == "Danh sách hồ sơ — TỐI MẬT"
    assert book.properties.category == book.properties.keywords == "TỐI MẬT"
    assert book.custom_doc_props["Độ mật"].value == "TỐI MẬT"
    (event,) = events_since(audit_mark, action=AuditAction.DOSSIER_EXPORT)
    assert (event.classification, event.after["classification"]) == (2, 2)
    assert ExportBatch.objects.get(public_id=event.object_public_id).classification == 2
    # Stopping at Mật: the Tối mật dossier stays out, and so does the mark.
    response = officer.post(URL, {"q": "hung", **PURPOSE, "ceiling": "MAT"})
    assert _names(response) == ["Nguyễn Văn Hùng"]
    assert response["Content-Disposition"] == 'attachment; filename="danh-sach-ho-so.xlsx"'
    book = _book(response)
    assert next(book.active.iter_rows(max_row=1, values_only=True))[0] == "DANH SÁCH HỒ SƠ"
    assert book.custom_doc_props["Độ mật"].value == "Không mật"
    response = officer.post(URL, {"birth_year": "1980", **PURPOSE, "ceiling": "MAT"})
    assert _names(response) == ["Lê Thị Hoa"]
    assert response["Content-Disposition"] == 'attachment; filename="danh-sach-ho-so-MAT.xlsx"'


def test_an_export_above_the_exporters_clearance_is_refused(
    tree: Tree, dossiers: dict[str, Dossier], audit_mark: int
) -> None:
    low = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT")
    client = _client(low)
    page = client.get(URL, {"q": "hung"}).content.decode()
    assert 'value="TOI_MAT"' not in page  # not offered
    refused = client.post(URL, {"q": "hung", **PURPOSE, "ceiling": "TOI_MAT"})
    assert refused.status_code == 400
    assert (
        "Không được xuất hồ sơ mức Tối mật: cao hơn mức bạn được tiếp cận (Mật)."
        in refused.content.decode()
    )
    # Through the gate a list holds nothing above its reader; should one reach the record
    # all the same (the gate bypassed, a level raised meanwhile), nothing is handed out.
    secret = dossiers["hung_secret"]
    with pytest.raises(PermissionDeniedError, match="cao hơn mức bạn được tiếp cận"):
        services.dossier_export_record(
            actor=low, dossiers=[(secret.pk, secret.public_id)], purpose="REVIEW"
        )
    assert not ExportBatch.objects.exists()
    assert not events_since(audit_mark, action=AuditAction.DOSSIER_EXPORT)
    # What the low-cleared officer may take: the list up to their level.
    assert sorted(_names(client.post(URL, {"q": "hung", **PURPOSE, "ceiling": "MAT"}))) == [
        "Nguyễn Văn Hùng"
    ]


def test_a_list_over_the_limit_is_refused_not_cut(
    tree: Tree, dossiers: dict[str, Dossier], audit_mark: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views_export, "MAX_EXPORT_ROWS", 2)
    client = _client(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT"))
    page = client.get(URL).content.decode()
    assert "Không mật (2 dòng, tệp không mang dấu mật)" in page
    assert "Mật (hơn 2 dòng, quá giới hạn)" in page
    refused = client.post(URL, {**PURPOSE, "ceiling": "MAT"})
    assert refused.status_code == 400
    assert "Danh sách có hơn 2 dòng, quá giới hạn của một tệp Excel" in refused.content.decode()
    assert not events_since(audit_mark, action=AuditAction.DOSSIER_EXPORT)
    assert len(_names(client.post(URL, {**PURPOSE, "ceiling": "NONE"}))) == 2
    # A name search the same way.
    monkeypatch.setattr(views_export, "MAX_EXPORT_ROWS", 1)
    refused = client.post(URL, {"q": "hung", **PURPOSE, "ceiling": "TUYET_MAT"})
    assert refused.status_code == 400
    assert _names(client.post(URL, {"q": "hung", **PURPOSE, "ceiling": "NONE"})) == [
        "Nguyễn Văn Hùng"
    ]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "＝"])
def test_export_writes_text_as_text_never_a_formula(tree: Tree, start: str) -> None:
    # OWASP's advice on formula injection: every cell of the dossiers' text is a text cell,
    # shown as typed (no apostrophe in front), never run; control characters are dropped.
    _open("t-a", "Nguyễn Văn Hùng", "1980", hometown="Xã\x0bA", residence=start + "HYPERLINK(1)")
    client = _client(make_user(tree.committee_a, Role.BVCT_OFFICER))
    response = client.post(URL, {**PURPOSE, "ceiling": "NONE"})
    sheet = _book(response).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert cells, "the value is in the file"
    assert all(c.data_type == "s" for c in cells)
    # As stored: a declaration keeps its text trimmed of white space at the ends.
    assert {c.value for c in cells} == {(start + "HYPERLINK(1)").strip()}
    row = next(r for r in _rows(response) if r[0] == "Nguyễn Văn Hùng")
    assert row[4] == "XãA"


def test_the_export_page_and_download_matrix(tree: Tree, dossiers: dict[str, Dossier]) -> None:
    personas = officers(tree)
    # Any officer reaches the page (each exports only what they see); no other role.
    responses = assert_permission_matrix(
        URL,
        personas,
        Expect(other_scope=200, insufficient_clearance=200, agency=404),
        data={"q": "hung"},
    )
    assert "Mục đích xuất" in responses["allowed"].content.decode()
    # The download: refused callers record nothing (the other officers' own exports below).
    responses = assert_permission_matrix(
        URL,
        personas,
        Expect(agency=404, skip=frozenset({"other_scope", "insufficient_clearance"})),
        method="post",
        form=True,
        data={"q": "hung", **PURPOSE, "ceiling": "NONE"},
        state=lambda: ExportBatch.objects.count(),
    )
    assert _names(responses["allowed"]) == ["Nguyễn Văn Hùng"]
    data = {"q": "hung", **PURPOSE, "ceiling": "NONE"}
    assert _names(_client(personas.other_scope).post(URL, data)) == ["Đỗ Văn Hùng"]
    data = {"q": "hung", **PURPOSE, "ceiling": "MAT"}
    assert _names(_client(personas.insufficient_clearance).post(URL, data)) == ["Nguyễn Văn Hùng"]


def test_the_sheet_names_people_and_roles_in_words_and_defaults_to_the_least_secret_level(
    tree: Tree, dossiers: dict[str, Dossier]
) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TOI_MAT")
    page = _client(officer).get(URL, {"q": "hung"}).content.decode()
    # The level offered first is the least secret one: more is chosen on purpose.
    assert re.search(r'<option value="NONE" selected>', page)
    response = _client(officer).post(URL, {"q": "hung", **PURPOSE, "ceiling": "TOI_MAT"})
    rows = list(_book(response).active.iter_rows(values_only=True))
    text = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    assert officer.username not in text and officer.full_name in text
    header = next(row for row in rows if row[0] == LIST_COLUMNS[0][0])
    assert "Vai trò trong hồ sơ" in header and "Là" not in header
    assert str(dossiers["hung"].public_id) not in text  # no internal identifier
