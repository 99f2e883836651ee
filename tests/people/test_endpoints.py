"""Every dossier endpoint through the permission matrix; each read of a dossier is one audit
event; relative links through the API (list, confirm, reject)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.people import services
from bvct.people.models import Dossier, Person, PersonLink
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.people.factories import FATHER_ID, declaration, father, officers
from tests.permission_matrix import Expect, assert_permission_matrix

pytestmark = pytest.mark.django_db
MISSING = "00000000-0000-4000-8000-000000000000"


@dataclass
class Linked:
    secret: Dossier  # Tối mật, two declarations, its father also in ``plain``
    plain: Dossier
    link: PersonLink


@pytest.fixture
def linked(tree: Tree) -> Linked:
    secret = services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a", classification="TOI_MAT",
        content=declaration(relatives=[father("Làm ruộng")]),
    )  # fmt: skip
    services.declaration_submit(
        actor=SYSTEM, dossier=secret, expected_number=1,
        content=declaration(relatives=[father("Làm ruộng")], residence="Hà Nội"),
    )  # fmt: skip
    secret.refresh_from_db()
    plain = services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a",
        content=declaration("Nguyễn Văn Hải", "1979", relatives=[father("Hưu trí")]),
    )  # fmt: skip
    return Linked(secret, plain, PersonLink.objects.get(person_a__citizen_id=FATHER_ID))


# Each read, and something the allowed officer's answer must hold.
READS = [
    ("/ho-so/{id}/", False, "Nguyễn Văn Hùng"),
    ("/ho-so/{id}/ban-in/", False, "NGUYỄN VĂN HÙNG"),
    ("/ho-so/{id}/so-sanh/1/2/", False, "Hà Nội"),
    ("/ho-so/{id}/khai-moi/", False, "Nguyễn Văn Bình"),
    ("/api/dossiers/{id}/", True, "Nguyễn Văn Hùng"),
    ("/api/dossiers/{id}/declarations/", True, "SUPERSEDED"),
    ("/api/dossiers/{id}/declarations/1/diff/2/", True, "Hà Nội"),
    ("/api/dossiers/{id}/links/", True, FATHER_ID),
]


@pytest.mark.parametrize(("url", "api", "shown"), READS, ids=[url for url, _, _ in READS])
def test_every_read_of_a_dossier_is_gated_and_audited_once(
    tree: Tree, linked: Linked, audit_mark: int, url: str, api: bool, shown: str
) -> None:
    personas = officers(tree)
    expect = Expect.api() if api else Expect()
    responses = assert_permission_matrix(
        url.format(id=linked.secret.public_id),
        personas,
        expect,
        missing_url=url.format(id=MISSING),
    )
    assert shown in responses["allowed"].content.decode()
    # Refused requests wrote nothing (the matrix checks); the allowed one wrote one read of
    # this dossier, by that officer, at the dossier's classification.
    reads = [
        e
        for e in events_since(audit_mark, action=AuditAction.DOSSIER_VIEW)
        if e.object_public_id == str(linked.secret.public_id)
    ]
    assert [(e.actor_public_id, e.classification) for e in reads] == [
        (personas.allowed.public_id, 2)  # Tối mật
    ]


def test_the_links_api_lists_links_and_how_the_two_dossiers_differ(
    tree: Tree, linked: Linked, audit_mark: int
) -> None:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT"))
    (proposed,) = client.get(f"/api/dossiers/{linked.secret.public_id}/links/").json()
    assert proposed["id"] == str(linked.link.public_id)
    assert (proposed["status"], proposed["reason"]) == ("PROPOSED", "CITIZEN_ID")
    assert proposed["mine"]["dossier"] == str(linked.secret.public_id)
    assert proposed["other"]["dossier"] == str(linked.plain.public_id)
    assert proposed["differences"] == []  # compared once confirmed
    # Showing the other side is a read of the other dossier too.
    plain_reads = [
        e
        for e in events_since(audit_mark, action=AuditAction.DOSSIER_VIEW)
        if e.object_public_id == str(linked.plain.public_id)
    ]
    assert len(plain_reads) == 1
    decided = client.post(
        f"/api/links/{linked.link.public_id}/decision/", {"decision": "confirm"},
        content_type="application/json",
    )  # fmt: skip
    assert decided.status_code == 200 and decided.json()["status"] == "CONFIRMED"
    (confirmed,) = client.get(f"/api/dossiers/{linked.plain.public_id}/links/").json()
    assert confirmed["differences"] == [
        {"field": "Nghề nghiệp", "mine": "Hưu trí", "other": "Làm ruộng"}
    ]
    again = client.post(
        f"/api/links/{linked.link.public_id}/decision/", {"decision": "reject"},
        content_type="application/json",
    )  # fmt: skip
    assert again.status_code == 409
    linked.link.refresh_from_db()
    assert linked.link.status == "CONFIRMED"
    bad = client.post(
        f"/api/links/{linked.link.public_id}/decision/", {"decision": "maybe"},
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 400


def test_a_rejected_link_is_not_listed_nor_proposed_again(tree: Tree, linked: Linked) -> None:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT"))
    response = client.post(
        f"/api/links/{linked.link.public_id}/decision/", {"decision": "reject"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["status"] == "REJECTED"
    assert client.get(f"/api/dossiers/{linked.secret.public_id}/links/").json() == []
    page = client.get(f"/ho-so/{linked.secret.public_id}/").content.decode()
    assert "Thân nhân có trong hồ sơ khác" not in page
    # The plain dossier declares its father again (a new version): the pair stays rejected.
    services.declaration_submit(
        actor=SYSTEM, dossier=linked.plain, expected_number=1,
        content=declaration("Nguyễn Văn Hải", "1979", relatives=[father("Hưu trí")],
                            residence="Bắc Ninh"),
    )  # fmt: skip
    fathers = Person.objects.filter(citizen_id=FATHER_ID)
    links = PersonLink.objects.filter(person_a__in=fathers, person_b__in=fathers)
    assert list(links.values_list("status", flat=True)) == ["REJECTED"]


def test_link_decision_api_matrix(tree: Tree, linked: Linked) -> None:
    def status() -> str:
        return PersonLink.objects.get(pk=linked.link.pk).status

    assert_permission_matrix(
        f"/api/links/{linked.link.public_id}/decision/",
        officers(tree),
        Expect.api(),
        method="post",
        data={"decision": "confirm"},
        state=status,
        missing_url=f"/api/links/{MISSING}/decision/",
    )
    assert status() == "CONFIRMED"


def test_a_reader_cannot_decide_a_link(tree: Tree, linked: Linked) -> None:
    reader = Client()
    reader.force_login(make_user(tree.committee_a, Role.COMMITTEE_MEMBER, clearance="TUYET_MAT"))
    url = f"/api/links/{linked.link.public_id}/decision/"
    response = reader.post(url, {"decision": "reject"}, content_type="application/json")
    assert response.status_code == 403
    page = reader.post(f"/ho-so/lien-ket/{linked.link.public_id}/", {"decision": "reject"})
    assert page.status_code == 403  # refused before its input is read
    linked.link.refresh_from_db()
    assert linked.link.status == "PROPOSED"


def test_the_import_template_is_for_dossier_officers(tree: Tree) -> None:
    responses = assert_permission_matrix(
        "/ho-so/nhap/tep-mau.xlsx",
        officers(tree),
        Expect(other_scope=200, insufficient_clearance=200, agency=404),
    )
    assert responses["allowed"].content[:2] == b"PK"  # an XLSX (zip) file


def test_the_list_api_pages_through_what_the_user_may_see(
    tree: Tree, linked: Linked, audit_mark: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bvct.people import api

    services.dossier_create(
        actor=SYSTEM, managing_org_code="t-b", content=declaration("Lê Thị Hoa", "1980", sex="Nữ")
    )
    personas = officers(tree)
    responses = assert_permission_matrix(
        "/api/dossiers/",
        personas,
        Expect.api(other_scope=200, insufficient_clearance=200, agency=403),
    )
    # Vietnamese order (Hải before Hùng); the Tối mật one only for the cleared officer.
    listed = responses["allowed"].json()
    assert [r["full_name"] for r in listed["results"]] == ["Nguyễn Văn Hải", "Nguyễn Văn Hùng"]
    assert (listed["count"], listed["results"][1]["classification"]) == (2, "TOI_MAT")
    low = [r["full_name"] for r in responses["insufficient_clearance"].json()["results"]]
    assert low == ["Nguyễn Văn Hải"]
    assert [r["full_name"] for r in responses["other_scope"].json()["results"]] == ["Lê Thị Hoa"]
    # Each page is on the record like the list page.
    pages = events_since(audit_mark, action=AuditAction.DOSSIER_SEARCH)
    assert {k: v for k, v in pages[-1].after.items() if k != "persons_sha256"} == {
        "list_page": 1,
        "kind": "list",
        "results": 2,
    }
    monkeypatch.setattr(api, "LIST_PAGE_SIZE", 1)
    client = Client()
    client.force_login(personas.allowed)
    second = client.get("/api/dossiers/", {"page": 2}).json()
    assert (second["page"], second["pages"]) == (2, 2)
    assert [r["full_name"] for r in second["results"]] == ["Nguyễn Văn Hùng"]
    assert client.get("/api/dossiers/", {"page": "hai"}).status_code == 400
    assert client.get("/api/dossiers/", {"org": "t-b"}).status_code == 404  # not in scope
    board = Client()
    board.force_login(make_user(tree.board, Role.BVCT_OFFICER))
    only_b = board.get("/api/dossiers/", {"org": "t-b"}).json()
    assert [r["full_name"] for r in only_b["results"]] == ["Lê Thị Hoa"]


PAGES = ["/ho-so/", "/ho-so/xuat-excel/", "/ho-so/nhap/", "/ho-so/lap-moi/"]


@pytest.mark.parametrize("url", PAGES)
def test_the_dossier_pages_are_for_dossier_roles(tree: Tree, linked: Linked, url: str) -> None:
    """Officers of any scope or clearance reach them (each sees only what they may); other
    roles do not (as if the page did not exist)."""
    assert_permission_matrix(
        url, officers(tree), Expect(other_scope=200, insufficient_clearance=200, agency=404)
    )


def test_create_api_matrix(tree: Tree) -> None:
    assert_permission_matrix(
        "/api/dossiers/",
        officers(tree),
        # Another commune's officer may not open one here (nor learn that the code exists: the
        # answer for a code one cannot see is the one for a code nobody has), nor one cleared
        # above Mật. Who may open no dossier at all is refused before the body is read.
        Expect.api(other_scope=400, insufficient_clearance=403, agency=403, allowed=201),
        method="post",
        data={"managing_org": "t-a", "classification": "TOI_MAT", "declaration": declaration()},
        state=lambda: (Dossier.objects.count(), Person.objects.count()),
    )


def test_declaration_submit_api_matrix(tree: Tree, linked: Linked) -> None:
    from bvct.people.models import Declaration

    number = linked.secret.declaration_count
    assert_permission_matrix(
        f"/api/dossiers/{linked.secret.public_id}/declarations/",
        officers(tree),
        Expect.api(allowed=201),
        method="post",
        data={"expected_number": number, "content": declaration(residence="Bắc Ninh")},
        state=lambda: Declaration.objects.filter(dossier=linked.secret).count(),
        missing_url=f"/api/dossiers/{MISSING}/declarations/",
    )
    assert Dossier.objects.get(pk=linked.secret.pk).declaration_count == number + 1


def test_import_api_matrix(tree: Tree) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bvct.people.imports import template_xlsx

    def send(user: object, dry_run: bool) -> Any:
        client = Client()
        if user is not None:
            client.force_login(user)
        file = SimpleUploadedFile("mau.xlsx", template_xlsx())
        data = {"managing_org": "t-a", "file": file, "dry_run": str(dry_run).lower()}
        return client.post("/api/dossiers/import/", data)

    personas = officers(tree)
    before = Dossier.objects.count()
    outcomes = {name: send(user, True).status_code for name, user in personas.as_dict().items()}
    # The template's example member is Không mật: clearance does not matter, scope does.
    assert outcomes == {
        "anonymous": 401, "other_scope": 400, "insufficient_clearance": 200, "agency": 403,
        "allowed": 200,
    }  # fmt: skip
    assert send(personas.other_scope, False).status_code == 400
    assert Dossier.objects.count() == before
    assert send(personas.allowed, False).json()["created"] == 1


def test_the_list_and_links_apis_are_a_bounded_number_of_queries(
    tree: Tree, linked: Linked
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT"))

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = ["/api/dossiers/", f"/api/dossiers/{linked.secret.public_id}/links/"]
    before = [queries(url) for url in urls]
    # Three more dossiers declaring the same father: more rows and links, not more queries,
    # except the one audit event the links endpoint writes per other dossier it shows.
    for name in ("Nguyễn Văn Hà", "Nguyễn Văn Hòa", "Nguyễn Văn Huy"):
        services.dossier_create(
            actor=SYSTEM, managing_org_code="t-a",
            content=declaration(name, "1981", relatives=[father("Hưu trí")]),
        )  # fmt: skip
    assert len(client.get(urls[1]).json()) == 4
    assert [queries(url) for url in urls] == [before[0], before[1] + 3]
