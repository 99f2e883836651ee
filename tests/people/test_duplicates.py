"""Likely duplicates: a member of a dossier the officer sees with the same name and date of
birth is shown before a second dossier is opened, on the page and in the API; the officer
opens the existing dossier or confirms it is somebody else. Hidden dossiers tell nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.people import services
from bvct.people.duplicates import LikelyDuplicate
from bvct.people.identity import make_citizen_id
from bvct.people.models import Dossier, Listing, Person
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.people.factories import declaration, formset

pytestmark = pytest.mark.django_db
NAME, BIRTH = "Nguyễn Văn Hưng", "06/06/1961"


def _open(actor: Any, org: str = "t-a", **kw: Any) -> Dossier:
    content = kw.pop("content", None) or declaration(NAME, BIRTH, relatives=[])
    return services.dossier_create(actor=actor, managing_org_code=org, content=content, **kw)


def _hung(dossier: Dossier) -> Person:
    return Person.objects.get(dossier=dossier, is_subject=True)


def test_a_second_dossier_for_the_same_name_and_birth_date_needs_a_confirmation(
    tree: Tree, audit_mark: int
) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    first = _open(officer)
    # Typed without diacritics and in other case: the same normalised name.
    again = declaration("NGUYEN VAN HUNG", BIRTH, relatives=[])
    with pytest.raises(LikelyDuplicate) as refused:
        _open(officer, "t-a-cs1", content=again)
    assert refused.value.status == 409 and refused.value.code == "likely_duplicate"
    assert refused.value.candidates == [_hung(first)]
    assert Dossier.objects.count() == 1
    second = _open(officer, "t-a-cs1", content=again, confirm_not_duplicate=True)
    (event,) = events_since(
        audit_mark, action=AuditAction.DOSSIER_CREATE, object_public_id=str(second.public_id)
    )
    assert event.after["confirmed_not_duplicate"] is True


@pytest.mark.parametrize(
    ("theirs", "mine", "warned"),
    [
        (None, make_citizen_id("027", "M", 1961, 5), True),  # his dossier has no number yet
        (make_citizen_id("027", "M", 1961, 5), None, True),
        (make_citizen_id("027", "M", 1961, 5), make_citizen_id("027", "M", 1961, 6), False),
    ],
    ids=["new-has-number", "old-has-number", "two-numbers"],
)
def test_two_citizen_ids_tell_two_people_apart(
    tree: Tree, theirs: str | None, mine: str | None, warned: bool
) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    _open(officer, content=declaration(NAME, BIRTH, citizen_id=theirs, relatives=[]))
    content = declaration(NAME, BIRTH, citizen_id=mine, relatives=[])
    if warned:
        with pytest.raises(LikelyDuplicate):
            _open(officer, content=content)
    else:
        _open(officer, content=content)


def test_another_birth_date_is_another_person(tree: Tree) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    _open(officer)
    _open(officer, content=declaration(NAME, "07/06/1961", relatives=[]))  # another day
    _open(officer, content=declaration(NAME, "1962", relatives=[]))  # another year
    with pytest.raises(LikelyDuplicate):
        _open(officer, content=declaration(NAME, "1962", relatives=[]))


@pytest.mark.parametrize("typed", ["1961", "06/1961", "trinh van thanh"])
def test_a_date_given_in_part_may_be_the_same_person(tree: Tree, typed: str) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    _open(officer, content=declaration("Trịnh Văn Thành", "15/06/1961", relatives=[]))
    name, birth = ("Trịnh Văn Thành", typed) if typed[0].isdigit() else (typed, "15/06/1961")
    with pytest.raises(LikelyDuplicate):
        _open(officer, content=declaration(name, birth, relatives=[]))
    # A day or month that differs where both are given is another person.
    _open(officer, content=declaration("Trịnh Văn Thành", "05/1961", relatives=[]))


@pytest.mark.parametrize(("org", "level"), [("t-b", "NONE"), ("t-a", "TOI_MAT")])
def test_a_dossier_the_officer_may_not_see_is_never_shown_nor_warned_of(
    tree: Tree, org: str, level: str
) -> None:
    _open(SYSTEM, org, classification=level)
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT")
    _open(officer)  # opened without a word about the other one
    assert Dossier.objects.count() == 2


def _page_form(**extra: str) -> dict[str, str]:
    return {
        "dossier-managing_org": "t-a",
        "dossier-classification": "NONE",
        "identity-full_name": NAME,
        "identity-sex": "M",
        "identity-birth": BIRTH,
        **formset("relatives", []),
        **formset("history", []),
        **formset("political_events", []),
        **formset("foreign_ties", []),
        **extra,
    }


def test_the_new_dossier_page_shows_likely_duplicates_before_saving(
    tree: Tree, audit_mark: int
) -> None:
    existing = _open(SYSTEM, "t-a-cs1")
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    response = client.post("/ho-so/lap-moi/", _page_form())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Có thể người này đã có hồ sơ." in page
    assert (
        f'<a href="/ho-so/{existing.public_id}/">{NAME}</a>, sinh {BIRTH}, Đảng bộ cơ sở A1' in page
    )
    assert 'name="confirm_not_duplicate" value="1"' in page and "Vẫn lập hồ sơ mới" in page
    assert f'value="{NAME}"' in page  # what was typed is still there
    assert Dossier.objects.count() == 1
    # The names shown are on the record, as a search's are.
    listing = Listing.objects.get()
    assert list(listing.items.values_list("dossier_id", flat=True)) == [existing.pk]
    (event,) = events_since(audit_mark, action=AuditAction.DOSSIER_SEARCH)
    assert event.after["likely_duplicates"] is True and event.after["q"] == NAME
    created = client.post("/ho-so/lap-moi/", _page_form(confirm_not_duplicate="1"))
    assert created.status_code == 302
    assert Dossier.objects.count() == 2


def test_the_api_answers_409_with_the_candidates_unless_confirmed(tree: Tree) -> None:
    existing = _open(SYSTEM)
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    body = {"managing_org": "t-a", "declaration": declaration(NAME, BIRTH, relatives=[])}
    refused = client.post("/api/dossiers/", body, content_type="application/json")
    assert refused.status_code == 409
    answer = refused.json()
    assert answer["code"] == "likely_duplicate"
    assert answer["candidates"] == [
        {
            "dossier": str(existing.public_id),
            "full_name": NAME,
            "birth": BIRTH,
            "managing_org": "t-a",
            "managing_org_name": "Đảng ủy phường A",
        }
    ]
    assert Dossier.objects.count() == 1
    confirmed = client.post(
        "/api/dossiers/", {**body, "confirm_not_duplicate": True}, content_type="application/json"
    )
    assert confirmed.status_code == 201 and Dossier.objects.count() == 2


def test_the_schema_documents_the_confirmation_and_the_409(tree: Tree) -> None:
    client = Client()
    client.force_login(make_user(tree.board, Role.BVCT_OFFICER))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    create = schema["paths"]["/api/dossiers/"]["post"]
    assert "409" in create["responses"]
    conflict = create["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
    assert "candidates" in schema["components"]["schemas"][conflict.rsplit("/", 1)[1]]["properties"]
    request = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][request.rsplit("/", 1)[1]]["properties"]
    assert "confirm_not_duplicate" in fields
