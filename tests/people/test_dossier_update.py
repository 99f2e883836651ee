"""The dossier's own fields (classification, current posts): edited against the version seen,
within the officer's clearance, audited, and kept as the dossier's history."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.test import Client

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from bvct.core.gate import SYSTEM
from bvct.people import services
from bvct.people.models import Dossier, DossierChange, Person
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.people.factories import declaration
from tests.permission_matrix import Expect, assert_permission_matrix, make_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(tree: Tree) -> Dossier:
    return services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a", content=declaration(), current_posts="Phó Bí thư"
    )


def _state(dossier: Dossier) -> tuple[int, int, str, int]:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (
        fresh.version,
        fresh.classification,
        fresh.current_posts,
        DossierChange.objects.filter(dossier=dossier).count(),
    )


def test_an_officer_raises_the_classification_and_changes_the_posts(
    tree: Tree, dossier: Dossier, audit_mark: int
) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TOI_MAT")
    updated = services.dossier_update(
        actor=officer, dossier=dossier, expected_version=dossier.version,
        classification="TOI_MAT", current_posts="  Bí thư Đảng ủy xã  ",
    )  # fmt: skip
    assert (updated.version, updated.classification) == (dossier.version + 1, 2)
    assert updated.current_posts == "Bí thư Đảng ủy xã"
    # Every person of the dossier now carries the new classification (the gate reads it).
    assert set(Person.objects.filter(dossier=dossier).values_list("classification", flat=True)) == {
        2
    }
    (change,) = DossierChange.objects.filter(dossier=dossier)
    assert (change.via, change.actor_username) == ("page", officer.username)
    assert change.before == {"classification": "NONE", "current_posts": "Phó Bí thư"}
    assert change.after == {"classification": "TOI_MAT", "current_posts": "Bí thư Đảng ủy xã"}
    (event,) = events_since(audit_mark, action=AuditAction.DOSSIER_UPDATE)
    assert event.before == change.before and event.after == change.after
    assert event.classification == 2 and event.object_public_id == str(dossier.public_id)
    # A reader cleared only to Mật no longer finds it.
    low = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT")
    assert not Dossier.objects.visible_to(low).filter(pk=dossier.pk).exists()


def test_a_stale_edit_is_refused_and_a_no_op_writes_nothing(
    tree: Tree, dossier: Dossier, audit_mark: int
) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    seen = dossier.version
    services.declaration_submit(
        actor=SYSTEM, dossier=dossier, content=declaration(residence="Hà Nội"), expected_number=1
    )
    before = _state(dossier)
    with pytest.raises(ConflictError, match="vừa được người khác sửa"):
        services.dossier_update(
            actor=officer, dossier=dossier, expected_version=seen, current_posts="Bí thư"
        )
    assert _state(dossier) == before
    current = Dossier.objects.get(pk=dossier.pk)
    same = services.dossier_update(
        actor=officer, dossier=current, expected_version=current.version,
        classification="NONE", current_posts="Phó Bí thư",
    )  # fmt: skip
    assert same.version == current.version and _state(dossier) == before
    assert events_since(audit_mark, action=AuditAction.DOSSIER_UPDATE) == []


def test_no_classification_above_the_officers_own_and_no_unknown_level(
    tree: Tree, dossier: Dossier
) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT")
    before = _state(dossier)
    with pytest.raises(PermissionDeniedError):
        services.dossier_update(
            actor=officer, dossier=dossier, expected_version=dossier.version,
            classification="TUYET_MAT",
        )  # fmt: skip
    with pytest.raises(ValidationFailed, match="Mức mật không hợp lệ"):
        services.dossier_update(
            actor=officer, dossier=dossier, expected_version=dossier.version,
            classification="RAT_MAT",
        )  # fmt: skip
    assert _state(dossier) == before


def test_the_page_edits_and_shows_the_history(tree: Tree, dossier: Dossier) -> None:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT"))
    page = client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "Sửa mức mật, chức vụ hiện nay" in page
    assert 'value="TOI_MAT"' not in page  # only levels the officer holds are offered
    url = f"/ho-so/{dossier.public_id}/sua/"
    data = {"classification": "MAT", "current_posts": "Bí thư", "version": dossier.version}
    response = client.post(url, data, follow=True)
    assert "Đã lưu." in response.content.decode()
    assert _state(dossier)[1:] == (1, "Bí thư", 1)
    page = client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "Thay đổi mức mật, chức vụ của hồ sơ" in page and "Không mật; Phó Bí thư" in page
    # The same form sent again (a second tab): refused, nothing changed; the page shows the
    # dossier as it is now and keeps what was typed, with the current version to save again.
    again = client.post(url, {**data, "current_posts": "Chủ tịch"})
    page = again.content.decode()
    assert again.status_code == 409 and "vừa được người khác sửa" in page
    assert (
        ">\nChủ tịch</textarea>" in page and f'name="version" value="{dossier.version + 1}"' in page
    )
    assert _state(dossier)[1:] == (1, "Bí thư", 1)
    bad = client.post(url, {**data, "classification": "TUYET_MAT"})
    assert bad.status_code == 400 and "TUYET_MAT" in bad.content.decode()
    assert _state(dossier)[1:] == (1, "Bí thư", 1)
    # A reader has no form and cannot post one.
    reader = Client()
    reader.force_login(make_user(tree.committee_a, Role.COMMITTEE_MEMBER, clearance="MAT"))
    assert "Sửa mức mật" not in reader.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert reader.post(url, {**data, "version": 2}).status_code == 404


def test_update_api_matrix(tree: Tree, dossier: Dossier) -> None:
    personas = make_personas(
        role=Role.BVCT_OFFICER,
        org=tree.committee_a,
        other_org=tree.committee_b,
        agency_org=tree.agency,
        clearance="MAT",
    )
    services.dossier_update(
        actor=SYSTEM, dossier=dossier, expected_version=dossier.version, classification="MAT"
    )
    version = Dossier.objects.get(pk=dossier.pk).version
    responses = assert_permission_matrix(
        f"/api/dossiers/{dossier.public_id}/",
        personas,
        Expect.api(),
        method="patch",
        data={"expected_version": version, "current_posts": "Bí thư"},
        state=lambda: _state(dossier),
        missing_url="/api/dossiers/00000000-0000-4000-8000-000000000000/",
    )
    body = responses["allowed"].json()
    assert (body["current_posts"], body["version"]) == ("Bí thư", version + 1)
    client = Client()
    client.force_login(personas.allowed)
    stale = client.patch(
        f"/api/dossiers/{dossier.public_id}/",
        {"expected_version": version, "current_posts": "Chủ tịch"},
        content_type="application/json",
    )
    assert stale.status_code == 409


def test_an_import_that_changes_them_is_in_the_history_too(tree: Tree, audit_mark: int) -> None:
    from bvct.people.import_columns import KEYS
    from bvct.people.models import ImportBatch
    from tests.people.import_helpers import GOOD, _checked_import, _import

    _import(GOOD)
    rows = [list(row) for row in GOOD]
    for index, posts in ((0, "Bí thư chi bộ"), (3, "Trưởng ban\t“Dân vận”")):
        member = dict(zip(KEYS, rows[index], strict=True))
        member.update(classification="Mật", current_posts=posts)
        rows[index] = list(member.values())
    assert _checked_import(rows).updated == 2
    change = DossierChange.objects.get(dossier__import_ref="DV-1")
    assert change.via == "import"
    assert change.before == {"classification": "NONE", "current_posts": ""}
    assert change.after == {"classification": "MAT", "current_posts": "Bí thư chi bộ"}
    # The import's chained event seals its history rows. An auditor takes the batch's rows
    # and recomputes the digest.
    (event,) = events_since(audit_mark, action=AuditAction.DOSSIER_IMPORT)[-1:]
    batch = ImportBatch.objects.get(public_id=event.object_public_id)
    lines = sorted(
        "\t".join([str(c.dossier.public_id), _jsonb_text(c.before), _jsonb_text(c.after)])
        for c in DossierChange.objects.filter(batch=batch).select_related("dossier")
    )
    assert len(lines) == event.after["dossier_changes"] == 2
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    assert event.after["dossier_changes_sha256"] == digest
    # An import that changes none says so.
    _import(rows)
    (unchanged,) = events_since(audit_mark, action=AuditAction.DOSSIER_IMPORT)[-1:]
    assert unchanged.after["dossier_changes"] == 0


def _jsonb_text(value: dict[str, str]) -> str:
    """PostgreSQL's text of a jsonb object (keys by length then bytes, ", " and ": ")."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::jsonb::text", [json.dumps(value)])
        text: str = cursor.fetchone()[0]
    return text


