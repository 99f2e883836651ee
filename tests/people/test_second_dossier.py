"""A managed person has one dossier: a second one is refused on every path, within one
organisation too (a file's new reference for a member whose dossier was opened on the page)."""

from __future__ import annotations

import pytest

from bvct.core.constants import Role
from bvct.people import services
from bvct.people.declarations import DeclarationInvalid
from bvct.people.identity import make_citizen_id
from bvct.people.models import Dossier, Person
from tests.factories import Tree, make_user
from tests.people.factories import declaration
from tests.people.import_helpers import _import, member

pytestmark = pytest.mark.django_db
NUMBER = make_citizen_id("027", "M", 1961, 91)
REFUSED = (
    f"số CCCD {NUMBER} là của Nguyễn Văn Hưng, người được quản lý trong hồ sơ đã có: "
    "mỗi người chỉ có một hồ sơ, hãy nhập vào hồ sơ đó"
)


def _opened_on_the_page(tree: Tree, classification: str = "NONE") -> Dossier:
    """Nguyễn Văn Hưng's dossier in commune A, opened on the page (no import reference)."""
    return services.dossier_create(
        actor=make_user(tree.committee_a, "BVCT_OFFICER", clearance="TUYET_MAT"),
        managing_org_code="t-a", classification=classification,
        content=declaration("Nguyễn Văn Hưng", "06/06/1961", citizen_id=NUMBER),
    )  # fmt: skip


@pytest.mark.parametrize("dry_run", [True, False], ids=["check", "import"])
def test_a_new_reference_in_the_same_organisation_is_no_second_dossier(
    tree: Tree, dry_run: bool
) -> None:
    _opened_on_the_page(tree)
    officer = make_user(tree.committee_a, "BVCT_OFFICER")
    again = [member("MOI-9", "Nguyễn Văn Hưng", "06/06/1961", citizen_id=NUMBER)]
    report = _import(again, dry_run=dry_run, actor=officer)
    assert report.errors == [(2, "Số CCCD", REFUSED)]
    assert not report.ok and report.created == 0  # no "1 new dossier" announced, none made
    assert Person.objects.filter(citizen_id=NUMBER).count() == 1
    # Another organisation's file, and the page, refuse him too.
    assert _import(again, org="t-b", dry_run=dry_run).errors == [(2, "Số CCCD", REFUSED)]
    with pytest.raises(DeclarationInvalid, match="mỗi người chỉ có một hồ sơ"):
        _opened_on_the_page(tree)


def test_a_file_may_not_give_its_member_the_number_of_a_page_dossiers_member(tree: Tree) -> None:
    _opened_on_the_page(tree)
    officer = make_user(tree.committee_a, "BVCT_OFFICER")
    assert _import([member("DV-7", "Nguyễn Văn Hưng", "06/06/1961")], actor=officer).created == 1
    renumbered = [member("DV-7", "Nguyễn Văn Hưng", "06/06/1961", citizen_id=NUMBER)]
    assert _import(renumbered, actor=officer).errors == [(2, "Số CCCD", REFUSED)]


def test_a_dossier_the_uploader_may_not_see_is_neither_named_nor_refused(tree: Tree) -> None:
    _opened_on_the_page(tree, classification="TOI_MAT")
    low = make_user(tree.committee_a, "BVCT_OFFICER", clearance="MAT")
    again = [member("MOI-9", "Nguyễn Văn Hưng", "06/06/1961", citizen_id=NUMBER)]
    assert _import(again, dry_run=True, actor=low).ok


def test_a_refusal_that_names_another_member_puts_that_on_the_record(
    tree: Tree, audit_mark: int
) -> None:
    from bvct.audit.constants import AuditAction
    from bvct.people.models import ListingItem
    from tests.conftest import events_since

    existing = _opened_on_the_page(tree)
    subject = existing.persons.get(is_subject=True)
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    with pytest.raises(DeclarationInvalid) as err:
        services.dossier_create(
            actor=officer,
            managing_org_code="t-a",
            content=declaration("Lê Văn Khác", "1961", citizen_id=subject.citizen_id),
        )
    assert subject.full_name in err.value.message
    assert Dossier.objects.count() == 1  # nothing written but the record of who was named
    item = ListingItem.objects.get(dossier=existing)
    assert item.person == subject
    [event] = events_since(audit_mark, action=AuditAction.DOSSIER_SEARCH)
    assert event.actor_public_id == officer.public_id
    assert event.after["citizen_id"] == subject.citizen_id


@pytest.mark.parametrize("dry_run", [True, False], ids=["check", "import"])
def test_an_import_that_names_another_member_puts_that_on_the_record(
    tree: Tree, audit_mark: int, dry_run: bool
) -> None:
    from bvct.audit.constants import AuditAction
    from bvct.people.models import ListingItem
    from tests.conftest import events_since

    existing = _opened_on_the_page(tree)
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT")
    again = [member("MOI-9", "Nguyễn Văn Hưng", "06/06/1961", citizen_id=NUMBER)]
    report = _import(again, dry_run=dry_run, actor=officer)
    assert report.errors == [(2, "Số CCCD", REFUSED)]
    # The report showed his name: his dossier's access log finds that listing.
    assert ListingItem.objects.get(dossier=existing).person.full_name == "Nguyễn Văn Hưng"
    [event] = events_since(audit_mark, action=AuditAction.DOSSIER_SEARCH)
    assert event.actor_public_id == officer.public_id
    assert event.after["import_file"] == "ho-so.csv"
