"""Organisations are chosen by name, among those the user may use, on every dossier page that
used to ask for a typed code (search filter, new dossier, import)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bvct.core.constants import Role
from bvct.people.imports import template_xlsx
from bvct.people.models import Dossier
from tests.factories import Tree, make_user
from tests.people.factories import formset, officers
from tests.permission_matrix import Expect, assert_permission_matrix

pytestmark = pytest.mark.django_db
PAGES = ["/ho-so/", "/ho-so/lap-moi/", "/ho-so/nhap/"]
CHOICES = "/orgs/chon/"
MISSING = "00000000-0000-4000-8000-000000000000"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _options(html: str) -> dict[str, str]:
    """The chooser's options: label by value."""
    return dict(re.findall(r'<option value="([^"]*)"(?: selected)?>([^<]*)</option>', html))


def _new_dossier(org: str) -> dict[str, Any]:
    return {
        "dossier-managing_org": org,
        "dossier-classification": "NONE",
        "identity-full_name": "Vũ Thị Hạnh",
        "identity-sex": "F",
        "identity-birth": "03/1982",
        **formset("relatives", []),
        **formset("history", []),
        **formset("political_events", []),
        **formset("foreign_ties", []),
    }


@pytest.mark.parametrize("url", PAGES)
def test_the_pages_offer_organisations_by_name_not_code(tree: Tree, url: str) -> None:
    page = _client(make_user(tree.committee_a, Role.BVCT_OFFICER)).get(url).content.decode()
    options = _options(page)
    # The officer's own subtree, by name; the value sent is the public id.
    assert options[str(tree.committee_a.public_id)] == "Đảng ủy phường A"
    assert options[str(tree.cell_a.public_id)] == "Chi bộ A1-1"
    assert str(tree.committee_b.public_id) not in options  # another commune
    assert str(tree.root.public_id) not in options  # above the scope
    for code in ("t-a", "t-a-cs1", "t-a-cs1-cb1", "t-b", "t-root"):
        assert f'"{code}"' not in page and f">{code}<" not in page
    assert "Mã tổ chức" not in page
    # Every control has its label.
    assert 'for="id_org_q"' in page or 'for="id_dossier-managing_org_q"' in page
    # Narrowing the list is no page of its own: inside the search form, which puts its own
    # address in the address bar, the chooser's request must not put the fragment's there.
    assert re.search(r'<input type="search"[^>]*hx-get="/orgs/chon/" hx-push-url="false"', page)


def test_typing_part_of_a_name_without_diacritics_narrows_the_list(tree: Tree) -> None:
    board = _client(make_user(tree.board, Role.BVCT_OFFICER))
    answer = board.get(CHOICES, {"field": "org", "blank": "all", "org_q": "dang uy xa"})
    assert answer.status_code == 200
    assert list(_options(answer.content.decode()).values()) == [
        "— Mọi tổ chức —",
        "Đảng ủy xã B",
    ]
    assert 'id="id_org_count" hx-swap-oob="innerHTML">1 tổ chức.' in answer.content.decode()
    # Several words, in any case, each found in the name; the chosen one stays first.
    answer = board.get(
        CHOICES,
        {"field": "org", "org_q": "A1 CHI", "org": str(tree.committee_b.public_id)},
    )
    assert list(_options(answer.content.decode()).values()) == [
        "— Chọn tổ chức —",
        "Đảng ủy xã B",
        "Chi bộ A1-1",
    ]
    # A commune officer typing the other commune's name: nothing, as for a name nobody has.
    officer = _client(make_user(tree.committee_a, Role.BVCT_OFFICER))
    hidden = officer.get(CHOICES, {"field": "org", "org_q": "xa b"})
    missing = officer.get(CHOICES, {"field": "org", "org_q": "khong co"})
    assert hidden.content == missing.content
    assert "Không có tổ chức nào có tên như vậy" in hidden.content.decode()
    # So is naming it as the chosen one.
    kept = officer.get(CHOICES, {"field": "org", "org": str(tree.committee_b.public_id)})
    assert str(tree.committee_b.public_id) not in kept.content.decode()
    assert officer.get(CHOICES, {"field": "<script>"}).status_code == 400


def test_the_chooser_matrix(tree: Tree) -> None:
    # Every signed-in user has organisations to choose from (their own scope's).
    assert_permission_matrix(
        CHOICES,
        officers(tree),
        Expect(other_scope=200, insufficient_clearance=200, agency=200),
        data={"field": "org", "org_q": "a"},
    )


def test_choosing_by_name_opens_the_dossier_there(tree: Tree) -> None:
    officer = _client(make_user(tree.committee_a, Role.BVCT_OFFICER))
    created = officer.post("/ho-so/lap-moi/", _new_dossier(str(tree.grassroots_a.public_id)))
    assert created.status_code == 302
    dossier = Dossier.objects.get(persons__full_name="Vũ Thị Hạnh")
    assert dossier.managing_org == tree.grassroots_a


def test_an_organisation_outside_scope_is_refused_as_a_missing_one(tree: Tree) -> None:
    officer = _client(make_user(tree.committee_a, Role.BVCT_OFFICER))
    answers = [
        officer.post("/ho-so/lap-moi/", _new_dossier(org))
        for org in (str(tree.committee_b.public_id), MISSING, "t-b")
    ]
    errors = [re.findall(r'<p class="error"[^>]*>([^<]*)</p>', a.content.decode()) for a in answers]
    assert (
        errors[0]
        == errors[1]
        == errors[2]
        == ["Không có tổ chức này trong phạm vi của bạn; hãy chọn trong danh sách."]
    )
    assert not Dossier.objects.exists()
    # Not chosen at all: asked for, in Vietnamese.
    page = officer.post("/ho-so/lap-moi/", _new_dossier("")).content.decode()
    assert "Hãy chọn tổ chức." in page
    # The search filter the same way.
    page = officer.get("/ho-so/", {"org": str(tree.committee_b.public_id)}).content.decode()
    assert "Tổ chức: Không có tổ chức này trong phạm vi của bạn" in page


def test_the_import_page_takes_the_organisation_by_its_public_id(tree: Tree) -> None:
    officer = _client(make_user(tree.committee_a, Role.BVCT_OFFICER))

    def check(org: str) -> str:
        file = SimpleUploadedFile("mau.xlsx", template_xlsx())
        data = {"org": org, "file": file, "mode": "check"}
        return officer.post("/ho-so/nhap/", data).content.decode()

    page = check(str(tree.committee_a.public_id))
    assert "Tệp hợp lệ" in page
    # The check's page keeps the choice (by name) for the import.
    assert re.search(
        rf'<option value="{tree.committee_a.public_id}" selected>Đảng ủy phường A<', page
    )
    refused = check(str(tree.committee_b.public_id))
    assert "Tệp hợp lệ" not in refused
    assert "Không có tổ chức này trong phạm vi của bạn" in refused
