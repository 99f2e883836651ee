"""Importing dossiers: what an import writes, and that importing again changes nothing (the
skip of unchanged dossiers, namesakes matched to their own rows, links for new identities)."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from bvct.audit.constants import AuditAction
from bvct.core.gate import SYSTEM
from bvct.people import import_write, imports
from bvct.people.identity import make_citizen_id
from bvct.people.models import Declaration, Dossier, ImportBatch, Person
from tests.conftest import events_since
from tests.factories import Tree
from tests.people.import_helpers import (
    GOOD,
    KEYS,
    _checked_import,
    _compare_in_full,
    _content,
    _import,
    _state,
    _twins,
    member,
    relative,
)

pytestmark = pytest.mark.django_db


def test_dry_run_reports_and_writes_nothing(tree: Tree) -> None:
    before = _state()
    report = _import(GOOD, dry_run=True)
    assert report.ok and report.rows == 5 and report.dossiers == 2
    assert _state() == before


def test_import_creates_dossiers_persons_and_declarations(tree: Tree, audit_mark: int) -> None:
    report = _import(GOOD)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    dossier = Dossier.objects.get(import_ref="DV-1")
    assert dossier.managing_org == tree.committee_a and dossier.org_path == tree.committee_a.path
    people = {p.full_name: p for p in Person.objects.filter(dossier=dossier)}
    assert people["Nguyễn Văn An"].is_subject and people["Nguyễn Văn An"].birth_month == 5
    assert people["Nguyễn Văn Bình"].relation.code == "cha"
    content = Declaration.objects.get(dossier=dossier).content
    assert [r["full_name"] for r in content["relatives"]] == ["Nguyễn Văn Bình", "Nguyễn Thị Mai"]
    assert content["relatives"][0]["person"] == str(people["Nguyễn Văn Bình"].public_id)
    (event,) = events_since(audit_mark, action=AuditAction.DOSSIER_IMPORT)
    assert event.after["rows"] == 5 and event.after["created"] == 2
    batch = ImportBatch.objects.get(public_id=event.object_public_id)
    assert batch.items.count() == 2


@pytest.mark.parametrize("in_full", [False, True], ids=["left-alone", "compared"])
def test_reimporting_the_same_file_changes_nothing(tree: Tree, in_full: bool) -> None:
    _import(GOOD)
    if in_full:
        _compare_in_full()
    before = _state()
    versions = list(Declaration.objects.values_list("dossier_id", "number", "content"))
    report = _import(GOOD)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert _state() == before
    assert list(Declaration.objects.values_list("dossier_id", "number", "content")) == versions


@pytest.mark.parametrize("in_full", [False, True], ids=["left-alone", "compared"])
def test_same_named_siblings_born_the_same_year_stay_two(tree: Tree, in_full: bool) -> None:
    rows = [
        member("DV-9", "Hoàng Văn Long", "1975"),
        relative("DV-9", "anh-chi-em", "Hoàng Văn Nam", "1978"),
        relative("DV-9", "anh-chi-em", "Hoàng Văn Nam", "1978", occupation="Giáo viên"),
    ]
    _import(rows)
    dossier = Dossier.objects.get(import_ref="DV-9")
    assert Person.objects.filter(dossier=dossier, full_name="Hoàng Văn Nam").count() == 2
    if in_full:
        _compare_in_full()
    report = _import(rows)
    assert (report.updated, report.unchanged) == (0, 1)
    assert Person.objects.filter(dossier=dossier, full_name="Hoàng Văn Nam").count() == 2


def test_namesakes_match_the_persons_the_last_import_gave_their_rows(tree: Tree) -> None:
    """Two relatives of one relation, name and birth year are told apart by their order: the
    n-th such row of a file is the n-th such person of the current declaration. Ordered by
    their ids instead, a page's edit could make the same file, imported twice, swap them."""
    from bvct.people.services import declaration_submit

    rows = [
        member("NS-1", "Hoàng Văn Long", "1975"),
        relative("NS-1", "anh-chi-em", "Hoàng Văn Nam", "1978", occupation="Kỹ sư"),
        relative("NS-1", "anh-chi-em", "Hoàng Văn Bắc", "1978"),
    ]
    _import(rows)
    dossier = Dossier.objects.get(import_ref="NS-1")
    # On the page: Nam is no longer declared, and Bắc is renamed Nam (a corrected name).
    content = _content("NS-1")
    content["relatives"] = [dict(content["relatives"][1], full_name="Hoàng Văn Nam")]
    declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=1)
    renamed = content["relatives"][0]["person"]
    twins = [
        rows[0],
        relative("NS-1", "anh-chi-em", "Hoàng Văn Nam", "1978", occupation="Giáo viên"),
        relative("NS-1", "anh-chi-em", "Hoàng Văn Nam", "1978", occupation="Bác sĩ"),
    ]
    assert _checked_import(twins).updated == 1
    stored = [(r["person"], r["occupation"]) for r in _content("NS-1")["relatives"]]
    assert stored[0] == (renamed, "Giáo viên")  # the one the page kept comes first
    _compare_in_full()
    report = _import(twins)
    assert (report.updated, report.unchanged) == (0, 1)
    assert [(r["person"], r["occupation"]) for r in _content("NS-1")["relatives"]] == stored
    for person, occupation in stored:
        assert Person.objects.get(public_id=person).occupation == occupation


