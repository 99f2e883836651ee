"""Dossiers a user may not see never change what a name search answers them: the persons,
their order, the count, the exact count, the corrections told, which rows are approximate."""

from __future__ import annotations

from typing import Any

import pytest

from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.people import services
from bvct.people.search import PersonSearch, person_search
from tests.factories import Tree, make_user
from tests.people.factories import declaration

pytestmark = pytest.mark.django_db

VISIBLE = [
    ("Trần Thị Hương", "1975"),
    ("Trần Thị Hường", "1980"),
    ("Lê Văn Duy", "1968"),
    ("Nguyễn Văn Hùng", "1979"),
    ("Nguyễn Thị Thủy", "1990"),
]

# Namesakes of the visible persons and names one typo from them or from the queries below:
# each would change a count, an order or a correction if the gate let it through.
HIDDEN = [
    "Trần Thị Hương", "Trần Thị Hươn", "Trần Thị Phương", "Lê Văn Suy", "Lê Văn Huy",
    "Nguyễn Văn Hưng", "Nguyễn Văn Hùng", "Nguyễn Thị Thúy", "Nguyễn Thị Thy", "Trần Văn Hy",
    "Ksor Thị Hương", "Lê Thị My",
]  # fmt: skip

QUERIES: list[dict[str, Any]] = [
    {"query": "tran thi huong"},
    {"query": "Trần Thị Hươn"},
    {"query": "Trần Thị Hường"},
    {"query": "le van suy"},
    {"query": "Lê Văn Duy"},
    {"query": "nguyen van hungg"},
    {"query": "nguyen thi thcy"},
    {"query": "huong"},
    {"query": "Hy"},
    {"query": "van hung"},
    {"query": "le my"},
    {"query": "tran thi huong", "birth_year": 1975},
    {"query": "tran thi huong", "limit": 1, "offset": 1},
    {"query": "tran thi huong", "subjects_only": False},
]


def _answer(user: Any, **kw: Any) -> tuple[Any, ...]:
    result = person_search(user=user, search=PersonSearch(**{"subjects_only": True, **kw}))
    return (
        [(p.pk, p.approximate) for p in result.persons],
        result.count,
        result.count_capped,
        result.exact_count,
        result.corrections,
        result.truncated,
    )


def _hide(names: list[str], org: str, classification: str) -> None:
    for name in names:
        relatives = [{"relation": "cha", "full_name": name, "birth": "1940", "sex": "Nam"}]
        services.dossier_create(
            actor=SYSTEM, managing_org_code=org, classification=classification,
            content=declaration(name, "1975", relatives=relatives), confirm_not_duplicate=True,
        )  # fmt: skip


def test_hidden_namesakes_and_near_names_change_no_answer(tree: Tree) -> None:
    for name, birth in VISIBLE:
        services.dossier_create(
            actor=SYSTEM, managing_org_code="t-a",
            content=declaration(name, birth, relatives=[]), confirm_not_duplicate=True,
        )  # fmt: skip
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT")
    before = [_answer(officer, **q) for q in QUERIES]
    assert any(a[0] for a in before)  # the queries find someone: the comparison means something
    assert any(a[4] for a in before)  # and some are corrected
    _hide(HIDDEN, "t-b", "KHONG_MAT")  # another commune: outside the officer's scope
    _hide(HIDDEN, "t-a", "TUYET_MAT")  # their own commune, above their clearance
    after = [_answer(officer, **q) for q in QUERIES]
    for query, was, now in zip(QUERIES, before, after, strict=True):
        assert now == was, query
    # The same hidden dossiers are found by those who may see them.
    board = make_user(tree.board, Role.BVCT_OFFICER, clearance="TUYET_MAT")
    assert _answer(board, query="tran thi huong")[1] > before[0][1]
