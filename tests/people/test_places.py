"""Declared places and today's administrative units: resolving, checking, keeping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vietnam_provinces import Province, Ward

from bvct.core.gate import SYSTEM
from bvct.core.text import normalize
from bvct.people import services
from bvct.people.declarations import DeclarationInvalid, clean_content
from bvct.people.entry import DeclarationForms
from bvct.people.models import Person
from bvct.people.places import ward_label, ward_of
from tests.factories import Tree
from tests.people.factories import declaration

PROVINCES = {p.code: p.name for p in Province.iter_all()}
WARDS = list(Ward.iter_all())
RELATIONS = {"cha": 1, "me": 1, "con": -1, "vo-chong": 0}


def _namesakes() -> set[tuple[object, str]]:
    seen: dict[tuple[object, str], int] = {}
    for w in WARDS:
        key = (w.province_code, normalize(w.name))
        seen[key] = seen.get(key, 0) + 1
    return {key for key, count in seen.items() if count > 1}


NAMESAKES = _namesakes()
UNIQUE = [w for w in WARDS if (w.province_code, normalize(w.name)) not in NAMESAKES]


def test_every_ward_resolves_from_its_own_name_and_province() -> None:
    unresolved = [
        w.name
        for w in UNIQUE
        if ward_of(f"{w.name}, {PROVINCES[w.province_code]}") != int(w.code.value)
    ]
    assert unresolved == [] and len(UNIQUE) > 3000


def test_namesakes_within_a_province_resolve_to_neither() -> None:
    # Provinces merged in 2025 brought wards of the same name (two "Xã Văn Lăng").
    assert NAMESAKES
    for province, name in NAMESAKES:
        assert ward_of(f"{name}, {PROVINCES[province]}") is None  # type: ignore[index]


@given(st.sampled_from(UNIQUE), st.sampled_from(["", "tỉnh ", "Tỉnh ", "TP. ", "thành phố "]))
def test_spelling_case_and_the_province_words_do_not_matter(ward: Ward, prefix: str) -> None:
    province = PROVINCES[ward.province_code].removeprefix("Thành phố ")
    code = int(ward.code.value)
    assert ward_of(f"{normalize(ward.name).upper()} ,  {prefix}{province}") == code
    assert ward_of(f"{ward.name.split(' ', 1)[1]}, {province}") is None  # without its kind
    assert ward_label(code).startswith(ward.name)


@pytest.mark.parametrize(
    "text",
    [
        "Xã Hoàn Sơn, huyện Tiên Du, tỉnh Bắc Ninh",  # pre-2025: districts are gone
        "Bắc Ninh",
        "Xã Không Có, Bắc Ninh",
        "Phường Hoàn Kiếm, Bắc Ninh",  # a ward of another province
        "Phường Hoàn Kiếm, Tỉnh Mới",
        "",
        # Bare names: as often the old district ("Đống Đa", "Thủ Đức") as today's ward.
        "Đống Đa, Hà Nội",
        "Hoàn Kiếm, Hà Nội",
        "Thủ Đức, TP Hồ Chí Minh",
        "Tân Sơn, Bắc Ninh",
        # "Thị trấn" was abolished in 2025: always an old address.
        "Thị trấn Củ Chi, TP Hồ Chí Minh",
        # The declared kind must be the unit's: this is Phường Nam Sơn today.
        "Xã Nam Sơn, Bắc Ninh",
        "Số 12 đường Trần Phú, Phường Hoàn Kiếm, Hà Nội",
        "Phường 5, Quận 3, TP.HCM",
    ],
)
def test_old_unknown_or_incomplete_places_stay_unresolved(text: str) -> None:
    assert ward_of(text) is None


def test_a_declaration_gets_its_units_from_the_text_and_checks_given_codes() -> None:
    kinds = RELATIONS
    content = clean_content(
        declaration(hometown="Xã Tân Sơn, Bắc Ninh", birthplace="Phường Hoàn Kiếm, Hà Nội"),
        relation_kinds=kinds,
    )
    assert content["identity"]["hometown_ward"] == ward_of("Xã Tân Sơn, Bắc Ninh") is not None
    assert content["identity"]["birthplace_ward"] == 70
    # A code for an old address the text cannot resolve: kept when it is a ward of the list.
    old = "Xã Hoàn Sơn, huyện Tiên Du, tỉnh Bắc Ninh"
    content = clean_content(declaration(hometown=old, hometown_ward="7531"), relation_kinds=kinds)
    assert content["identity"]["hometown_ward"] == 7531
    with pytest.raises(DeclarationInvalid) as bad:
        clean_content(declaration(hometown=old, hometown_ward="99999"), relation_kinds=kinds)
    assert bad.value.errors == [
        ("identity.hometown_ward", "mã đơn vị hành chính “99999” không có trong danh mục năm 2025")
    ]
    with pytest.raises(DeclarationInvalid) as bad:
        clean_content(
            declaration(hometown="Phường Hoàn Kiếm, Hà Nội", hometown_ward="7531"),
            relation_kinds=kinds,
        )
    assert "không khớp nơi đã khai, là Phường Hoàn Kiếm" in bad.value.errors[0][1]


def test_a_place_changed_on_the_page_is_resolved_again(tree: Tree) -> None:
    from django.http import QueryDict

    base = {"identity": {"hometown": "Xã Tân Sơn, Bắc Ninh", "hometown_ward": 7531,
                         "birthplace": "Bệnh viện X", "birthplace_ward": 70}}  # fmt: skip
    data = QueryDict(mutable=True)
    data.update({"identity-full_name": "Vũ Thị Hạnh", "identity-birth": "1982",
                 "identity-hometown": "Phường Hoàn Kiếm, Hà Nội",
                 "identity-birthplace": "Bệnh viện X"})  # fmt: skip
    for prefix in ("relatives", "history", "political_events", "foreign_ties"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    forms = DeclarationForms(data)
    assert forms.is_valid()
    content = forms.content(base)
    assert "hometown_ward" not in content["identity"]  # the text changed: resolved again
    assert content["identity"]["birthplace_ward"] == 70  # unchanged text keeps its unit
    cleaned = clean_content(content, relation_kinds=RELATIONS)
    assert (cleaned["identity"]["hometown_ward"], cleaned["identity"]["birthplace_ward"]) == (
        70,
        70,
    )


def test_persons_carry_their_units(tree: Tree) -> None:
    dossier = services.dossier_create(
        actor=SYSTEM,
        managing_org_code="t-a",
        content=declaration(
            hometown="Xã Tân Sơn, Bắc Ninh",
            relatives=[
                {
                    "relation": "cha",
                    "full_name": "Trần Văn Cả",
                    "birth": "1950",
                    "hometown": "Phường Hoàn Kiếm, Hà Nội",
                }
            ],
        ),
    )
    subject = Person.objects.get(dossier=dossier, is_subject=True)
    father = Person.objects.get(dossier=dossier, is_subject=False)
    assert subject.hometown_ward == 7531 and father.hometown_ward == 70


def test_the_dossier_page_names_todays_unit_of_an_old_address(tree: Tree) -> None:
    from django.test import Client

    from bvct.core.constants import Role
    from tests.factories import make_user

    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    old = "Xã Hoàn Sơn, huyện Tiên Du, tỉnh Bắc Ninh"
    recorded = services.dossier_create(
        actor=SYSTEM,
        managing_org_code="t-a",
        content=declaration(hometown=old, hometown_ward="7531"),
    )
    page = client.get(f"/ho-so/{recorded.public_id}/").content.decode()
    assert f"{old} <small>(đơn vị hiện nay: Xã Tân Sơn, Bắc Ninh)</small>" in page
    named = services.dossier_create(
        actor=SYSTEM,
        managing_org_code="t-a",
        content=declaration("Lê Văn Tám", hometown="xã tân sơn, tỉnh bắc ninh"),
    )
    assert Person.objects.get(dossier=named, is_subject=True).hometown_ward == 7531
    page = client.get(f"/ho-so/{named.public_id}/").content.decode()
    assert "xã tân sơn, tỉnh bắc ninh" in page and "đơn vị hiện nay" not in page


def test_a_stale_unit_under_a_text_that_names_one_never_blocks_the_page(tree: Tree) -> None:
    from django.http import QueryDict

    # E.g. a code stored before a package upgrade renumbered the ward.
    base = {"identity": {"hometown": "Xã Tân Sơn, Bắc Ninh", "hometown_ward": 70}}
    data = QueryDict(mutable=True)
    data.update({"identity-full_name": "Vũ Thị Hạnh", "identity-birth": "1982",
                 "identity-hometown": "Xã Tân Sơn, Bắc Ninh"})  # fmt: skip
    for prefix in ("relatives", "history", "political_events", "foreign_ties"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    forms = DeclarationForms(data)
    assert forms.is_valid()
    cleaned = clean_content(forms.content(base), relation_kinds=RELATIONS)
    assert cleaned["identity"]["hometown_ward"] == 7531
