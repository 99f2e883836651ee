"""The case list's filters, on the page and in the API: by competent committee (chosen by
name, sent as its public id, only committees the user may see) and by a search box matching
the case number or the subject's name without diacritics or case mattering. A case the user
may not see never appears, whatever the filter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.people import services as people_services
from bvct.people.models import Dossier
from bvct.positions import services as positions_services
from bvct.vetting import services
from bvct.vetting.models import Case
from tests.factories import Tree
from tests.people.factories import declaration
from tests.vetting.cases import Scene, account, build, decide, open_case

pytestmark = pytest.mark.django_db
LIST = "/tham-tra/ho-so-tham-tra/"


def _dossier(code: str, name: str, birth: str) -> Dossier:
    return people_services.dossier_create(
        actor=SYSTEM, managing_org_code=code, classification="TOI_MAT",
        content=declaration(name, birth),
    )  # fmt: skip


@dataclass
class Cases:
    scene: Scene
    hung: Case  # Nguyễn Văn Hùng, commune A's committee concludes
    anh: Case  # Trần Thị Ánh, a provincial post: the provincial committee concludes
    restricted: Case  # about Hùng, restricted, not the scene officer's
    elsewhere: Case  # a Nguyễn Văn Hùng of commune B


@pytest.fixture
def cases(tree: Tree) -> Cases:
    scene = build(tree)
    hung = open_case(scene)
    post = positions_services.post_create(
        actor=SYSTEM, organisation=tree.root, name="Phó Trưởng ban", tier="PROVINCE",
        is_management=True,
    )  # fmt: skip
    anh_dossier = _dossier("t-a", "Trần Thị Ánh", "03/04/1980")
    anh = services.case_open(actor=scene.officer, decision=decide(anh_dossier, post=post))
    colleague = account(tree.committee_a, Role.BVCT_OFFICER)
    restricted = services.case_open(
        actor=colleague, dossier=scene.dossier, origin="NEW_INFORMATION", restricted=True
    )
    elsewhere = services.case_open(
        actor=SYSTEM, dossier=_dossier("t-b", "Nguyễn Văn Hùng", "01/01/1970"),
        origin="NEW_INFORMATION",
    )  # fmt: skip
    assert hung.competent_body == tree.committee_a and anh.competent_body == tree.root
    return Cases(scene, hung, anh, restricted, elsewhere)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _listed(html: str, c: Cases) -> set[str]:
    names = {"hung": c.hung, "anh": c.anh, "restricted": c.restricted, "elsewhere": c.elsewhere}
    return {name for name, case in names.items() if case.reference in html}


def _api(client: Client, query: str) -> set[str]:
    response = client.get(f"/api/cases/?{query}")
    assert response.status_code == 200, response.content
    return {row["reference"] for row in response.json()["results"]}


def test_the_page_offers_the_committees_the_user_sees_by_name_and_public_id(
    cases: Cases, tree: Tree
) -> None:
    html = _client(cases.scene.officer).get(LIST).content.decode()
    assert '<label for="id_q">Số hồ sơ hoặc tên người được thẩm tra</label>' in html
    assert '<label for="id_committee">Cấp có thẩm quyền kết luận</label>' in html
    select = html.split('name="committee"', 1)[1].split("</select>", 1)[0]
    values = re.findall(r'<option value="([^"]*)"', select)
    assert values == ["", str(tree.committee_a.public_id), str(tree.root.public_id)]
    assert tree.committee_a.name in select and tree.root.name in select
    # Commune B's committee concludes a case, but the officer of commune A does not see it.
    assert tree.committee_b.name not in select


def test_the_page_filters_by_committee(cases: Cases, tree: Tree) -> None:
    client = _client(cases.scene.officer)
    assert _listed(client.get(LIST).content.decode(), cases) == {"hung", "anh"}
    html = client.get(f"{LIST}?committee={tree.root.public_id}").content.decode()
    assert _listed(html, cases) == {"anh"}
    html = client.get(f"{LIST}?committee={tree.committee_a.public_id}").content.decode()
    assert _listed(html, cases) == {"hung"}
    # A committee not offered, or an internal key: refused at the field, nothing listed.
    for key in (tree.committee_b.public_id, tree.root.pk):
        html = client.get(f"{LIST}?committee={key}").content.decode()
        assert "Không có lựa chọn này; hãy chọn trong danh sách." in html
        assert _listed(html, cases) == set()


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("nguyen van hung", {"hung"}),
        ("NGUYỄN VĂN HÙNG", {"hung"}),
        ("  van   HUNG ", {"hung"}),
        ("ánh", {"anh"}),
        ("tran thi anh", {"anh"}),
        ("Lê Văn Tám", set()),
    ],
)
def test_the_search_folds_the_subjects_name(cases: Cases, q: str, found: set[str]) -> None:
    client = _client(cases.scene.officer)
    assert _listed(client.get(LIST, {"q": q}).content.decode(), cases) == found
    expected = {getattr(cases, name).reference for name in found}
    assert _api(client, f"q={q}") == expected


def test_the_search_matches_the_case_number(cases: Cases) -> None:
    client = _client(cases.scene.officer)
    number = cases.hung.reference.split("/")[0]  # "TT-2026-0001": each committee numbers its own
    assert number == cases.anh.reference.split("/")[0] == cases.elsewhere.reference.split("/")[0]
    assert _listed(client.get(LIST, {"q": number.lower()}).content.decode(), cases) == {
        "hung",
        "anh",
    }
    assert _api(client, f"q={cases.anh.reference}") == {cases.anh.reference}


def test_a_hidden_case_never_appears_whatever_the_filter(cases: Cases, tree: Tree) -> None:
    """The restricted case (not assigned to the officer) and commune B's case match the search
    and the committee, but the gate keeps them out; those who may see them find them."""
    officer = _client(cases.scene.officer)
    for query in ("q=nguyen+van+hung", f"q=nguyen&committee={tree.committee_a.public_id}"):
        assert _listed(officer.get(f"{LIST}?{query}").content.decode(), cases) == {"hung"}
        assert _api(officer, query) == {cases.hung.reference}
    member = _client(cases.scene.signer)  # commune A's committee: sees its restricted case
    assert _api(member, "q=nguyen+van+hung") == {cases.hung.reference, cases.restricted.reference}
    other = _client(account(tree.committee_b, Role.BVCT_OFFICER))
    assert _api(other, "q=nguyen+van+hung") == {cases.elsewhere.reference}
    html = other.get(LIST, {"q": "nguyen van hung"}).content.decode()
    assert _listed(html, cases) == {"elsewhere"}


def test_the_api_takes_a_committee_by_public_id_only(cases: Cases, tree: Tree) -> None:
    client = _client(cases.scene.officer)
    assert _api(client, f"committee={tree.root.public_id}") == {cases.anh.reference}
    assert _api(client, f"committee={tree.committee_a.public_id}&q=hung") == {cases.hung.reference}
    # A committee the officer sees that concludes no case: an empty list.
    assert _api(client, f"committee={tree.grassroots_a.public_id}") == set()
    for key in (tree.committee_b.public_id, tree.board.public_id, tree.root.pk, "abc"):
        response = client.get(f"/api/cases/?committee={key}")
        assert response.status_code == 400
        body = response.json()
        assert body["field"] == "committee" and "Không có cấp ủy này" in body["detail"]
    response = client.get("/api/cases/", {"q": "x" * 101})
    assert response.status_code == 400 and response.json()["field"] == "q"


def test_the_page_counts_only_up_to_the_cap_past_it(
    cases: Cases, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fifty a page and a count that stops at the cap past the page (2 and 3 here): the list
    says "hơn" until the count reaches its end; a page past the end shows the last one."""
    from bvct.vetting import views_cases

    monkeypatch.setattr(views_cases, "PAGE_SIZE", 2)
    monkeypatch.setattr(views_cases, "COUNT_CAP", 3)
    scene = cases.scene
    for _ in range(4):
        services.case_open(actor=scene.officer, dossier=scene.dossier, origin="NEW_INFORMATION")
    client = _client(scene.officer)
    first = client.get(LIST).content.decode()
    assert "hơn 3 hồ sơ thẩm tra." in first and "Trang 1/hơn 2" in first
    assert "page=2" in first and "Trang trước" not in first
    last = client.get(LIST, {"page": "3"}).content.decode()
    assert "6 hồ sơ thẩm tra." in last and "Trang 3/3" in last and "Trang sau" not in last
    assert client.get(LIST, {"page": "99"}).content.decode().count("<tr>") == last.count("<tr>")
    assert "Trang 1/hơn 2" in client.get(LIST, {"page": "abc"}).content.decode()