def test_a_refused_edit_never_shows_a_dossier_raised_above_the_officer_meanwhile(
    tree: Tree, dossier: Dossier, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bvct.people import views

    def raised_meanwhile(**kwargs: object) -> Dossier:
        # Another officer raises it to Tối mật and writes secret posts while this save waits.
        services.dossier_update(
            actor=SYSTEM, dossier=dossier, expected_version=dossier.version,
            classification="TOI_MAT", current_posts="Bí mật nhà nước",
        )  # fmt: skip
        raise PermissionDeniedError("Bạn không được lập hoặc sửa hồ sơ của tổ chức này.")

    monkeypatch.setattr(views, "dossier_update", raised_meanwhile)
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT"))
    data = {"classification": "MAT", "current_posts": "Bí thư", "version": dossier.version}
    response = client.post(f"/ho-so/{dossier.public_id}/sua/", data)
    assert response.status_code == 302 and response["Location"] == "/ho-so/"
    followed = client.get(response["Location"]).content.decode()
    assert "Bạn không được" in followed and "Bí mật nhà nước" not in followed


def test_a_stale_or_missing_version_says_reload(tree: Tree, dossier: Dossier) -> None:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    response = client.post(
        f"/ho-so/{dossier.public_id}/sua/", {"classification": "NONE", "current_posts": "x"}
    )
    assert response.status_code == 400
    assert "Biểu mẫu đã cũ; hãy tải lại trang." in response.content.decode()
    assert _state(dossier)[1:] == (0, "Phó Bí thư", 0)