def test_links_are_proposed_for_new_persons_and_changed_identities(
    tree: Tree, audit_mark: int
) -> None:
    from bvct.people.models import PersonLink

    number = make_citizen_id("027", "M", 1952, 7)
    _import(GOOD)
    other = [
        member("K-1", "Phạm Văn Khoa", "1980"),
        relative("K-1", "Cha đẻ", "Phạm Văn Bình", "1952", citizen_id=number),
        relative("K-1", "Mẹ đẻ", "Đỗ Thị Hoa", "1955", hometown="Xã Tân Sơn, Bắc Ninh"),
    ]
    _import(other, org="t-b")
    assert not PersonLink.objects.exists()  # nobody alike yet
    # DV-1's file now gives the father's citizen ID, and a mother like K-1's: both proposed.
    changed = [list(r) for r in GOOD]
    changed[1][KEYS.index("citizen_id")] = number
    changed.append(relative("DV-1", "Mẹ đẻ", "Đỗ Thị Hoa", "1955", hometown="Xã Tân Sơn, Bắc Ninh"))
    assert _import(changed).updated == 1
    links = {
        (link.reason, frozenset((link.person_a.full_name, link.person_b.full_name)))
        for link in PersonLink.objects.select_related("person_a", "person_b")
    }
    assert links == {
        ("CITIZEN_ID", frozenset({"Nguyễn Văn Bình", "Phạm Văn Bình"})),
        ("NAME_YEAR_HOMETOWN", frozenset({"Đỗ Thị Hoa"})),
    }
    # Not counted in the import's event: its readers may not see the other dossiers.
    assert (
        "links_proposed"
        not in events_since(audit_mark, action=AuditAction.DOSSIER_IMPORT)[-1].after
    )
    # Another occupation changes nothing proposals compare: nothing new is proposed.
    changed[1][KEYS.index("occupation")] = "Làm ruộng"
    assert _import(changed).updated == 1
    assert PersonLink.objects.count() == 2
    with connection.cursor() as cursor:  # (the import's tables, inside the test's transaction)
        cursor.execute("SELECT count(*) FROM import_touched")
        assert cursor.fetchone()[0] == 0  # nobody was looked for


@pytest.mark.parametrize("detail", ["occupation", "political_history"])
def test_namesakes_reordered_on_the_page_keep_their_own_rows(tree: Tree, detail: str) -> None:
    """Rows are matched to the persons whose values they are before any order is used, the
    values the declaration alone holds (a relative's political history) included: a page that
    only reorders two namesakes does not make the same file swap them."""
    from bvct.people.services import declaration_submit

    rows = _twins()
    for row, value in zip(rows[1:], ("Kỹ sư", "Bác sĩ"), strict=True):
        row[KEYS.index("occupation")] = ""
        row[KEYS.index(detail)] = value
    _import(rows)
    dossier = Dossier.objects.get(import_ref="NS-2")
    before = {r["person"]: r[detail] for r in _content("NS-2")["relatives"]}
    content = _content("NS-2")
    content["relatives"] = list(reversed(content["relatives"]))
    declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=1)
    report = _checked_import(rows)
    assert {r["person"]: r[detail] for r in _content("NS-2")["relatives"]} == before
    assert report.updated == 1  # only the order, back to the file's
    if detail == "occupation":  # a person's own column
        people = Person.objects.filter(dossier=dossier, is_subject=False)
        assert {str(p.public_id): p.occupation for p in people} == before


