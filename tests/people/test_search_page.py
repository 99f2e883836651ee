"""The search page and API say what the search did: how many it found, which page this is,
which words were corrected, which rows are approximate, whose dossier a relative is in, how
to narrow a long list and what to try when nothing matched."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils.html import strip_tags

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.people import services
from bvct.people.models import Dossier, Listing, Person
from bvct.people.search import SearchResult
from bvct.people.search_page import SearchPage
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.people.factories import declaration

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("t-a", "Trần Thị Hương", "1975"),
    ("t-a", "Trần Thị Hường", "1980"),
    ("t-a", "Trần Thị Hướng", "1981"),
    ("t-a", "Trần Thị Mai", "1982"),
    ("t-a", "Lê Văn Khoa", "1983"),
    ("t-b", "Trần Thị Hương", "1979"),
]


@pytest.fixture
def people(tree: Tree) -> Dossier:
    """The namesakes above (no relatives), and Nguyễn Văn Hùng's dossier with its relatives
    (his father Nguyễn Văn Bình...), returned."""
    for org, name, birth in PEOPLE:
        services.dossier_create(
            actor=SYSTEM, managing_org_code=org,
            content=declaration(name, birth, relatives=[]), confirm_not_duplicate=True,
        )  # fmt: skip
    return services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())


@pytest.fixture
def board(tree: Tree) -> Client:
    client = Client()
    client.force_login(make_user(tree.board, Role.BVCT_OFFICER))
    return client


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of 2 persons, so that a handful of namesakes fill several."""
    monkeypatch.setattr("bvct.people.forms.SEARCH_PAGE_SIZE", 2)


def _html(client: Client, **params: str) -> str:
    return " ".join(client.get("/ho-so/", params).content.decode().split())


def _text(client: Client, **params: str) -> str:
    return " ".join(strip_tags(_html(client, **params)).split())


def test_the_count_and_the_pages(people: Dossier, board: Client, small_pages: None) -> None:
    first = _text(board, q="tran thi huong")
    assert "Tìm thấy 4 người (đang xem 1–2)" in first
    assert "Trang 1/2" in first and "Trang trước" not in first
    assert 'href="?q=tran+thi+huong&amp;page=2"' in _html(board, q="tran thi huong")
    second = _text(board, q="tran thi huong", page="2")
    assert "Tìm thấy 4 người (đang xem 3–4)" in second and "Trang 2/2" in second
    assert "Trang sau" not in second
    html = _html(board, q="tran thi huong", page="2")
    assert 'href="?q=tran+thi+huong&amp;page=1"' in html
    # The form does not carry the page: a search sent again starts at its first page.
    assert 'name="page"' not in html and 'for="id_page"' not in html
    years = ["1975", "1979", "1980", "1981"]
    assert sorted(y for y in years if y in first) != sorted(y for y in years if y in second)
    assert sorted(y for y in years if y in first or y in second) == years
    # A page past the end says so and leads back.
    beyond = _text(board, q="tran thi huong", page="9")
    assert "Không có trang 9: kết quả chỉ có 2 trang." in beyond
    assert "Về trang đầu" in beyond and "Không tìm thấy ai" not in beyond
    assert "Trang 9/2" not in beyond and "Trang trước" not in beyond


