"""Input no database can store is refused in one place (a NUL character: 400 with a Vietnamese
message, JSON from the API), and nothing a page or the API shows may be kept by a cache."""

from __future__ import annotations

import pytest
from django.test import Client

from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.people import services
from tests.factories import Tree, make_user
from tests.people.factories import declaration

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree: Tree) -> Client:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT"))
    return client


@pytest.mark.parametrize(
    ("url", "api"),
    [
        ("/api/dossiers/?org=%00", True),
        ("/api/orgs/?q=%00", True),
        ("/orgs/?q=%00", False),
        ("/ho-so/xuat-excel/?org=%00", False),
        ("/ho-so/?q=a%00b", False),
        ("/audit/?actor=%00", False),
    ],
)
def test_a_nul_character_in_the_address_is_a_400_in_vietnamese(
    officer: Client, url: str, api: bool
) -> None:
    response = officer.get(url)
    assert response.status_code == 400
    if api:
        assert response.json() == {
            "code": "invalid_input",
            "detail": "Dữ liệu gửi lên có ký tự NUL (mã 0), không được chấp nhận.",
        }
    else:
        assert "ký tự NUL" in response.content.decode()


def test_a_nul_character_in_a_form_or_a_json_body_is_a_400(officer: Client) -> None:
    page = officer.post(
        "/ho-so/lap-moi/",
        "identity-full_name=Nguy%E1%BB%85n%00V%C4%83n+A",
        content_type="application/x-www-form-urlencoded",
    )
    assert page.status_code == 400
    # Every value of a repeated parameter, not only the last.
    assert officer.get("/api/dossiers/?org=%00&org=t-a").status_code == 400
    # A backslash followed by "u0000" is text, not a NUL.
    text = officer.post(
        "/api/dossiers/",
        '{"managing_org": "t-a", "declaration": {"identity": {"full_name": "A\\\\u0000"}}}',
        content_type="application/json",
    )
    assert text.json().get("code") != "invalid_input"
    api = officer.post(
        "/api/dossiers/",
        '{"managing_org": "t-a", "declaration": {"identity": {"full_name": "A\\u0000"}}}',
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["code"] == "invalid_input"


def test_no_answer_with_personal_data_may_be_cached(tree: Tree, officer: Client) -> None:
    dossier = services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a", content=declaration(relatives=[])
    )
    for url in (
        f"/ho-so/{dossier.public_id}/",
        f"/ho-so/{dossier.public_id}/ban-in/",
        "/ho-so/?q=hung",
        "/ho-so/xuat-excel/?q=hung",
        f"/api/dossiers/{dossier.public_id}/",
        "/api/persons/?q=hung",
        "/",
    ):
        response = officer.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
