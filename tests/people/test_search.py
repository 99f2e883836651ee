"""Name search: no diacritics, typos, partial names, filters, the gate, Vietnamese order."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.people import services
from bvct.people.search import PersonSearch, person_search
from tests.factories import Tree, make_user
from tests.people.factories import declaration

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("t-a", "Nguyễn Văn Hùng", "1975", "xã Tiên Du"),
    ("t-a", "Nguyễn Văn Hưng", "1980", "xã Yên Phong"),
    ("t-a", "Trần Văn Hùng", "1968", "phường Võ Cường"),
    ("t-a", "Lê Thị Hoa", "1990", "xã Gia Bình"),
    ("t-a", "Đặng Thị Ánh", "1985", "xã Lương Tài"),
    ("t-b", "Nguyễn Văn Hùng", "1979", "xã Hiệp Hòa"),
]


@pytest.fixture
def people(tree: Tree) -> None:
    for org, name, birth, hometown in PEOPLE:
        services.dossier_create(
            actor=SYSTEM, managing_org_code=org,
            content=declaration(name, birth, hometown=hometown, relatives=[]),
        )  # fmt: skip


def _names(user: object, query: str, **kw: object) -> list[tuple[str, int | None]]:
    result = person_search(user=user, search=PersonSearch(query=query, subjects_only=True, **kw))  # type: ignore[arg-type]
    return [(p.full_name, p.birth_year) for p in result.persons]


def test_without_diacritics_and_with_a_typo(tree: Tree, people: None) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    # Without diacritics "hung" is Hùng and Hưng alike; u before ư in Vietnamese order.
    both = [("Nguyễn Văn Hùng", 1975), ("Nguyễn Văn Hưng", 1980)]
    assert _names(officer, "nguyen van hung") == both
    assert _names(officer, "nguyen van hungg") == both
    result = person_search(user=officer, search=PersonSearch(query="nguyen van hungg"))
    assert result.corrections == {"hungg": ["hung"]}
    # Typed with diacritics, the exact spelling comes first.
    assert _names(officer, "Nguyễn Văn Hưng") == [both[1], both[0]]


def test_partial_names_in_vietnamese_order(tree: Tree, people: None) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    # given name only: Hùng (Trần Văn and Nguyễn Văn), ordered by family name after given
    # given name first, then family: Nguyễn Văn Hùng < Trần Văn Hùng < Nguyễn Văn Hưng
    expected = ["Nguyễn Văn Hùng", "Trần Văn Hùng", "Nguyễn Văn Hưng"]
    assert [n for n, _ in _names(officer, "hung")] == expected
    assert [n for n, _ in _names(officer, "van hung")] == expected
    assert _names(officer, "le hoa") == [("Lê Thị Hoa", 1990)]
    assert _names(officer, "dang thi anh") == [("Đặng Thị Ánh", 1985)]


def test_filters(tree: Tree, people: None) -> None:
    board = make_user(tree.board, Role.BVCT_OFFICER)  # sees the whole province
    assert [y for _, y in _names(board, "nguyen van hung")] == [1975, 1979, 1980]
    assert _names(board, "nguyen van hung", birth_year=1979) == [("Nguyễn Văn Hùng", 1979)]
    assert _names(board, "nguyen van hung", hometown="tien du") == [("Nguyễn Văn Hùng", 1975)]
    assert _names(board, "nguyen van hung", org_path=tree.committee_b.path) == [
        ("Nguyễn Văn Hùng", 1979)
    ]


def test_only_what_the_user_may_see(tree: Tree, people: None) -> None:
    other = make_user(tree.committee_b, Role.BVCT_OFFICER)
    assert _names(other, "nguyen van hung") == [("Nguyễn Văn Hùng", 1979)]
    assert _names(other, "le thi hoa") == []
    for role in (Role.AGENCY_OFFICER, Role.SYSADMIN, Role.SECRET_CLERK):
        assert _names(make_user(tree.board, role, clearance="TUYET_MAT"), "hung") == []


def test_clearance_hides_classified_dossiers(tree: Tree) -> None:
    content = declaration("Phạm Minh Tuấn", "1970", relatives=[])
    services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a", content=content, classification="TOI_MAT"
    )
    assert (
        _names(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT"), "pham minh tuan")
        == []
    )
    cleared = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TOI_MAT")
    assert _names(cleared, "pham minh tuan") == [("Phạm Minh Tuấn", 1970)]


def test_search_is_a_bounded_number_of_queries(tree: Tree, people: None) -> None:
    officer = make_user(tree.board, Role.BVCT_OFFICER)
    with CaptureQueriesContext(connection) as queries:
        person_search(user=officer, search=PersonSearch(query="nguyen van hungg"))
    # the page, its count, loading the page of persons (corrections: memory)
    assert len(queries) <= 3


@pytest.mark.parametrize(
    ("query", "hidden"),
    [
        ("le thi hoan", "Trần Văn Hoan"),  # a known word: searched as typed, never corrected
        ("le thi hoaa", "Trần Văn Hoaa"),  # no name word: its corrections, whatever is stored
        ("le thi ksorr", "Ksorr Thị Hoa"),
    ],
)
def test_a_hidden_dossier_changes_nothing_a_search_answers(
    tree: Tree, people: None, query: str, hidden: str
) -> None:
    # The typo vocabulary used to be counted from every stored name: a word only a hidden
    # dossier had was searched as typed, uncorrected, so the same query answered differently.
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)

    def answer() -> tuple[list[int], dict[str, list[str]]]:
        result = person_search(user=officer, search=PersonSearch(query=query))
        return [p.pk for p in result.persons], result.corrections

    before = answer()
    for org, classification in (("t-b", "KHONG_MAT"), ("t-a", "TUYET_MAT")):
        services.dossier_create(
            actor=SYSTEM, managing_org_code=org, classification=classification,
            content=declaration(hidden, "1970", relatives=[]), confirm_not_duplicate=True,
        )  # fmt: skip
    assert answer() == before


def test_a_word_that_is_no_name_word_is_searched_as_typed_too(tree: Tree) -> None:
    services.dossier_create(
        actor=SYSTEM,
        managing_org_code="t-a",
        content=declaration("Ksor Hoaa", "1970", relatives=[]),
    )
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    assert _names(officer, "ksor hoaa") == [("Ksor Hoaa", 1970)]
    assert _names(officer, "ksorr hoaa") == [("Ksor Hoaa", 1970)]


def test_the_api_and_page_filters_and_an_organisation_one_may_not_see(
    tree: Tree, people: None
) -> None:
    from django.test import Client

    board = Client()
    board.force_login(make_user(tree.board, Role.BVCT_OFFICER))

    def found(**params: object) -> list[tuple[str, str]]:
        results = board.get("/api/persons/", {"q": "nguyen van hung", **params}).json()["results"]
        return [(p["full_name"], p["birth"]) for p in results]

    assert found(birth_year=1979) == [("Nguyễn Văn Hùng", "1979")]
    assert found(hometown="tien du") == [("Nguyễn Văn Hùng", "1975")]
    assert found(org="t-b") == [("Nguyễn Văn Hùng", "1979")]
    assert board.get("/api/persons/", {"q": "hung", "birth_year": "1700"}).status_code == 400
    page = board.get("/ho-so/", {"q": "nguyen van hung", "org": "t-b"}).content.decode()
    assert "1979" in page and "Tiên Du" not in page
    # The API takes the organisation's public id as well as its code.
    assert found(org=str(tree.committee_b.public_id)) == [("Nguyễn Văn Hùng", "1979")]
    # A commune officer naming the other commune: refused exactly as an unknown code.
    officer = Client()
    officer.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    hidden = officer.get("/api/persons/", {"q": "nguyen van hung", "org": "t-b"})
    unknown = officer.get("/api/persons/", {"q": "nguyen van hung", "org": "khong-co"})
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.json() == unknown.json()
    assert "Không có tổ chức này trong phạm vi của bạn" in hidden.content.decode()


def test_a_cut_list_says_so(tree: Tree, people: None) -> None:
    board = make_user(tree.board, Role.BVCT_OFFICER)
    cut = person_search(user=board, search=PersonSearch(query="hung", limit=2))
    assert len(cut.persons) == 2 and cut.truncated
    whole = person_search(user=board, search=PersonSearch(query="hung", limit=4))
    assert len(whole.persons) == 4 and not whole.truncated


def test_filters_without_a_name_list_the_dossiers_they_select(tree: Tree, people: None) -> None:
    from django.test import Client

    from bvct.audit.constants import AuditAction
    from tests.conftest import events_since

    client = Client()
    client.force_login(make_user(tree.board, Role.BVCT_OFFICER))

    def listed(**params: str) -> str:
        return client.get("/ho-so/", params).content.decode()

    # Used to show “Chưa có hồ sơ.” whatever the filters.
    page = listed(birth_year="1980")
    assert "Nguyễn Văn Hưng" in page and "Nguyễn Văn Hùng" not in page
    page = listed(hometown="hiep hoa")
    assert "Nguyễn Văn Hùng" in page and "Lê Thị Hoa" not in page
    page = listed(org="t-b")
    assert "Nguyễn Văn Hùng" in page and "Lê Thị Hoa" not in page
    # The export follows the filter (the organisation by its public id, never its code).
    assert f'href="/ho-so/xuat-excel/?org={tree.committee_b.public_id}"' in page
    (event,) = events_since(0, action=AuditAction.DOSSIER_SEARCH)[-1:]
    assert (event.after["list_page"], event.after["org"], event.after["results"]) == (1, "t-b", 1)
    page = listed(q="nguyen", birth_year="abc")
    assert "Năm sinh: Năm sinh phải là một số, ví dụ 1975." in page
    assert "Điều kiện tìm chưa hợp lệ." in page
    hidden = make_user(tree.committee_a, Role.BVCT_OFFICER)
    client.force_login(hidden)
    page = listed(org="t-b")  # a code one cannot see lists nobody: refused as a missing one
    assert "Nguyễn Văn Hùng" not in page and "Không có tổ chức này trong phạm vi" in page


def test_a_family_name_alone_is_told_how_to_search(tree: Tree, people: None) -> None:
    from django.test import Client

    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    page = client.get("/ho-so/", {"q": "Trần"}).content.decode()
    assert "“Trần” là họ: hãy gõ thêm tên (ví dụ “Trần Hùng”)" in page
    page = client.get("/ho-so/", {"q": "tran quoc"}).content.decode()
    assert "Từ cuối cùng được tìm như tên" in page and "là họ:" not in page
    assert "Trần Văn Hùng" in client.get("/ho-so/", {"q": "Trần Hùng"}).content.decode()
