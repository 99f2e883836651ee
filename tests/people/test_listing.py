"""Searches and list pages name whom they showed: the dossier's access log lists each search
or list it appeared in, and the audit event seals who was on it."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from bvct.audit.constants import AuditAction
from bvct.audit.models import AuditEvent
from bvct.core.constants import Classification, Role
from bvct.core.gate import SYSTEM
from bvct.people import services
from bvct.people.models import Dossier, Listing, ListingItem, Person
from bvct.people.verify import verify_sealed_batches
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.people.factories import declaration

pytestmark = pytest.mark.django_db
SECTION = "Có trong kết quả tra cứu"
LISTS = "Có trong danh sách hồ sơ đã xem"


def _digest(persons: list[Person]) -> str:
    return hashlib.sha256("\n".join(sorted(str(p.public_id) for p in persons)).encode()).hexdigest()


@pytest.fixture
def dossiers(tree: Tree) -> tuple[Dossier, Dossier, Dossier]:
    seen = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    secret = services.dossier_create(
        actor=SYSTEM,
        managing_org_code="t-a",
        content=declaration("Nguyễn Văn Hải", "1979", relatives=[]),
        classification="TOI_MAT",
    )
    elsewhere = services.dossier_create(
        actor=SYSTEM,
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
    # A relative's name with the member whose dossier it is (the page names them too), then
    # the member alone; not the other commune's Nguyễn Văn Hưng (same letters without
    # diacritics) nor the Tối mật dossier above the officer's clearance.
    shown = [
        Person.objects.get(dossier=seen, full_name=n)
        for n in ("Nguyễn Văn Bình", "Nguyễn Văn Hùng")
    ]
    assert f'của <a href="/ho-so/{seen.public_id}/">Nguyễn Văn Hùng</a>' in page
    assert sorted(father.items.values_list("person_id", "dossier_id")) == sorted(
        [(shown[0].pk, seen.pk), (shown[1].pk, seen.pk)]
    )
    assert list(member.items.values_list("person_id", flat=True)) == [shown[1].pk]
    assert (nobody.rows, nobody.items.count()) == (0, 0)
    assert not ListingItem.objects.filter(dossier__in=[secret, elsewhere]).exists()
    assert (father.kind, father.rows) == ("search", 2)
    assert all(e.object_type == "people.listing" for e in events)
    assert events[0].actor_username == officer.username
    assert events[0].after == {
        "q": "van binh", "relatives": True, "kind": "search", "results": 2,
        "persons_sha256": _digest(shown),
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


def test_the_access_log_shows_the_searches_and_list_pages_a_dossier_was_in(
    tree: Tree, dossiers: tuple[Dossier, Dossier, Dossier]
) -> None:
    seen, _, elsewhere = dossiers
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    client = Client()
    client.force_login(officer)
    client.get("/ho-so/", {"q": "Binh", "relatives": "on"}, HTTP_HX_REQUEST="true")  # typing
    client.get("/ho-so/")
    client.get("/ho-so/")
    auditor = Client()
    auditor.force_login(make_user(tree.root, Role.AUDITOR, clearance="TUYET_MAT"))
    page = auditor.get(f"/ho-so/{seen.public_id}/").content.decode()
    searches = page.split(SECTION, 1)[1].split("</table>", 1)[0]
    assert officer.username in searches
    assert "Nguyễn Văn Bình" in searches  # whose name it was: the father's, not the member's
    assert "Binh" not in searches.replace("Bình", "")  # what was asked is for the audit search
    lists = page.split(LISTS, 1)[1].split("</table>", 1)[0]
    assert "2 lần" in lists and lists.count(officer.username) == 2
    other = auditor.get(f"/ho-so/{elsewhere.public_id}/").content.decode()
    assert SECTION not in other and LISTS not in other


def test_an_auditor_not_cleared_for_the_whole_list_still_sees_the_appearance(
    tree: Tree, dossiers: tuple[Dossier, Dossier, Dossier]
) -> None:
    # A commune officer's search lists Nguyễn Văn Hùng and his Tối mật namesake of the same
    # commune: a Tối mật event. The commune's own auditor (Mật) may not read that event, but
    # the appearance of this dossier is hers to see, shown as every other row is.
    seen, _, _ = dossiers
    namesake = services.dossier_create(
        actor=SYSTEM,
        managing_org_code="t-a",
        content=declaration(relatives=[]),
        classification="TOI_MAT",
        confirm_not_duplicate=True,
    )
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT")
    searcher = Client()
    searcher.force_login(officer)
    searcher.get("/ho-so/", {"q": "nguyen van hung"})
    listing = Listing.objects.get()
    assert set(listing.items.values_list("dossier_id", flat=True)) == {seen.pk, namesake.pk}
    auditor = make_user(tree.committee_a, Role.AUDITOR, clearance="MAT")
    event = AuditEvent.objects.filter(object_public_id=str(listing.public_id))
    assert event.get().classification == Classification.TOI_MAT
    assert not event.visible_to(auditor).exists()
    low = Client()
    low.force_login(auditor)
    page = low.get(f"/ho-so/{seen.public_id}/").content.decode()
    row = page.split(SECTION, 1)[1].split("</table>", 1)[0]
    assert officer.username in row and "Nguyễn Văn Hùng" in row
    # The same row for an auditor cleared for the event: nothing there tells them apart.
    high = Client()
    high.force_login(make_user(tree.committee_a, Role.AUDITOR, clearance="TUYET_MAT"))
    page = high.get(f"/ho-so/{seen.public_id}/").content.decode()
    assert page.split(SECTION, 1)[1].split("</table>", 1)[0] == row


def test_each_person_shown_is_named_once(tree: Tree) -> None:
    dossier = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    persons = list(Person.objects.filter(dossier=dossier).order_by("id"))
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    services.dossier_listing_record(
        actor=officer, kind="search", filters={"q": "x"}, persons=[*persons, persons[0]]
    )
    listing = Listing.objects.get()
    items = list(listing.items.values_list("person_id", "dossier_id"))
    assert sorted(items) == [(p.pk, dossier.pk) for p in persons]
    assert listing.rows == len(persons) == 5
    assert verify_sealed_batches().ok


def test_a_failed_audit_write_leaves_no_listing(
    tree: Tree, dossiers: tuple[Dossier, Dossier, Dossier], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_: object) -> int:
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", broken)
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    with pytest.raises(RuntimeError):
        services.dossier_listing_record(
            actor=officer,
            kind="list",
            filters={},
            persons=list(Person.objects.filter(is_subject=True)),
        )
    assert not Listing.objects.exists() and not ListingItem.objects.exists()


def test_verify_batches_names_each_kind_of_tampering(
    tree: Tree, dossiers: tuple[Dossier, Dossier, Dossier]
) -> None:
    seen, _, _ = dossiers
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT"))
    for query in ("nguyen van hung", "nguyen van hai", "van binh", "tran thi lan", "le thi hoa"):
        client.get("/ho-so/", {"q": query, "relatives": "on"})
    client.get("/ho-so/")
    assert verify_sealed_batches().ok and verify_sealed_batches().batches == 6
    hung, hai, binh, lan, hoa, page = Listing.objects.order_by("id")
    # Somebody with database access covers tracks, five ways:
    ListingItem.objects.filter(listing=hung).delete()  # a name taken off a list
    ListingItem.objects.filter(listing=hai).update(dossier=seen)  # moved to another dossier
    Listing.objects.filter(pk=binh.pk).update(kind="list")  # a search shown as a list page
    ListingItem.objects.filter(listing=lan).delete()
    Listing.objects.filter(pk=lan.pk).delete()  # a search gone altogether
    ListingItem.objects.filter(listing=hoa).update(kind="list")  # off the searches' index
    result = verify_sealed_batches()
    assert result.batches == 5
    assert [p.split(":")[0] for p in result.problems] == [
        f"danh sách {hung.public_id}",
        f"danh sách {hai.public_id}",
        f"danh sách {binh.public_id}",
        f"danh sách {hoa.public_id}",
        f"danh sách {lan.public_id}",
    ]
    assert "bản ghi đã mất" in result.problems[-1]
    with pytest.raises(CommandError, match="5 trong 5 lần xuất/nhập/tra cứu không khớp"):
        call_command("verify_batches", stdout=io.StringIO())
    assert str(page.public_id) not in " ".join(result.problems)  # the untouched list page


def test_list_pages_are_counted_up_to_a_bound(
    tree: Tree, dossiers: tuple[Dossier, Dossier, Dossier], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bvct.people import selectors

    seen, _, _ = dossiers
    monkeypatch.setattr(selectors, "LIST_PAGES_COUNTED", 3)
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    auditor = Client()
    auditor.force_login(make_user(tree.root, Role.AUDITOR, clearance="TUYET_MAT"))
    client.get("/ho-so/")
    client.get("/ho-so/")
    assert "2 lần; gần nhất:" in auditor.get(f"/ho-so/{seen.public_id}/").content.decode()
    client.get("/ho-so/")
    client.get("/ho-so/")
    page = auditor.get(f"/ho-so/{seen.public_id}/").content.decode()
    assert "Từ 10.000 lần trở lên; gần nhất:" in page and "4 lần" not in page
