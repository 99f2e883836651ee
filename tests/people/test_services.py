"""Dossiers and declarations: creation, validation, versions, links, audit."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from bvct.core.gate import SYSTEM
from bvct.people import services
from bvct.people.constants import DeclarationStatus, LinkStatus
from bvct.people.declarations import DeclarationInvalid
from bvct.people.identity import make_citizen_id
from bvct.people.models import Declaration, Dossier, Person, PersonLink
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.people.factories import declaration

pytestmark = pytest.mark.django_db


def test_dossier_create_builds_persons_and_first_declaration(tree: Tree, audit_mark: int) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT")
    dossier = services.dossier_create(
        actor=officer, managing_org_code="t-a", content=declaration(), classification="MAT"
    )
    persons = {p.full_name: p for p in Person.objects.filter(dossier=dossier)}
    assert set(persons) == {
        "Nguyễn Văn Hùng", "Nguyễn Văn Bình", "Trần Thị Lan", "Lê Thị Hoa", "Nguyễn Minh Anh",
    }  # fmt: skip
    subject = persons["Nguyễn Văn Hùng"]
    assert subject.is_subject and (subject.birth_year, subject.birth_month, subject.birth_day) == (
        1975,
        5,
        12,
    )
    assert subject.name_norm == "nguyen van hung" and subject.given_norm == "hung"
    assert persons["Nguyễn Văn Bình"].relation.code == "cha"
    assert persons["Nguyễn Văn Bình"].birth_month is None  # year only
    assert all(
        p.org_path == tree.committee_a.path and p.classification == 1 for p in persons.values()
    )
    (decl,) = Declaration.objects.filter(dossier=dossier)
    assert decl.number == 1 and decl.status == DeclarationStatus.SUBMITTED
    assert all(r["person"] for r in decl.content["relatives"])
    (event,) = events_since(audit_mark, action=AuditAction.DOSSIER_CREATE)
    assert event.subject_public_id == subject.public_id
    assert event.classification == 1 and event.after["relatives"] == 4


@pytest.mark.parametrize(
    ("change", "path", "fragment"),
    [
        ({"citizen_id": "12345"}, "identity.citizen_id", "đúng 12 chữ số"),
        ({"citizen_id": "999075000123"}, "identity.citizen_id", "mã nơi đăng ký 999"),
        (
            {"citizen_id": make_citizen_id("027", "M", 1980, 1)},
            "identity.citizen_id",
            "năm sinh 1980",
        ),
        ({"death": "01/01/1970"}, "identity.death", "trước ngày sinh"),
        ({"birth": "31/02/1975"}, "identity.birth", "ngày 31 không có trong tháng 2/1975"),
        ({"birth": ""}, "identity.birth", "cần ngày sinh"),
        ({"full_name": "  "}, "identity.full_name", "không được để trống"),
        ({"sex": "X"}, "identity.sex", "giới tính"),
    ],
)
def test_bad_identity_is_refused_with_its_path(
    tree: Tree, audit_mark: int, change: dict[str, str], path: str, fragment: str
) -> None:
    content = declaration()
    content["identity"].update(change)
    before = Dossier.objects.count()
    with pytest.raises(DeclarationInvalid) as err:
        services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=content)
    assert any(p == path and fragment in m for p, m in err.value.errors), err.value.errors
    assert Dossier.objects.count() == before
    assert events_since(audit_mark) == []


def test_every_relative_error_is_reported_at_once(tree: Tree) -> None:
    content = declaration(
        relatives=[
            {"relation": "cha", "full_name": "Nguyễn Văn Bình", "birth": "1990"},
            {"relation": "con", "full_name": "Nguyễn Văn C", "birth": "1960"},
            {"relation": "chu", "full_name": "Nguyễn Văn D", "birth": "1950"},
            {"relation": "me", "full_name": "Trần Thị E", "birth": "1950", "death": "1940"},
        ]
    )
    with pytest.raises(DeclarationInvalid) as err:
        services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=content)
    messages = " | ".join(f"{p}: {m}" for p, m in err.value.errors)
    assert (
        "relatives[1] (Nguyễn Văn Bình).birth" in messages
        and "bậc trên phải sinh trước" in messages
    )
    assert "relatives[2] (Nguyễn Văn C).birth" in messages and "con phải sinh sau" in messages
    assert "quan hệ “chu” không có trong danh mục" in messages
    assert "relatives[4] (Trần Thị E).death" in messages


@pytest.mark.parametrize(
    ("identity", "relative", "path", "message"),
    [
        ({"death": "2090"}, {}, "identity.death", "ngày mất (2090) ở tương lai"),
        ({}, {"death": "12/2099"}, "relatives[1] (Nguyễn Văn Bình).death",
         "ngày mất (12/2099) ở tương lai"),
        ({}, {"relation": "con", "birth": "2095"}, "relatives[1] (Nguyễn Văn Bình).birth",
         "ngày sinh (2095) ở tương lai"),
        # A father born the same day, or the same year, as the person is not born before.
        ({}, {"birth": "12/05/1975"}, "relatives[1] (Nguyễn Văn Bình).birth",
         "sinh 12/05/1975, không trước người khai (12/05/1975): bậc trên phải sinh trước"),
        ({}, {"birth": "1975"}, "relatives[1] (Nguyễn Văn Bình).birth",
         "sinh 1975, không trước người khai (12/05/1975): bậc trên phải sinh trước"),
    ],
)  # fmt: skip
def test_dates_that_cannot_be_are_refused(
    tree: Tree, identity: dict[str, str], relative: dict[str, str], path: str, message: str
) -> None:
    father = {"relation": "cha", "full_name": "Nguyễn Văn Bình", "birth": "1948", **relative}
    content = declaration(birth="12/05/1975", relatives=[father], **identity)
    with pytest.raises(DeclarationInvalid) as err:
        services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=content)
    assert err.value.errors == [(path, message)]


def test_officer_outside_scope_or_clearance_cannot_create(tree: Tree) -> None:
    other = make_user(tree.committee_b, Role.BVCT_OFFICER, clearance="TUYET_MAT")
    low = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="NONE")
    agent = make_user(tree.agency, Role.AGENCY_OFFICER, clearance="TUYET_MAT")
    for actor, level, refusal in (
        (other, "NONE", ValidationFailed),  # a code one cannot see is a code nobody has
        (low, "MAT", PermissionDeniedError),
        (agent, "NONE", ValidationFailed),
    ):
        with pytest.raises(refusal):
            services.dossier_create(
                actor=actor, managing_org_code="t-a", content=declaration(), classification=level
            )
    assert not Person.objects.filter(
        full_name="Nguyễn Văn Hùng", org_path=tree.committee_a.path
    ).exists()


def _new_version(dossier: Dossier, **changes: object) -> dict[str, object]:
    current = Declaration.objects.get(dossier=dossier, status=DeclarationStatus.SUBMITTED).content
    content = {
        **current,
        "identity": {**current["identity"]},
        "relatives": [dict(r) for r in current["relatives"]],
    }
    for key, value in changes.items():
        content[key] = value
    return content


def test_new_version_supersedes_and_records_the_differences(tree: Tree, audit_mark: int) -> None:
    dossier = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    content = _new_version(dossier)
    content["identity"]["residence"] = "phường Kinh Bắc, tỉnh Bắc Ninh"
    spouse = next(r for r in content["relatives"] if r["relation"] == "vo-chong")
    content["relatives"].remove(spouse)
    content["relatives"].append(
        {"relation": "con", "full_name": "Nguyễn Minh Khang", "birth": "2010", "sex": "Nam"}
    )
    new = services.declaration_submit(
        actor=SYSTEM, dossier=dossier, content=content, expected_number=1
    )
    assert new.number == 2
    statuses = dict(Declaration.objects.filter(dossier=dossier).values_list("number", "status"))
    assert statuses == {1: DeclarationStatus.SUPERSEDED, 2: DeclarationStatus.SUBMITTED}
    assert Person.objects.get(dossier=dossier, full_name="Lê Thị Hoa").declared is False
    assert Person.objects.get(dossier=dossier, full_name="Nguyễn Minh Khang").declared is True
    (event,) = events_since(audit_mark, action=AuditAction.DECLARATION_SUBMIT)
    kinds = {(c["section"], c["kind"], c["subject"], c["field"]) for c in event.after["changes"]}
    assert ("identity", "changed", "", "residence") in kinds
    assert ("relatives", "removed", "Lê Thị Hoa", "") in kinds
    assert ("relatives", "added", "Nguyễn Minh Khang", "") in kinds


def test_a_stale_version_is_refused(tree: Tree) -> None:
    dossier = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    edited = _new_version(dossier, history=[{"from": "2000", "to": "2004", "text": "Học"}])
    services.declaration_submit(actor=SYSTEM, dossier=dossier, content=edited, expected_number=1)
    with pytest.raises(ConflictError, match="bản khai số 2"):
        services.declaration_submit(
            actor=SYSTEM, dossier=dossier, content=_new_version(dossier), expected_number=1
        )
    assert Declaration.objects.filter(dossier=dossier).count() == 2


def test_the_same_content_again_is_no_new_version(tree: Tree, audit_mark: int) -> None:
    dossier = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    with pytest.raises(ValidationFailed, match="không khác bản số 1: không có gì để nộp"):
        services.declaration_submit(
            actor=SYSTEM, dossier=dossier, content=_new_version(dossier), expected_number=1
        )
    assert Declaration.objects.get(dossier=dossier).status == DeclarationStatus.SUBMITTED
    assert Dossier.objects.get(pk=dossier.pk).version == dossier.version
    assert events_since(audit_mark, action=AuditAction.DECLARATION_SUBMIT) == []
    # A new order of the same relatives is a version (the page shows that order).
    two = declaration(relatives=[
        {"relation": "cha", "full_name": "Nguyễn Văn Bình", "birth": "1948"},
        {"relation": "me", "full_name": "Trần Thị Lan", "birth": "1950"},
    ])  # fmt: skip
    other = services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a", content=two, confirm_not_duplicate=True
    )
    content = _new_version(other)
    content["relatives"] = content["relatives"][::-1]
    services.declaration_submit(actor=SYSTEM, dossier=other, content=content, expected_number=1)
    assert Declaration.objects.filter(dossier=other).count() == 2


def test_submitted_declarations_never_change(tree: Tree) -> None:
    dossier = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    first = Declaration.objects.get(dossier=dossier)
    with pytest.raises(DatabaseError, match="never changes"), transaction.atomic():
        Declaration.objects.filter(pk=first.pk).update(content={"identity": {}})
    with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic():
        Declaration.objects.filter(pk=first.pk).delete()


def test_same_relative_in_two_dossiers_is_only_proposed(tree: Tree) -> None:
    father = make_citizen_id("027", "M", 1948, 4242)
    rel = [
        {
            "relation": "cha",
            "full_name": "Nguyễn Văn Bình",
            "birth": "1948",
            "sex": "Nam",
            "citizen_id": father,
        }
    ]
    services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a", content=declaration(relatives=rel)
    )
    services.dossier_create(
        actor=SYSTEM,
        managing_org_code="t-b",
        content=declaration("Nguyễn Văn Hải", "1978", relatives=rel),
    )
    (link,) = PersonLink.objects.filter(person_a__citizen_id=father)
    assert link.status == LinkStatus.PROPOSED and link.reason == "CITIZEN_ID"


def test_name_matches_are_capped_and_skip_different_citizen_ids(tree: Tree) -> None:
    from bvct.people.proposals import MAX_NAME_PROPOSALS

    father = {"relation": "cha", "full_name": "Nguyễn Văn Bình", "birth": "1950", "sex": "Nam",
              "hometown": "xã Tiên Du"}  # fmt: skip
    for i in range(MAX_NAME_PROPOSALS + 3):
        services.dossier_create(
            actor=SYSTEM, managing_org_code="t-a",
            content=declaration(f"Nguyễn Văn Con{i}", "1978", relatives=[father]),
        )  # fmt: skip
    last = Person.objects.filter(full_name="Nguyễn Văn Bình").order_by("-id").first()
    assert last is not None
    proposed = PersonLink.objects.filter(person_b=last).count()
    assert proposed == MAX_NAME_PROPOSALS
    other = {**father, "citizen_id": make_citizen_id("027", "M", 1950, 1)}
    mine = {**father, "citizen_id": make_citizen_id("027", "M", 1950, 2)}
    services.dossier_create(
        actor=SYSTEM, managing_org_code="t-b", content=declaration("A B", "1979", relatives=[other])
    )
    services.dossier_create(
        actor=SYSTEM, managing_org_code="t-b", content=declaration("C D", "1979", relatives=[mine])
    )
    newest = Person.objects.filter(citizen_id=mine["citizen_id"]).get()
    partners = PersonLink.objects.filter(person_b=newest).values_list(
        "person_a__citizen_id", flat=True
    )
    assert other["citizen_id"] not in list(partners)  # different CCCD: not the same person


def test_diff_keeps_undated_periods_apart() -> None:
    from bvct.people.diff import declaration_diff

    old = {
        "identity": {},
        "relatives": [],
        "history": [{"from": "", "to": "", "text": "A"}, {"from": "", "to": "", "text": "B"}],
    }
    new = {"identity": {}, "relatives": [], "history": [
        {"from": "", "to": "", "text": "A"}, {"from": "", "to": "", "text": "C"}]}  # fmt: skip
    changes = declaration_diff(old, new)
    assert [(c.kind, c.field, c.before, c.after) for c in changes] == [
        ("changed", "text", "B", "C")
    ]


def test_a_relative_removed_then_entered_again_is_the_same_record(tree: Tree) -> None:
    dossier = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    spouse = Person.objects.get(dossier=dossier, full_name="Lê Thị Hoa")
    without = _new_version(dossier)
    without["relatives"] = [r for r in without["relatives"] if r["full_name"] != "Lê Thị Hoa"]
    services.declaration_submit(actor=SYSTEM, dossier=dossier, content=without, expected_number=1)
    again = _new_version(dossier)
    again["relatives"].append({"relation": "vo-chong", "full_name": "Lê Thị Hoa", "birth": "1978"})
    services.declaration_submit(actor=SYSTEM, dossier=dossier, content=again, expected_number=2)
    assert Person.objects.filter(dossier=dossier, full_name="Lê Thị Hoa").count() == 1
    spouse.refresh_from_db()
    assert spouse.declared is True


def test_a_new_version_without_record_ids_keeps_each_relatives_record(tree: Tree) -> None:
    """An API client sends a whole new declaration without the relatives' record ids: each
    relative is matched to its record (relation, name, birth year), one to one, instead of
    being copied into a new person (which would lose its links and propose them again)."""
    twins = [
        {"relation": "con", "full_name": "Nguyễn Thị Mai", "birth": "2008", "sex": "Nữ"},
        {"relation": "con", "full_name": "Nguyễn Thị Mai", "birth": "2008", "sex": "Nữ"},
    ]
    father = {"relation": "cha", "full_name": "Nguyễn Văn Bình", "birth": "1948", "sex": "Nam"}
    dossier = services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a", content=declaration(relatives=[father, *twins])
    )
    before = sorted(Person.objects.filter(dossier=dossier).values_list("pk", flat=True))
    retyped = declaration(
        relatives=[{**twins[0], "occupation": "Học sinh"}, dict(twins[1]),
                   {**father, "birth": "03/1948"}],
        residence="Hà Nội",
    )  # fmt: skip
    services.declaration_submit(actor=SYSTEM, dossier=dossier, content=retyped, expected_number=1)
    assert sorted(Person.objects.filter(dossier=dossier).values_list("pk", flat=True)) == before
    assert Person.objects.filter(dossier=dossier, declared=False).count() == 0
    father_record = Person.objects.get(dossier=dossier, full_name="Nguyễn Văn Bình")
    assert (father_record.birth_year, father_record.birth_month) == (1948, 3)
    # One twin fewer: one record retires, the other stays.
    services.declaration_submit(
        actor=SYSTEM, dossier=dossier, expected_number=2,
        content=declaration(relatives=[dict(twins[0]), dict(father)]),
    )  # fmt: skip
    marys = Person.objects.filter(dossier=dossier, full_name="Nguyễn Thị Mai")
    assert sorted(marys.values_list("declared", flat=True)) == [False, True]


def test_the_comparison_lists_events_no_longer_declared_and_corrected_dates(tree: Tree) -> None:
    from bvct.people.diff import declaration_diff

    arrest = {"kind": "ARREST", "from": "1970", "to": "1972", "text": "Bị giam ở Hỏa Lò"}
    joined = {"kind": "ORGANISATION", "from": "1965", "to": "1968", "text": "Hội Phật giáo"}
    trip = {"kind": "TRIP", "from": "03/2015", "to": "04/2015", "country": "Nhật Bản",
            "text": "Tham quan"}  # fmt: skip
    content = declaration(relatives=[])
    content.update(political_events=[arrest, joined], foreign_ties=[trip])
    dossier = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=content)
    later = _new_version(dossier, political_events=[{**arrest, "from": "1971"}], foreign_ties=[])
    services.declaration_submit(actor=SYSTEM, dossier=dossier, content=later, expected_number=1)
    first, second = Declaration.objects.filter(dossier=dossier).order_by("number")
    changes = {
        (c.section, c.kind, c.subject, c.field)
        for c in declaration_diff(first.content, second.content)
    }
    assert changes == {
        ("political_events", "changed", "1971 – 1972", "from"),  # the same arrest, redated
        ("political_events", "removed", "1965 – 1968", ""),  # no longer declared
        ("foreign_ties", "removed", "03/2015 – 04/2015", ""),
    }


def test_redated_entries_pair_with_the_one_that_keeps_a_date_and_nothing_else_differs() -> None:
    from bvct.people.diff import declaration_diff

    def arrest(start: str, end: str, text: str = "Bị bắt") -> dict[str, str]:
        return {"kind": "ARREST", "from": start, "to": end, "text": text}

    def trip(year: str, country: str) -> dict[str, str]:
        return {"kind": "TRIP", "from": year, "to": year, "country": country,
                "text": "Tham quan"}  # fmt: skip

    old = {"political_events": [arrest("1975", "1976"), arrest("1970", "1972")],
           "foreign_ties": [trip("2015", "Nhật Bản")]}  # fmt: skip
    new = {"political_events": [arrest("1970", "1973")],
           "foreign_ties": [trip("2016", "Hàn Quốc")]}  # fmt: skip
    changes = [(c.section, c.kind, c.subject, c.field, c.before, c.after)
               for c in declaration_diff(old, new)]  # fmt: skip
    assert sorted(changes, key=str) == sorted(
        [
            ("political_events", "changed", "1970 – 1973", "to", "1972", "1973"),
            ("political_events", "removed", "1975 – 1976", "", arrest("1975", "1976"), None),
            # another trip (another country), not the same one redated
            ("foreign_ties", "removed", "2015 – 2015", "", trip("2015", "Nhật Bản"), None),
            ("foreign_ties", "added", "2016 – 2016", "", None, trip("2016", "Hàn Quốc")),
        ],
        key=str,
    )
    # Two alike entries of the same dates: the first redated is one change, the other stays.
    same = [arrest("1970", "1972", "Bị giam"), arrest("1970", "1972", "Bị giam")]
    moved = [arrest("1969", "1972", "Bị giam"), arrest("1970", "1972", "Bị giam")]
    diff = declaration_diff({"political_events": same}, {"political_events": moved})
    assert [(c.kind, c.field, c.before, c.after) for c in diff] == [
        ("changed", "from", "1970", "1969")
    ]


def test_an_entry_without_record_id_never_takes_a_record_claimed_later_or_a_retired_first(
    tree: Tree,
) -> None:
    aunt = {"relation": "anh-chi-em", "full_name": "Nguyễn Thị Lệ", "birth": "", "sex": "Nữ"}
    dossier = services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a", content=declaration(relatives=[aunt, dict(aunt)])
    )
    first, second = Person.objects.filter(dossier=dossier, full_name="Nguyễn Thị Lệ").order_by("pk")
    # Version 2 declares one of them only (the second record): the first retires.
    content = declaration(relatives=[{**aunt, "person": str(second.public_id)}])
    services.declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=1)
    first.refresh_from_db()
    assert first.declared is False
    # Version 3: one entry without an id, then the second record named explicitly later in the
    # list. The entry without id must not take the second record (claimed by the later entry),
    # and takes the retired first one back rather than making a third.
    content = declaration(relatives=[dict(aunt), {**aunt, "person": str(second.public_id)}])
    services.declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=2)
    records = Person.objects.filter(dossier=dossier, full_name="Nguyễn Thị Lệ")
    assert sorted(records.values_list("pk", "declared")) == [(first.pk, True), (second.pk, True)]


def test_an_empty_date_is_not_a_date_kept_when_pairing_redated_entries() -> None:
    from bvct.people.diff import declaration_diff

    def stay(start: str, end: str) -> dict[str, str]:
        return {"kind": "STAY", "from": start, "to": end, "country": "Đức", "text": "Lao động"}

    diff = declaration_diff(
        {"foreign_ties": [stay("2010", "")]},
        {"foreign_ties": [stay("2012", ""), stay("2010", "2015")]},
    )
    # The stay from 2010 got its end date; the one from 2012 is new.
    assert sorted((c.kind, c.subject, c.field) for c in diff) == [
        ("added", "2012", ""),
        ("changed", "2010 – 2015", "to"),
    ]


def _three_dossiers_declaring_one_father(
    orgs: tuple[str, str, str] = ("t-a", "t-a", "t-a"),
    numbers: tuple[str | None, ...] | None = None,
) -> tuple[dict[str, PersonLink], list[Dossier]]:
    """Three members declaring the same father, in ``orgs``, with ``numbers`` as his citizen
    ID in each (default: the same, the same, none); the links proposed between the three."""
    from tests.people.factories import FATHER_ID, father

    same = {**father(), "hometown": "xã Tiên Du, tỉnh Bắc Ninh"}
    numbers = numbers or (FATHER_ID, FATHER_ID, None)
    dossiers = [
        services.dossier_create(
            actor=SYSTEM,
            managing_org_code=org,
            content=declaration(name, birth, relatives=[{**same, "citizen_id": number}]),
        )
        for org, number, (name, birth) in zip(
            orgs,
            numbers,
            (("Nguyễn Văn Hùng", "1975"), ("Nguyễn Văn Hải", "1977"), ("Nguyễn Văn Hà", "1979")),
            strict=True,
        )
    ]
    fathers = [Person.objects.get(dossier=d, is_subject=False) for d in dossiers]

    links = {}
    for x, y in ((0, 1), (0, 2), (1, 2)):  # those proposed (none between two citizen IDs)
        a, b = sorted([fathers[x].pk, fathers[y].pk])
        found = PersonLink.objects.filter(person_a_id=a, person_b_id=b).first()
        if found is not None:
            links[f"{x + 1}{y + 1}"] = found
    return links, dossiers


def test_link_decisions_never_contradict_each_other(tree: Tree) -> None:
    links, _ = _three_dossiers_declaring_one_father()
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    services.person_link_decide(actor=officer, link=links["12"], confirm=True)
    services.person_link_decide(actor=officer, link=links["13"], confirm=True)
    # 2 and 3 are one human through 1: they cannot be said to be two.
    with pytest.raises(ConflictError, match="đã được xác nhận là một người qua liên kết khác"):
        services.person_link_decide(actor=officer, link=links["23"], confirm=False)
    assert PersonLink.objects.get(pk=links["23"].pk).status == LinkStatus.PROPOSED
    services.person_link_decide(actor=officer, link=links["23"], confirm=True)


def test_a_link_is_not_confirmed_across_a_rejection(tree: Tree) -> None:
    links, _ = _three_dossiers_declaring_one_father()
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    services.person_link_decide(actor=officer, link=links["12"], confirm=True)
    services.person_link_decide(actor=officer, link=links["23"], confirm=False)
    # 1 is 2, 2 is not 3: 1 cannot be 3.
    with pytest.raises(ConflictError, match="là hai người khác nhau"):
        services.person_link_decide(actor=officer, link=links["13"], confirm=True)
    services.person_link_decide(actor=officer, link=links["13"], confirm=False)
    assert PersonLink.objects.get(pk=links["13"].pk).status == LinkStatus.REJECTED


def test_a_link_whose_citizen_ids_now_differ_cannot_be_confirmed(tree: Tree) -> None:
    links, dossiers = _three_dossiers_declaring_one_father()
    second = Dossier.objects.get(pk=dossiers[1].pk)
    content = Declaration.objects.get(dossier=second, status="SUBMITTED").content
    other_id = make_citizen_id("001", "M", 1948, 12345)
    content["relatives"][0]["citizen_id"] = other_id
    services.declaration_submit(actor=SYSTEM, dossier=second, content=content, expected_number=1)
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    with pytest.raises(ConflictError, match=f"Số CCCD khác nhau \\(.*{other_id}"):
        services.person_link_decide(actor=officer, link=links["12"], confirm=True)
    rejected = services.person_link_decide(actor=officer, link=links["12"], confirm=False)
    assert rejected.status == LinkStatus.REJECTED


def test_one_citizen_id_twice_in_a_declaration_is_refused(tree: Tree) -> None:
    number = make_citizen_id("027", "M", 1975, 4321)
    twin = {"relation": "anh-chi-em", "full_name": "Nguyễn Văn Hưng", "birth": "1975",
            "sex": "Nam", "citizen_id": number}  # fmt: skip
    content = declaration(birth="12/05/1975", citizen_id=number, relatives=[twin, dict(twin)])
    with pytest.raises(DeclarationInvalid) as err:
        services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=content)
    assert err.value.errors == [
        ("relatives[1] (Nguyễn Văn Hưng).citizen_id", f"số CCCD {number} trùng với người khai"),
        ("relatives[2] (Nguyễn Văn Hưng).citizen_id", f"số CCCD {number} trùng với người khai"),
    ]
    content = declaration(birth="12/05/1975", relatives=[twin, {**twin, "full_name": "Lê B"}])
    with pytest.raises(DeclarationInvalid) as err:
        services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=content)
    assert err.value.errors == [
        ("relatives[2] (Lê B).citizen_id", f"số CCCD {number} trùng với Nguyễn Văn Hưng")
    ]


def test_link_decisions_are_checked_only_against_what_the_decider_sees(tree: Tree) -> None:
    # A refusal citing a chain through a record the decider may not see would tell it exists.
    links, _ = _three_dossiers_declaring_one_father(orgs=("t-a", "t-a", "t-b"))
    board = make_user(tree.board, Role.BVCT_OFFICER)
    services.person_link_decide(actor=board, link=links["13"], confirm=True)
    services.person_link_decide(actor=board, link=links["23"], confirm=True)
    commune = make_user(tree.committee_a, Role.BVCT_OFFICER)
    rejected = services.person_link_decide(actor=commune, link=links["12"], confirm=False)
    assert rejected.status == LinkStatus.REJECTED  # the chain through t-b is not theirs to see


def test_two_citizen_ids_are_never_one_human_even_through_a_record_without_one(
    tree: Tree,
) -> None:
    from tests.people.factories import FATHER_ID

    other_id = make_citizen_id("001", "M", 1948, 12345)
    links, _ = _three_dossiers_declaring_one_father(numbers=(FATHER_ID, None, other_id))
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    services.person_link_decide(actor=officer, link=links["12"], confirm=True)
    with pytest.raises(ConflictError, match="Số CCCD khác nhau"):
        services.person_link_decide(actor=officer, link=links["23"], confirm=True)
