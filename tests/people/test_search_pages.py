"""Name search results as pages: the count, offset, exact spellings first, approximate rows,
the organisation filter by public id."""

from __future__ import annotations

import pytest

from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.people import services
from bvct.people.search import PersonSearch, _search_of, person_search
from tests.factories import Tree, make_user
from tests.people.factories import declaration

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("t-a", "Trần Thị Hương", "1975"),
    ("t-a", "Trần Thị Hường", "1980"),
    ("t-a", "Trần Thị Hướng", "1981"),
    ("t-a", "Trần Thị Hưng", "1982"),
    ("t-a", "Trần Thị Phương", "1983"),
    ("t-b", "Trần Thị Hương", "1979"),
]


@pytest.fixture
def people(tree: Tree) -> None:
    for org, name, birth in PEOPLE:
        services.dossier_create(
            actor=SYSTEM, managing_org_code=org,
            content=declaration(name, birth, relatives=[]), confirm_not_duplicate=True,
        )  # fmt: skip


def _search(user: object, query: str, **kw: object):  # type: ignore[no-untyped-def]
    return person_search(user=user, search=PersonSearch(query=query, subjects_only=True, **kw))  # type: ignore[arg-type]


def test_count_and_pages(tree: Tree, people: None) -> None:
    board = make_user(tree.board, Role.BVCT_OFFICER)
    whole = _search(board, "tran thi huong")
    # Hương, Hường, Hướng (and the one of committee B) as typed; Hưng and Phương one edit away
    assert whole.count == 6 and not whole.count_capped and not whole.truncated
    assert [p.approximate for p in whole.persons] == [False] * 4 + [True] * 2
    first = _search(board, "tran thi huong", limit=4)
    rest = _search(board, "tran thi huong", limit=4, offset=4)
    assert first.truncated and not rest.truncated and rest.offset == 4
    assert [p.pk for p in first.persons + rest.persons] == [p.pk for p in whole.persons]
    assert first.count == rest.count == 6


def test_exact_spelling_first_and_counted(tree: Tree, people: None) -> None:
    board = make_user(tree.board, Role.BVCT_OFFICER)
    result = _search(board, "Trần Thị Hường")
    assert [p.full_name for p in result.persons][:1] == ["Trần Thị Hường"]
    assert result.exact_count == 1 and result.count == 6
    # Without any mark typed, every name with these letters is spelt as typed.
    assert _search(board, "tran thi huong").exact_count == 4
    # A word typed without marks is spelt any way; one typed with them, as typed.
    mixed = _search(board, "Tran Thi Hường")
    assert mixed.exact_count == 1 and mixed.persons[0].full_name == "Trần Thị Hường"
    assert _search(board, "Trần Thị huong").exact_count == 4
    # A partial name: the given name alone, then family + given.
    assert _search(board, "Hương").exact_count == 2
    assert _search(board, "Trần Hướng").exact_count == 1


def test_a_neighbour_match_is_approximate(tree: Tree, people: None) -> None:
    board = make_user(tree.board, Role.BVCT_OFFICER)
    result = _search(board, "tran thi phuongg")
    assert [(p.full_name, p.approximate) for p in result.persons] == [("Trần Thị Phương", True)]
    exact = _search(board, "tran thi phuong")
    assert [(p.full_name, p.approximate) for p in exact.persons][:2] == [
        ("Trần Thị Phương", False),
        ("Trần Thị Hương", True),  # "huong" is one letter from "phuong"
    ]
    assert exact.corrections == {"phuong": ["huong"]}


def test_the_organisation_filter_by_public_id_goes_through_the_gate(
    tree: Tree, people: None
) -> None:
    board = make_user(tree.board, Role.BVCT_OFFICER)
    found = _search(board, "tran thi huong", organisation=str(tree.committee_b.public_id))
    assert [p.birth_year for p in found.persons] == [1979]
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    hidden = _search(officer, "tran thi huong", organisation=str(tree.committee_b.public_id))
    assert hidden.persons == [] and hidden.count == 0


def test_the_users_own_organisation_comes_first(tree: Tree, people: None) -> None:
    in_b = make_user(tree.committee_b, Role.BVCT_OFFICER)
    in_b.scope = tree.root  # sees the province, belongs to committee B
    in_b.save()
    years = [p.birth_year for p in _search(in_b, "Trần Thị Hương").persons]
    assert years[0] == 1979  # spelt as typed and of committee B before the one of A


def test_search_of_a_forms_data() -> None:
    search = _search_of(
        {"q": "hung", "birth_year": 1970, "home_town": "Tiên Du", "offset": 50, "limit": 25,
         "organisation": "abc"}
    )  # fmt: skip
    assert (search.offset, search.limit, search.hometown, search.organisation) == (
        50, 25, "Tiên Du", "abc",
    )  # fmt: skip
    assert search.birth_year == 1970 and search.subjects_only


def test_a_first_page_holding_every_match_is_its_own_count(tree: Tree, people: None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    board = make_user(tree.board, Role.BVCT_OFFICER)
    answers = []
    for limit, queries in ((50, 2), (2, 3)):  # the page and its persons; a count when cut
        with CaptureQueriesContext(connection) as captured:
            result = _search(board, "Trần Thị Hương", limit=limit)
        assert len(captured) == queries
        answers.append((result.count, result.exact_count, result.corrections))
    assert answers[0] == answers[1] == (6, 2, {"huong": ["phuong", "hung"]})
