"""The data generator: realistic, valid, deterministic, and bulk-loaded."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from bvct.audit.constants import AuditAction
from bvct.demo import generator
from bvct.people.declarations import clean_content
from bvct.people.identity import check_citizen_id
from bvct.people.models import Declaration, Dossier, Person
from bvct.people.search import PersonSearch, person_search
from bvct.people.services import relation_generations
from tests.conftest import events_since

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(audit_mark: int) -> generator.Generated:
    return generator.generate(members=60, seed=11, chunk=25)


def test_members_have_about_ten_relatives(generated: generator.Generated) -> None:
    dossiers = Dossier.objects.filter(declarations__submitted_by_username="generate_data")
    assert dossiers.count() == 60
    persons = Person.objects.filter(dossier__in=dossiers)
    assert persons.filter(is_subject=True).count() == 60
    assert 7 <= persons.count() / 60 <= 13
    assert generated.persons == persons.count()


def test_every_generated_declaration_passes_validation(generated: generator.Generated) -> None:
    kinds = relation_generations()
    for decl in Declaration.objects.filter(submitted_by_username="generate_data"):
        clean_content(decl.content, relation_kinds=kinds)  # raises on any error
        subject = Person.objects.get(dossier=decl.dossier, is_subject=True)
        assert decl.content["identity"]["full_name"] == subject.full_name
        ids = {
            str(p)
            for p in Person.objects.filter(dossier=decl.dossier, is_subject=False).values_list(
                "public_id", flat=True
            )
        }
        assert {r["person"] for r in decl.content["relatives"]} == ids


def test_citizen_ids_are_well_formed_and_unique(generated: generator.Generated) -> None:
    ids = list(Person.objects.exclude(citizen_id=None).values_list("citizen_id", flat=True))
    assert ids and len(ids) == len(set(ids))
    for p in Person.objects.exclude(citizen_id=None).filter(
        dossier__declarations__submitted_by_username="generate_data"
    ):
        check_citizen_id(p.citizen_id or "", birth_year=p.birth_year, sex=p.sex)


def test_names_family_first_with_real_frequencies() -> None:
    home, far = generator._places()
    ctx = generator.Context(
        rng=random.Random(5), home_places=home, far_places=far, relations={}, committees=[],
        root=None, tiers={}, cccd_serials={},  # type: ignore[arg-type]
    )  # fmt: skip
    families = Counter(generator._person_name(ctx, "M").split()[0] for _ in range(4000))
    assert 0.33 < families["Nguyễn"] / 4000 < 0.44
    assert families.most_common(3)[0][0] == "Nguyễn"
    middles = Counter(generator._person_name(ctx, "F").split()[1] for _ in range(2000))
    assert middles.most_common(1)[0][0] == "Thị"


def test_same_seed_same_people() -> None:
    def names(seed: int) -> list[str]:
        home, far = generator._places()
        ctx = generator.Context(
            rng=random.Random(seed), home_places=home, far_places=far, relations={},
            committees=[type("O", (), {"name": "Đảng ủy X"})()], root=None, tiers={},
            cccd_serials={},  # type: ignore[arg-type]
        )  # fmt: skip
        out = []
        for _ in range(30):
            subject, relatives, _extra = generator._member_family(ctx)
            out += [subject.full_name, subject.citizen_id or "", *(r.full_name for r in relatives)]
        return out

    assert names(3) == names(3)
    assert names(3) != names(4)


def test_generated_people_are_searchable_and_audited(
    generated: generator.Generated, audit_mark: int
) -> None:
    (event,) = events_since(audit_mark, action=AuditAction.DATA_GENERATE)
    assert event.after == {"members": 60, "persons": generated.persons, "seed": 11}
    from bvct.orgs.models import Organisation
    from tests.factories import make_user

    board = make_user(
        Organisation.objects.get(code="btc-tu"), "BVCT_OFFICER", clearance="TUYET_MAT"
    )
    subject = Person.objects.filter(
        is_subject=True, dossier__declarations__submitted_by_username="generate_data"
    ).first()
    assert subject is not None
    found = person_search(user=board, search=PersonSearch(query=subject.name_norm, limit=200))
    assert subject.pk in {p.pk for p in found.persons}


def test_a_bulk_load_rebuilds_every_person_index(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import connection

    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'people_person'")
            return {row[0] for row in cursor.fetchall()}

    before = indexes()
    monkeypatch.setattr(generator, "BULK_INDEX_THRESHOLD", 5)
    result = generator.generate(members=8, seed=3)
    assert indexes() == before and len(before) >= 7
    ids = list(Person.objects.order_by("-id").values_list("public_id", flat=True)[: result.persons])
    assert len(set(ids)) == len(ids)


def test_the_planner_knows_the_generated_tables(generated: generator.Generated) -> None:
    # Planned without statistics, a dossier page's link query took seconds on a fresh demo.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)",
            [["people_person", "people_dossier", "people_declaration"]],
        )
        estimates = dict(cursor.fetchall())
    assert estimates["people_person"] >= generated.persons
    assert estimates["people_dossier"] >= generated.members
    assert estimates["people_declaration"] >= generated.members


def test_generated_declarations_have_histories_and_some_foreign_ties(
    generated: generator.Generated,
) -> None:
    contents = [
        d.content for d in Declaration.objects.filter(submitted_by_username="generate_data")
    ]
    assert len(contents) == 60
    assert all(c["history"] for c in contents)  # everybody has worked or studied somewhere
    with_ties = sum(1 for c in contents if c["foreign_ties"])
    assert 0 < with_ties < 60  # some, not all
    relatives = [r for c in contents for r in c["relatives"]]
    assert any(r["political_history"] for r in relatives)
    assert any(r["death"] for r in relatives)


def test_the_generate_data_command(audit_mark: int) -> None:
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("generate_data", "--members", "4", "--seed", "5", stdout=out)
    made = Dossier.objects.filter(declarations__submitted_by_username="generate_data")
    assert made.count() == 4
    persons = Person.objects.filter(dossier__in=made).count()
    assert f"Đã sinh 4 hồ sơ, {persons:,} người" in out.getvalue()
    with pytest.raises(CommandError, match="--members phải từ 1"):
        call_command("generate_data", "--members", "0", stdout=io.StringIO())