def test_a_namesake_added_on_the_page_does_not_take_the_files_person(tree: Tree) -> None:
    from bvct.people.services import declaration_submit

    rows = _twins()[:2]
    _import(rows)
    dossier = Dossier.objects.get(import_ref="NS-2")
    (imported,) = [r["person"] for r in _content("NS-2")["relatives"]]
    content = _content("NS-2")
    added = dict(content["relatives"][0], person=None, occupation="Thợ mộc")
    content["relatives"] = [added, *content["relatives"]]
    declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=1)
    _checked_import(rows)
    assert [r["person"] for r in _content("NS-2")["relatives"]] == [imported]


def test_a_changed_file_adds_a_version_where_it_changed(tree: Tree) -> None:
    _import(GOOD)
    changed = [list(r) for r in GOOD]
    changed[1][KEYS.index("occupation")] = "Làm ruộng"  # the father's occupation
    report = _import(changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    first = Dossier.objects.get(import_ref="DV-1")
    assert list(Declaration.objects.filter(dossier=first).values_list("number", "status")) == [
        (2, "SUBMITTED"), (1, "SUPERSEDED"),
    ]  # fmt: skip
    assert Person.objects.filter(dossier=first).count() == 3  # the same persons, updated


def test_dossiers_unchanged_since_their_last_import_are_left_alone(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dossier keeps the digest of the rows it was last imported from and the version that
    import left it at: the same rows into the same version are not compared again. Anything
    that changes the dossier raises its version, and the next import compares it fully."""
    from bvct.people.services import dossier_update

    _import(GOOD)
    first = Dossier.objects.get(import_ref="DV-1")
    assert first.imported_version == first.version and len(first.imported_rows_sha256) == 64
    father = Person.objects.get(dossier=first, full_name="Nguyễn Văn Bình")
    # Changed behind the application's back (no version): the same file does not look again.
    Person.objects.filter(pk=father.pk).update(occupation="Sửa ngoài ứng dụng")
    report = _import(GOOD)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    father.refresh_from_db()
    assert father.occupation == "Sửa ngoài ứng dụng"
    # Once the dossier changes (here its posts, on the page), the file is compared again.
    dossier_update(
        actor=SYSTEM, dossier=first, expected_version=first.version, current_posts="Bí thư"
    )
    report = _import(GOOD)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    father.refresh_from_db()
    assert father.occupation == "Hưu trí"
    first.refresh_from_db()
    assert first.current_posts == "Bí thư"  # an empty cell keeps the dossier's posts
    assert first.imported_version == first.version  # compared, nothing to change: caught up
    # Another file's rows for a dossier are compared too: a new relative, one id reserved
    # for it (none for the rows of the dossier left alone).
    added = [*GOOD, relative("DV-2", "con", "Lê Thị Hoa", "2012", sex="Nữ")]
    report = _import(added)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    (new,) = Person.objects.filter(full_name="Lê Thị Hoa")
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM people_person_id_seq")
        assert cursor.fetchone()[0] == new.id
    second = Dossier.objects.get(import_ref="DV-2")
    assert second.imported_version == second.version == 2
    # Once the import writes differently (IMPORT_WRITES raised), every dossier is compared.
    Person.objects.filter(pk=father.pk).update(occupation="Sửa ngoài ứng dụng")
    monkeypatch.setattr(import_write, "IMPORT_WRITES", import_write.IMPORT_WRITES + 1)
    assert _import(added).unchanged == 2
    father.refresh_from_db()
    assert father.occupation == "Hưu trí"


def test_a_load_that_doubles_the_person_table_rebuilds_its_indexes_and_keys(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    from bvct.people.bulk import drop_person_indexes

    def shape() -> tuple[list[str], int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'people_person'")
            indexes = sorted(name for (name,) in cursor.fetchall())
            cursor.execute(
                "SELECT count(*) FROM pg_constraint "
                "WHERE conrelid = 'people_person'::regclass AND contype = 'f'"
            )
            return indexes, cursor.fetchone()[0]

    before = shape()
    dropped: list[list[str]] = []

    def drop() -> list[str]:
        dropped.append(drop_person_indexes())
        assert shape()[1] == 0  # the foreign keys are gone while the rows go in
        return dropped[-1]

    monkeypatch.setattr(import_write, "_doubles_person_table", lambda c, n: True)
    monkeypatch.setattr(import_write, "drop_person_indexes", drop)
    report = _import(GOOD)
    assert len(dropped) == 1 and any("person_name_sorted" in d for d in dropped[0])
    assert report.ok and report.created == 2
    assert shape() == before and before[1] == 2
    assert Person.objects.filter(dossier__import_ref="DV-1", name_norm="nguyen van an").exists()


def test_new_persons_get_distinct_version_7_uuids(tree: Tree) -> None:
    import uuid

    from django.db import connection

    from bvct.people.import_write import _person_uuid_sql

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_person_uuid_sql('x')} FROM generate_series(1, 5000) x")
        made = [value for (value,) in cursor.fetchall()]
    assert len(set(made)) == 5000
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in made)


# --- what a file may and may not change in existing dossiers ---------------------------------


def test_an_imported_declaration_is_stored_as_the_page_would_store_it(tree: Tree) -> None:
    # The import builds the contents in SQL; the page cleans them in Python. The same
    # declaration must come out the same, keys and types, with or without relatives.
    from bvct.people.declarations import clean_content
    from bvct.people.services import relation_generations

    alone = member("DV-3", "Hồ Văn Tâm", "03/1990", occupation="Giáo viên")
    report = _import([*GOOD, alone])
    assert report.ok, report.errors
    for ref, relatives in (("DV-1", 2), ("DV-2", 1), ("DV-3", 0)):
        content = Declaration.objects.get(dossier__import_ref=ref).content
        assert len(content["relatives"]) == relatives
        assert clean_content(content, relation_kinds=relation_generations()) == content
    first = Declaration.objects.get(dossier__import_ref="DV-1").content
    assert first["relatives"][0]["person"] == str(
        Person.objects.get(dossier__import_ref="DV-1", full_name="Nguyễn Văn Bình").public_id
    )
    assert first["identity"]["citizen_id"] == GOOD[0][KEYS.index("citizen_id")]
    assert first["history"] == [] and first["foreign_ties"] == []


def test_a_check_says_what_the_import_would_create(tree: Tree) -> None:
    first = _import(GOOD, dry_run=True)
    assert (first.dossiers, first.new, first.existing) == (2, 2, 0)
    _import(GOOD)
    more = [*GOOD, member("DV-3", "Hà Văn Ba", "1990")]
    again = _import(more, dry_run=True)
    assert (again.dossiers, again.new, again.existing) == (3, 1, 2)
    assert json.loads(imports.report_json(again))["existing"] == 2


def test_units_come_from_the_places_and_an_old_addresss_unit_is_kept(tree: Tree) -> None:
    from bvct.people.services import declaration_submit

    old = "Xã Hoàn Sơn, huyện Tiên Du, tỉnh Bắc Ninh"
    rows = [
        member("U-1", "Đỗ Văn Hạnh", "1970", hometown=old, birthplace="Phường Hoàn Kiếm, Hà Nội"),
        relative("U-1", "con", "Đỗ Thị Lan", "2000", hometown="Xã Tân Sơn, Bắc Ninh"),
    ]
    _import(rows)
    subject = Person.objects.get(dossier__import_ref="U-1", is_subject=True)
    child = Person.objects.get(dossier__import_ref="U-1", is_subject=False)
    assert (subject.birthplace_ward, subject.hometown_ward, child.hometown_ward) == (70, None, 7531)
    identity = _content("U-1")["identity"]
    assert (identity["birthplace_ward"], identity["hometown_ward"]) == (70, None)
    # An officer records today's unit of the old address (a code, through the API's content).
    content = _content("U-1")
    content["identity"]["hometown_ward"] = 7531
    dossier = Dossier.objects.get(import_ref="U-1")
    declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=1)
    # The same file again: the text has not changed, so the unit stays; nothing is new.
    report = _checked_import(rows)
    assert (report.updated, report.unchanged) == (0, 1)
    assert _content("U-1")["identity"]["hometown_ward"] == 7531
    subject.refresh_from_db()
    assert subject.hometown_ward == 7531
    # A new text that names a unit replaces it.
    report = _checked_import([member("U-1", "Đỗ Văn Hạnh", "1970",
                                     hometown="Phường Hoàn Kiếm, Hà Nội",
                                     birthplace="Phường Hoàn Kiếm, Hà Nội"), rows[1]])  # fmt: skip
    assert report.updated == 1 and _content("U-1")["identity"]["hometown_ward"] == 70


def test_an_import_keeps_the_other_names_entered_on_the_page(tree: Tree) -> None:
    from bvct.people.services import declaration_submit

    _import(GOOD)
    content = _content("DV-1")
    content["identity"]["other_names"] = "Ba An"
    dossier = Dossier.objects.get(import_ref="DV-1")
    declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=1)
    report = _checked_import(GOOD)
    assert report.ok and report.unchanged == 2
    assert _content("DV-1")["identity"]["other_names"] == "Ba An"
