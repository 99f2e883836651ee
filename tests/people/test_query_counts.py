"""Query-count caps: the dossier list page, the dossier API list, the dossier page and its API
cost a fixed number of queries however many dossiers, relatives and versions there are (a test
fails when an N+1 creeps in)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.people import services
from bvct.people.models import Dossier
from tests.factories import Tree, make_user
from tests.people.factories import declaration, father

pytestmark = pytest.mark.django_db

# The most each may cost (measured, with a little room): a new query per row breaks them.
CAPS = {"list_page": 10, "list_api": 10, "dossier_page": 15, "dossier_api": 8}


GIVEN = [
    "Hùng",
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hải",
    "Khánh",
    "Lâm",
    "Minh",
    "Nam",
    "Phúc",
]


def _children(count: int) -> list[dict[str, str]]:
    return [
        {
            "relation": "con",
            "full_name": f"Trần Văn {GIVEN[i]}",
            "sex": "Nam",
            "birth": str(1995 + i),
        }
        for i in range(count)
    ]


def _dossiers(count: int, first: int = 0) -> list[Dossier]:
    made = []
    for i in range(first, first + count):
        dossier = services.dossier_create(
            actor=SYSTEM,
            managing_org_code="t-a",
            content=declaration(f"Nguyễn Văn {GIVEN[i]}", str(1960 + i), relatives=[father()]),
        )
        made.append(dossier)
    return made


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def officer_client(tree: Tree) -> Client:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT"))
    return client


def test_the_list_page_and_the_list_api_cost_the_same_for_3_or_12_dossiers(
    officer_client: Client,
) -> None:
    _dossiers(3)
    few = (_count(officer_client, "/ho-so/"), _count(officer_client, "/api/dossiers/"))
    _dossiers(9, first=3)
    many = (_count(officer_client, "/ho-so/"), _count(officer_client, "/api/dossiers/"))
    assert many == few
    assert few[0] <= CAPS["list_page"] and few[1] <= CAPS["list_api"], few


def test_the_dossier_page_and_api_cost_the_same_with_more_relatives_and_versions(
    officer_client: Client,
) -> None:
    (small,) = _dossiers(1)
    big = services.dossier_create(
        actor=SYSTEM,
        managing_org_code="t-a",
        content=declaration("Trần Văn Bình", "1970", relatives=[father(), *_children(8)]),
    )
    for number in range(1, 4):
        services.declaration_submit(
            actor=SYSTEM,
            dossier=big,
            expected_number=number,
            content=declaration(
                "Trần Văn Bình",
                "1970",
                relatives=[father(), *_children(8)],
                residence=f"Xã {GIVEN[number]}",
            ),
        )
    # Both declare one father (a proposed link each); one has 8 more relatives, 3 more versions.
    base = _count(officer_client, f"/ho-so/{small.public_id}/")
    assert _count(officer_client, f"/ho-so/{big.public_id}/") == base
    assert base <= CAPS["dossier_page"], base
    api = _count(officer_client, f"/api/dossiers/{small.public_id}/")
    assert _count(officer_client, f"/api/dossiers/{big.public_id}/") == api
    assert api <= CAPS["dossier_api"], api
