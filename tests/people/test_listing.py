"""Searches and list pages name whom they showed: the dossier's access log lists each search
or list it appeared in, and the audit event seals who was on it."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from bvct.accounts.constants import Role
from bvct.audit.constants import AuditAction
from bvct.core.constants import Classification
from bvct.people import services
from bvct.people.models import Dossier, Listing, ListingItem, Person
from bvct.people.verify import verify_sealed_batches
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.people.factories import declaration

pytestmark = pytest.mark.django_db
SECTION = "Có trong kết quả tra cứu hoặc danh sách hồ sơ"


def _digest(persons: list[Person]) -> str:
    return hashlib.sha256("\n".join(sorted(str(p.public_id) for p in persons)).encode()).hexdigest()


@pytest.fixture
def dossiers(tree: Tree) -> tuple[Dossier, Dossier, Dossier]:
    seen = services.dossier_create(actor=None, managing_org_code="t-a", content=declaration())
    secret = services.dossier_create(
        actor=None,
        managing_org_code="t-a",
        content=declaration("Nguyễn Văn Hải", "1979", relatives=[]),
        classification="TOI_MAT",
    )
    elsewhere = services.dossier_create(
        actor=None,
        managing_org_code="t-b",
        content=declaration("Nguyễn Văn Hưng", "1981", relatives=[]),
    )
    return seen, secret, elsewhere


def test_a_search_names_each_person_it_showed_and_seals_them(
    tree: Tree, dossiers: tuple[Dossier, Dossier, Dossier], audit_mark: int
) -> None:
    seen, secret, elsewhere = dossiers
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT")
    client = Client()
    client.force_login(officer)
    page = client.get("/ho-so/", {"q": "van binh", "relatives": "on"}).content.decode()
    assert "Nguyễn Văn Bình" in page
    client.get("/ho-so/", {"q": "nguyen van hung"})
    client.get("/ho-so/", {"q": "van hai"})  # only a Tối mật dossier: nothing shown
    events = events_since(audit_mark, action=AuditAction.DOSSIER_SEARCH)
    father, member, nobody = (Listing.objects.get(public_id=e.object_public_id) for e in events)
    # A relative's name, then the member's; not the other commune's Nguyễn Văn Hưng (same
    # letters without diacritics) nor the Tối mật dossier above the officer's clearance.
    shown = [
        Person.objects.get(dossier=seen, full_name=n)
        for n in ("Nguyễn Văn Bình", "Nguyễn Văn Hùng")
    ]
    assert list(father.items.values_list("person_id", "dossier_id")) == [(shown[0].pk, seen.pk)]
    assert list(member.items.values_list("person_id", flat=True)) == [shown[1].pk]
    assert (nobody.rows, nobody.items.count()) == (0, 0)
    assert not ListingItem.objects.filter(dossier__in=[secret, elsewhere]).exists()
    assert (father.kind, father.query, father.rows) == ("search", "van binh", 1)
    assert father.actor_username == officer.username
    assert all(e.object_type == "people.listing" for e in events)
    assert events[0].after == {
        "q": "van binh", "relatives": True, "results": 1, "persons_sha256": _digest(shown[:1])
    }  # fmt: skip
    assert events[1].after["persons_sha256"] == _digest(shown[1:])
    assert events[2].after["persons_sha256"] == hashlib.sha256(b"").hexdigest()
    assert [e.classification for e in events] == [Classification.NONE] * 3


def test_list_pages_and_the_api_are_listings_too(
    tree: Tree, dossiers: tuple[Dossier, Dossier, Dossier], audit_mark: int
) -> None:
    seen, secret, _ = dossiers
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT"))
    assert client.get("/ho-so/").status_code == 200
    assert client.get("/api/dossiers/").status_code == 200
    assert client.get("/api/persons/", {"q": "hai"}).status_code == 200
    events = events_since(audit_mark, action=AuditAction.DOSSIER_SEARCH)
    listings = [Listing.objects.get(public_id=e.object_public_id) for e in events]
    assert [(x.kind, x.rows) for x in listings] == [("list", 2), ("list", 2), ("search", 1)]
    subjects = {seen.pk, secret.pk}
    for listing in listings[:2]:
        assert set(listing.items.values_list("dossier_id", flat=True)) == subjects
    assert list(listings[2].items.values_list("dossier_id", flat=True)) == [secret.pk]
    # A list with a Tối mật name on it is a Tối mật event: only auditors cleared for it see it.
    assert [e.classification for e in events] == [Classification.TOI_MAT] * 3


def test_the_access_log_shows_the_lists_a_dossier_was_in(
    tree: Tree, dossiers: tuple[Dossier, Dossier, Dossier]
) -> None:
    seen, _, elsewhere = dossiers
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    client = Client()
    client.force_login(officer)
    client.get("/ho-so/", {"q": "Binh", "relatives": "on"})
    auditor = Client()
    auditor.force_login(make_user(tree.root, Role.AUDITOR, clearance="TUYET_MAT"))
    page = auditor.get(f"/ho-so/{seen.public_id}/").content.decode()
    section = page.split(SECTION, 1)[1].split("</table>", 1)[0]
    assert officer.username in section and "“Binh”" in section
    assert "Nguyễn Văn Bình" in section  # whose name it was: the father's, not the member's
    assert SECTION not in auditor.get(f"/ho-so/{elsewhere.public_id}/").content.decode()
    # An auditor of another branch reads neither the dossier nor the listing's event.
    outsider = Client()
    outsider.force_login(make_user(tree.committee_b, Role.AUDITOR, clearance="TUYET_MAT"))
    assert outsider.get(f"/ho-so/{seen.public_id}/").status_code == 404


def test_an_auditor_below_the_lists_level_does_not_see_it(
    tree: Tree, dossiers: tuple[Dossier, Dossier, Dossier]
) -> None:
    seen, _, _ = dossiers
    cleared = Client()
    cleared.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT"))
    cleared.get("/ho-so/")  # the list: Nguyễn Văn Hùng and the Tối mật Nguyễn Văn Hải
    low = Client()
    low.force_login(make_user(tree.root, Role.AUDITOR, clearance="MAT"))
    page = low.get(f"/ho-so/{seen.public_id}/").content.decode()
    assert "Nhật ký truy cập" in page and SECTION not in page
    high = Client()
    high.force_login(make_user(tree.root, Role.AUDITOR, clearance="TUYET_MAT"))
    assert SECTION in high.get(f"/ho-so/{seen.public_id}/").content.decode()


def test_verify_batches_names_a_listing_whose_items_were_altered(
    tree: Tree, dossiers: tuple[Dossier, Dossier, Dossier]
) -> None:
    seen, _, _ = dossiers
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    client.get("/ho-so/", {"q": "nguyen van hung"})
    client.get("/ho-so/")
    assert verify_sealed_batches().ok
    searched = Listing.objects.get(kind="search")
    # Somebody with database access removes the trace of the member's name.
    ListingItem.objects.filter(listing=searched, person__is_subject=True).delete()
    result = verify_sealed_batches()
    assert result.batches == 2
    assert [p.split(":")[0] for p in result.problems] == [f"danh sách {searched.public_id}"]
    with pytest.raises(CommandError, match="1 trong 2 lần xuất/nhập/tra cứu không khớp"):
        call_command("verify_batches", stdout=io.StringIO())
    assert seen.pk in ListingItem.objects.values_list("dossier_id", flat=True)
