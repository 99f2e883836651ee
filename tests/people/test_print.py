"""The dossier's print-out is the lý lịch as the party's form lays it out (Mẫu 2-KNĐ)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.people import services
from tests.factories import Tree, make_user
from tests.people.factories import declaration

pytestmark = pytest.mark.django_db
PRINT_CSS = Path(__file__).resolve().parents[2] / "src/bvct/core/static/bvct/print.css"


class _Relatives(HTMLParser):
    """The relatives table of the print-out: its headers and each row's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self._in_table = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and "relatives" in (dict(attrs).get("class") or ""):
            self._in_table = True
        elif self._in_table and tag == "tr":
            self.rows.append([])
        elif self._in_table and tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False
        elif self._in_table and tag in ("th", "td") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            (self.headers if tag == "th" else self.rows[-1]).append(text)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _print_of(tree: Tree, relatives: list[dict[str, str]]) -> tuple[str, object]:
    dossier = services.dossier_create(
        actor=SYSTEM,
        managing_org_code="t-a",
        content=declaration("Trần Văn Khải", "1970", relatives=relatives),
    )
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    response = client.get(f"/ho-so/{dossier.public_id}/ban-in/")
    assert response.status_code == 200
    return response.content.decode(), dossier


def test_the_print_has_the_forms_heading_place_and_date_and_signatures(tree: Tree) -> None:
    page, dossier = _print_of(tree, [])
    for text in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Mẫu 2-KNĐ",
        "LÝ LỊCH",
        "ngày … tháng … năm",  # the place and date line, filled in by hand when signed
        "NGƯỜI KHAI LÝ LỊCH",
        "(Ký, ghi rõ họ tên)",
        "XÁC NHẬN CỦA CƠ QUAN QUẢN LÝ",
        "(Ký, ghi rõ họ tên, đóng dấu)",
        f"T/M {dossier.managing_org.name}",  # type: ignore[attr-defined]
        '<p class="sign-name">Trần Văn Khải</p>',
    ):
        assert text in page, text
    # On screen: a print button and the way back to the dossier; neither is printed.
    actions = page[page.index('<nav class="no-print print-actions"') : page.index("</nav>")]
    assert '<button type="button" id="print-page">In</button>' in actions
    assert f'href="/ho-so/{dossier.public_id}/"' in actions  # type: ignore[attr-defined]
    assert "bvct/print.js" in page  # the button's handler (no inline script is allowed)
    css = PRINT_CSS.read_text()
    media = css[css.index("@media print") :]
    assert ".no-print" in media and "display: none" in media


def test_a_relatives_home_town_and_residence_are_printed_each_in_its_own_column(
    tree: Tree,
) -> None:
    page, _ = _print_of(
        tree,
        [
            {"relation": "cha", "full_name": "Trần Văn Bảy", "birth": "1940", "sex": "Nam",
             "hometown": "Xã Yên Phong, Bắc Ninh", "residence": "Phường Kinh Bắc, Bắc Ninh",
             "occupation": "Hưu trí"},
            # Residence only: it must not move into the home town's place.
            {"relation": "me", "full_name": "Lê Thị Tám", "birth": "1942", "sex": "Nữ",
             "residence": "Pháp"},
        ],
    )  # fmt: skip
    table = _Relatives()
    table.feed(page)
    column = {name: i for i, name in enumerate(table.headers)}
    rows = {row[column["Họ và tên"]]: row for row in table.rows if row}
    father, mother = rows["Trần Văn Bảy"], rows["Lê Thị Tám"]
    assert father[column["Quê quán"]] == "Xã Yên Phong, Bắc Ninh"
    assert father[column["Nơi ở hiện nay"]] == "Phường Kinh Bắc, Bắc Ninh"
    assert father[column["Nghề nghiệp, khác"]] == "Hưu trí"
    assert mother[column["Quê quán"]] == ""
    assert mother[column["Nơi ở hiện nay"]] == "Pháp"
    # A column that holds full dates is called what it holds.
    assert "Ngày sinh" in column and "Năm sinh" not in column