def test_more_than_the_cap_is_told_as_more_than(
    people: Dossier, board: Client, small_pages: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bvct.people.search.COUNT_CAP", 3)
    page = _text(board, q="tran thi huong")
    assert "Tìm thấy hơn 3 người" in page
    assert "Trang 1 Trang sau" in page and "Trang 1/" not in page
    assert "page=2" in _html(board, q="tran thi huong")
    # The real cap, as the page writes it (thousands with a dot).
    html = render_to_string(
        "people/_results.html",
        {"search": SearchPage(SearchResult([], count=1000, count_capped=True), 0, 50)},
    )
    assert "Tìm thấy hơn 1.000 người" in html


def test_a_long_list_suggests_the_filters_not_yet_used(
    people: Dossier, board: Client, small_pages: None
) -> None:
    page = _text(board, q="tran thi huong")
    assert "Danh sách dài: hãy thu hẹp bằng năm sinh, quê quán hoặc tổ chức ở trên." in page
    # The suggested fields are on the form, each with its label.
    form = _html(board, q="tran thi huong")
    for name, label in (("birth_year", "Năm sinh"), ("hometown", "Quê quán"), ("org", "Tổ chức")):
        assert f'<label for="id_{name}">{label}</label>' in form
    narrowed = _text(board, q="tran thi huong", hometown="tien du")
    assert "hãy thu hẹp bằng năm sinh hoặc tổ chức ở trên." in narrowed
    assert "Danh sách dài" not in _text(board, q="tran thi huong", birth_year="1979")
    # One page is no long list.
    assert "Danh sách dài" not in _text(board, q="le van khoa")


def test_the_page_size_is_fifty_and_pages_stop_at_offset_10000(
    people: Dossier, board: Client
) -> None:
    page = _text(board, q="tran thi huong")
    assert "Tìm thấy 4 người." in page and "Trang 1/" not in page and "Danh sách dài" not in page
    assert "Số trang phải là một số, ví dụ 2." in _text(board, q="huong", page="hai")
    assert "Số trang bắt đầu từ 1." in _text(board, q="huong", page="0")
    assert "Tìm thấy" not in _text(board, q="huong", page="0")
    far = _text(board, q="huong", page="202")  # offset 10,050
    assert "Chỉ xem được đến trang 201 của kết quả tìm" in far
    assert "Không có trang 201" in _text(board, q="huong", page="201")  # offset 10,000


def test_corrected_words_and_approximate_rows(people: Dossier, board: Client) -> None:
    page = _html(board, q="le van khoaa")
    assert "Đã tìm cả: <strong>khoaa</strong> → Khoa" in page
    assert 'Lê Văn Khoa</a> <span class="muted">(gần đúng)</span>' in page
    exact = _text(board, q="le van khoa")
    assert "Đã tìm cả" not in exact and "(gần đúng)" not in exact


def test_exact_spellings_first_and_said(people: Dossier, board: Client) -> None:
    page = _text(board, q="Trần Thị Hường")
    assert "Tìm thấy 4 người; 1 người đúng dấu như đã gõ được xếp trước." in page
    rows = _html(board, q="Trần Thị Hường").split("<tbody>")[1]
    assert rows.index("Trần Thị Hường") < rows.index("Trần Thị Hương<")
    assert "đúng dấu" not in _text(board, q="tran thi huong")
    wrong = _text(board, q="Trần Thị Hưởng")
    assert "Tìm thấy 4 người; không ai đúng dấu như đã gõ." in wrong
    # Typed without marks, or found only through a corrected word: nothing to say of marks.
    assert "đúng dấu" not in _text(board, q="tran thi huonn")
    assert "đúng dấu" not in _text(board, q="le van khoaa")


def test_a_relative_names_the_member_whose_dossier_it_is(
    tree: Tree, people: Dossier, board: Client, audit_mark: int
) -> None:
    page = _html(board, q="nguyen van binh", relatives="on")
    link = f'<a href="/ho-so/{people.public_id}/">'
    assert f"{link}Nguyễn Văn Bình</a>" in page
    assert f"của {link}Nguyễn Văn Hùng</a>" in page
    # A member's row names nobody else.
    member = _html(board, q="nguyen van hung")
    assert "của <a" not in member
    # The member named beside the relative is on the record as shown, once.
    events = events_since(audit_mark, action=AuditAction.DOSSIER_SEARCH)
    listing = Listing.objects.get(public_id=events[0].object_public_id)
    names = {i.person.full_name for i in listing.items.select_related("person")}
    assert names == {"Nguyễn Văn Bình", "Nguyễn Văn Hùng"}
    assert events[0].after["results"] == 2
    # Both the father and the member found: the member counted once.
    both = _text(board, q="van hung", relatives="on")
    assert "Nguyễn Văn Hùng" in both
    events = events_since(audit_mark, action=AuditAction.DOSSIER_SEARCH)
    listing = Listing.objects.get(public_id=events[-1].object_public_id)
    assert (
        listing.items.count()
        == listing.rows
        == len(set(listing.items.values_list("person", flat=True)))
    )


def test_nothing_found_says_what_to_try(people: Dossier, board: Client) -> None:
    page = _text(board, q="xyzq qwkz")
    assert "Không tìm thấy ai phù hợp trong phạm vi của bạn." in page
    for advice in (
        "Kiểm tra lại chính tả của tên.",
        "Thử gõ không dấu, ví dụ “nguyen van hung”.",
        "Gõ ít từ hơn: chỉ tên, hoặc tên đệm và tên (ví dụ “Văn Hùng”).",
        "Chọn “Tìm cả thân nhân” nếu người cần tìm là thân nhân trong một hồ sơ.",
    ):
        assert advice in page
    assert "Bỏ bớt điều kiện lọc" not in page and "Tìm thấy" not in page
    filtered = _text(board, q="tran thi huong", birth_year="1901", hometown="hue", relatives="on")
    assert "Bỏ bớt điều kiện lọc: năm sinh, quê quán." in filtered
    assert "Chọn “Tìm cả thân nhân”" not in filtered


def test_a_page_of_the_search_is_on_the_record(
    people: Dossier, board: Client, small_pages: None, audit_mark: int
) -> None:
    _text(board, q="tran thi huong")
    _text(board, q="tran thi huong", page="2")
    first, second = events_since(audit_mark, action=AuditAction.DOSSIER_SEARCH)
    assert "page" not in first.after and second.after["page"] == 2
    assert (first.after["results"], second.after["results"]) == (2, 2)


def test_hidden_dossiers_are_not_counted(tree: Tree, people: Dossier) -> None:
    officer = Client()
    officer.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    page = _text(officer, q="tran thi huong")
    assert "Tìm thấy 3 người." in page and "1979" not in page


def test_the_api_gives_the_count_page_and_rows(people: Dossier, board: Client) -> None:
    body = board.get("/api/persons/", {"q": "tran thi huong", "limit": "2"}).json()
    assert (body["count"], body["count_capped"], body["offset"], body["limit"]) == (4, False, 0, 2)
    assert body["truncated"] and len(body["results"]) == 2
    rest = board.get("/api/persons/", {"q": "tran thi huong", "limit": "2", "offset": "2"}).json()
    assert rest["offset"] == 2 and not rest["truncated"]
    ids = {r["id"] for r in body["results"]} | {r["id"] for r in rest["results"]}
    assert len(ids) == 4
    assert all(r["approximate"] is False and r["dossier_subject"] is None for r in body["results"])
    typo = board.get("/api/persons/", {"q": "le van khoaa"}).json()
    assert typo["corrections"] == {"khoaa": ["khoa"]}
    assert [(r["full_name"], r["approximate"]) for r in typo["results"]] == [("Lê Văn Khoa", True)]
    default = board.get("/api/persons/", {"q": "nguyen van binh", "relatives": "true"}).json()
    (father,) = default["results"]
    subject = Person.objects.get(dossier=people, is_subject=True)
    assert father["dossier_subject"] == {
        "id": str(subject.public_id),
        "full_name": "Nguyễn Văn Hùng",
    }
    assert (default["offset"], default["limit"]) == (0, 50)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"offset": "10001"}, "offset", "Vị trí bắt đầu (offset) phải từ 0 đến 10.000."),
        ({"offset": "-1"}, "offset", "Vị trí bắt đầu (offset) phải từ 0 đến 10.000."),
        ({"offset": "mot"}, "offset", "Vị trí bắt đầu (offset) phải là một số nguyên."),
        ({"limit": "0"}, "limit", "Số người mỗi trang (limit) phải từ 1 đến 200."),
        ({"limit": "201"}, "limit", "Số người mỗi trang (limit) phải từ 1 đến 200."),
    ],
)
def test_the_api_refuses_a_bad_page(
    people: Dossier, board: Client, params: dict[str, str], field: str, message: str
) -> None:
    response = board.get("/api/persons/", {"q": "huong", **params})
    assert response.status_code == 400
    assert [e["message"] for e in response.json()[field]] == [message]
    ok = board.get("/api/persons/", {"q": "huong", "offset": "10000"})
    assert ok.status_code == 200 and ok.json()["results"] == []


def test_relatives_and_their_members_cost_the_same_for_2_or_6_dossiers(tree: Tree) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.people.factories import father

    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))

    def made(names: list[str]) -> None:
        for name in names:
            services.dossier_create(
                actor=SYSTEM, managing_org_code="t-a",
                content=declaration(name, "1970", relatives=[father()]),
                confirm_not_duplicate=True,
            )  # fmt: skip

    def cost() -> tuple[int, int]:
        counts = []
        for url in ("/ho-so/", "/api/persons/"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, {"q": "nguyen van binh", "relatives": "on"})
            assert response.status_code == 200
            counts.append(len(queries))
        return counts[0], counts[1]

    made(["Lê Văn An", "Lê Văn Bảo"])
    few = cost()
    made(["Lê Văn Cường", "Lê Văn Dũng", "Lê Văn Giang", "Lê Văn Hải"])
    many = cost()
    page = _text(client, q="nguyen van binh", relatives="on")
    assert page.count(" của Lê Văn ") == 6  # each father with his son's dossier
    assert many == few
