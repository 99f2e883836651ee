"""The dossier pages' form posts through the permission matrix: the edit of a dossier, a new
declaration version, a new dossier, a link decision and an import. Only the allowed officer
changes anything; a hidden dossier answers exactly like a missing one."""

from __future__ import annotations

import io
from typing import Any

import pytest

from bvct.core.gate import SYSTEM
from bvct.people import services
from bvct.people.imports import COLUMNS
from bvct.people.models import Declaration, Dossier, PersonLink
from tests.factories import Tree
from tests.people.factories import FATHER_ID, declaration, father, formset, officers
from tests.permission_matrix import Expect, assert_permission_matrix

pytestmark = pytest.mark.django_db
MISSING = "00000000-0000-4000-8000-000000000000"
# Refused by every persona but the allowed one: the login redirect, or not found.
REFUSED = Expect(allowed=302)


@pytest.fixture
def secret(tree: Tree) -> Dossier:
    """Tối mật: the officer short of clearance (Mật) does not see it."""
    return services.dossier_create(
        actor=SYSTEM,
        managing_org_code="t-a",
        classification="TOI_MAT",
        content=declaration(relatives=[father()]),
    )


def _declaration_form(name: str, **extra: str) -> dict[str, str]:
    return {
        "identity-full_name": name,
        "identity-sex": "M",
        "identity-birth": "12/05/1975",
        "identity-hometown": "xã Tiên Du, tỉnh Bắc Ninh",
        **formset("relatives", []),
        **formset("history", []),
        **formset("political_events", []),
        **formset("foreign_ties", []),
        **extra,
    }


def _dossier_state(dossier: Dossier) -> tuple[Any, ...]:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (fresh.classification, fresh.current_posts, fresh.version, fresh.declaration_count)


def test_editing_a_dossier(tree: Tree, secret: Dossier) -> None:
    responses = assert_permission_matrix(
        f"/ho-so/{secret.public_id}/sua/",
        officers(tree),
        REFUSED,
        method="post",
        form=True,
        data={"classification": "TOI_MAT", "current_posts": "Bí thư", "version": secret.version},
        state=lambda: _dossier_state(secret),
        missing_url=f"/ho-so/{MISSING}/sua/",
    )
    assert responses["allowed"]["Location"].startswith(f"/ho-so/{secret.public_id}/")
    assert _dossier_state(secret)[1:3] == ("Bí thư", secret.version + 1)


def test_a_new_declaration_version(tree: Tree, secret: Dossier) -> None:
    responses = assert_permission_matrix(
        f"/ho-so/{secret.public_id}/khai-moi/",
        officers(tree),
        REFUSED,
        method="post",
        form=True,
        data=_declaration_form("Nguyễn Văn Hùng", expected_number="1"),
        state=lambda: _dossier_state(secret),
        missing_url=f"/ho-so/{MISSING}/khai-moi/",
    )
    assert responses["allowed"]["Location"].startswith(f"/ho-so/{secret.public_id}/")
    assert Declaration.objects.get(dossier=secret, status="SUBMITTED").number == 2


def test_a_new_dossier(tree: Tree) -> None:
    # The officer of another commune and the one short of clearance get the form back with
    # its error (the organisation, the level are not theirs to choose); nothing is created.
    form = _declaration_form(
        "Vũ Thị Hạnh", **{"dossier-managing_org": "t-a", "dossier-classification": "TOI_MAT"}
    )
    responses = assert_permission_matrix(
        "/ho-so/lap-moi/",
        officers(tree),
        Expect(other_scope=200, insufficient_clearance=200, allowed=302),
        method="post",
        form=True,
        data=form,
        state=lambda: Dossier.objects.count(),
    )
    assert "Vũ Thị Hạnh" in responses["other_scope"].content.decode()  # what was typed is kept
    created = Dossier.objects.get(persons__full_name="Vũ Thị Hạnh")
    assert responses["allowed"]["Location"] == f"/ho-so/{created.public_id}/"
    assert (created.managing_org.code, created.classification) == ("t-a", 2)


def test_deciding_a_link(tree: Tree, secret: Dossier) -> None:
    services.dossier_create(
        actor=SYSTEM,
        managing_org_code="t-a",
        content=declaration("Nguyễn Văn Hải", "1979", relatives=[father()]),
    )
    link = PersonLink.objects.get(person_a__citizen_id=FATHER_ID)
    assert_permission_matrix(
        f"/ho-so/lien-ket/{link.public_id}/",
        officers(tree),
        REFUSED,
        method="post",
        form=True,
        data={"decision": "confirm"},
        state=lambda: PersonLink.objects.get(pk=link.pk).status,
        missing_url=f"/ho-so/lien-ket/{MISSING}/",
    )
    assert PersonLink.objects.get(pk=link.pk).status == "CONFIRMED"


def test_an_import(tree: Tree) -> None:
    # A Tối mật member for commune A: the other commune's officer may not choose A, the one
    # short of clearance gets the row refused; both see the page again, nothing written.
    titles = [title for title, _, _, _ in COLUMNS]
    row = {"Mã hồ sơ": "DV-9", "Quan hệ": "Bản thân", "Họ và tên": "Đinh Văn Lâm",
           "Giới tính": "Nam", "Ngày sinh": "1970", "Mức mật": "Tối mật"}  # fmt: skip
    text = ",".join(titles) + "\n" + ",".join(row.get(t, "") for t in titles) + "\n"

    def upload() -> dict[str, Any]:
        file = io.BytesIO(text.encode())
        file.name = "ho-so.csv"
        return {"org": "t-a", "file": file, "mode": "import"}

    responses = assert_permission_matrix(
        "/ho-so/nhap/",
        officers(tree),
        Expect(other_scope=200, insufficient_clearance=200),
        method="post",
        form=True,
        data=upload,
        state=lambda: Dossier.objects.count(),
    )
    assert (
        "mức mật cao hơn mức bạn được tiếp cận"
        in responses["insufficient_clearance"].content.decode()
    )
    assert Dossier.objects.get(import_ref="DV-9").classification == 2


def test_a_form_post_without_its_csrf_token_is_refused(tree: Tree, secret: Dossier) -> None:
    # The matrix above posts with a valid token; without one, even the allowed officer's post
    # is refused and nothing changes (no view of these is exempt from the check).
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officers(tree).allowed)
    before = _dossier_state(secret)
    data = {"classification": "TOI_MAT", "current_posts": "Bí thư", "version": secret.version}
    for url, body in (
        (f"/ho-so/{secret.public_id}/sua/", data),
        (f"/ho-so/{secret.public_id}/khai-moi/", _declaration_form("X", expected_number="1")),
        ("/ho-so/lap-moi/", _declaration_form("Y")),
    ):
        assert client.post(url, body).status_code == 403, url
    assert _dossier_state(secret) == before and Dossier.objects.count() == 1
