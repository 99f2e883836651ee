"""A case serving a decision about a post in the key/classified catalogue is at least as
classified as the catalogue asks of that post (the entry's level and the clearance it
requires), when opened, when the decision is linked later, and (by the migration) for cases
opened before; the gate then keeps it from whoever is not cleared: 404, as missing."""

from __future__ import annotations

import importlib
import io
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from openpyxl import Workbook

from bvct.audit.constants import AuditAction
from bvct.audit.models import AuditEvent
from bvct.core.constants import Classification, Role
from bvct.core.errors import ValidationFailed
from bvct.core.gate import SYSTEM
from bvct.positions import services_catalogue
from bvct.positions.imports import HEADERS, catalogue_import
from bvct.vetting import services
from bvct.vetting.constants import CaseEventKind, CaseState
from bvct.vetting.models import Case, CaseDecision, CaseEvent
from bvct.vetting.services_common import catalogue_levels
from tests.conftest import events_since
from tests.factories import Tree
from tests.permission_matrix import Expect, Personas, assert_permission_matrix
from tests.positions.factories import make_entry, make_post
from tests.vetting.cases import Scene, account, build, concluded, decide, open_case

pytestmark = pytest.mark.django_db
MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def scene(tree: Tree) -> Scene:
    return build(tree)  # a Tối mật dossier; its decision is about scene.post


def _secret_post(tree: Tree) -> Any:
    """A post the catalogue lists as needing Tuyệt mật clearance (the entry itself: Mật)."""
    post = make_post(tree.committee_a, name="Trưởng bộ phận cơ yếu")
    make_entry(
        tree.committee_a, post, level=Classification.MAT,
        required_clearance=Classification.TUYET_MAT,
    )  # fmt: skip
    return post


def _status(user: Any, url: str) -> int:
    client = Client()
    client.force_login(user)
    return client.get(url).status_code


def test_a_case_for_a_catalogued_post_takes_the_clearance_it_requires(
    scene: Scene, tree: Tree
) -> None:
    decision = decide(scene, post=_secret_post(tree))
    assert catalogue_levels([decision.pk]) == Classification.TUYET_MAT
    assert catalogue_levels([scene.decision.pk]) == Classification.NONE
    case = services.case_open(actor=scene.officer, decision=decision)
    assert case.classification == Classification.TUYET_MAT
    short = account(tree.committee_a, Role.BVCT_OFFICER, clearance="TOI_MAT")
    page = f"/tham-tra/ho-so-tham-tra/{case.public_id}/"
    api = f"/api/cases/{case.public_id}/"
    assert _status(scene.officer, page) == 200 and _status(scene.officer, api) == 200
    # Cleared for the dossier (Tối mật) but not for the post: as if there were no such case.
    assert _status(short, page) == 404 and _status(short, api) == 404
    assert_permission_matrix(
        page,
        Personas(
            allowed=scene.officer,
            other_scope=account(tree.committee_b, Role.BVCT_OFFICER),
            insufficient_clearance=short,
            agency=account(tree.agency, Role.AGENCY_OFFICER),
        ),
        Expect(),
        missing_url=f"/tham-tra/ho-so-tham-tra/{MISSING}/",
    )
    client = Client()
    client.force_login(short)
    assert case.reference not in client.get("/tham-tra/ho-so-tham-tra/").content.decode()
    assert client.get("/api/cases/").json()["count"] == 0


def test_linking_a_catalogued_decision_raises_the_case(scene: Scene, tree: Tree) -> None:
    case = open_case(scene)
    assert case.classification == Classification.TOI_MAT
    short = account(tree.committee_a, Role.BVCT_OFFICER, clearance="TOI_MAT")
    url = f"/tham-tra/ho-so-tham-tra/{case.public_id}/"
    assert _status(short, url) == 200
    secret = decide(scene, post=_secret_post(tree))
    # An officer not cleared for the post may not link it: the case would leave their reach.
    services.case_assign(actor=scene.officer, case=case, user=short, duty="LEAD")
    with pytest.raises(ValidationFailed, match="Tuyệt mật"):
        services.case_link_decision(actor=short, case=case, decision=secret)
    assert not CaseDecision.objects.filter(decision=secret).exists()
    assert Case.objects.get(pk=case.pk).classification == Classification.TOI_MAT
    services.case_link_decision(actor=scene.officer, case=case, decision=secret)
    assert Case.objects.get(pk=case.pk).classification == Classification.TUYET_MAT
    assert _status(short, url) == 404


def test_cases_opened_before_are_raised_by_the_migration(scene: Scene, tree: Tree) -> None:
    decision = decide(scene, post=_secret_post(tree))
    case = services.case_open(actor=scene.officer, decision=decision)
    plain = open_case(scene)
    Case.objects.filter(pk=case.pk).update(classification=Classification.TOI_MAT)
    migration = importlib.import_module(
        "bvct.vetting.migrations.0007_case_classification_from_catalogue"
    )
    with connection.cursor() as cursor:
        cursor.execute(migration.RAISE)
    assert Case.objects.get(pk=case.pk).classification == Classification.TUYET_MAT
    assert Case.objects.get(pk=plain.pk).classification == Classification.TOI_MAT


# --- the catalogue asks more after the case opened ---------------------------------------


def _workbook(rows: list[list[str]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "danh-muc.xlsx"
    return buffer


def _raised_events(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, kind=CaseEventKind.CLASSIFICATION))


def test_a_post_entering_the_catalogue_hides_the_cases_already_open(
    scene: Scene, tree: Tree
) -> None:
    post = make_post(tree.committee_a, name="Trưởng bộ phận cơ yếu")
    case = services.case_open(actor=scene.officer, decision=decide(scene, post=post))
    other = open_case(scene)  # about a post the catalogue does not list
    assert case.classification == Classification.TOI_MAT  # the dossier's level
    short = account(tree.committee_a, Role.BVCT_OFFICER, clearance="TOI_MAT")
    page = f"/tham-tra/ho-so-tham-tra/{case.public_id}/"
    api = f"/api/cases/{case.public_id}/"
    assert _status(short, page) == 200 and _status(short, api) == 200
    mark = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    entry = make_entry(
        tree.committee_a, post, level=Classification.MAT,
        required_clearance=Classification.TUYET_MAT,
    )  # fmt: skip

    raised = Case.objects.get(pk=case.pk)
    assert raised.classification == Classification.TUYET_MAT
    assert raised.version == case.version + 1
    assert Case.objects.get(pk=other.pk).classification == Classification.TOI_MAT
    # Not cleared for the post: as if there were no such case; cleared: as before.
    assert _status(short, page) == 404 and _status(short, api) == 404
    assert _status(scene.officer, page) == 200 and _status(scene.officer, api) == 200
    [step] = _raised_events(case)
    assert step.actor is None and step.actor_name == "Hệ thống"
    assert step.note == "Tối mật → Tuyệt mật: Trưởng bộ phận cơ yếu (danh mục trọng yếu, cơ mật)"
    assert not _raised_events(other)
    [audit] = events_since(mark, action=AuditAction.CASE_CLASSIFICATION)
    assert str(audit.object_public_id) == str(case.public_id)
    assert str(audit.subject_public_id) == str(scene.subject.public_id)
    assert audit.classification == Classification.TUYET_MAT
    body = json.loads(audit.payload)
    assert body["before"] == {"classification": Classification.TOI_MAT}
    assert body["after"] == {
        "classification": Classification.TUYET_MAT,
        "catalogue_entry": str(entry.public_id),
    }


def test_a_concluded_case_is_raised_too(scene: Scene, tree: Tree) -> None:
    case = concluded(scene).case
    assert case.state == CaseState.CONCLUDED and case.classification == Classification.TOI_MAT
    make_entry(tree.committee_a, scene.post, level=Classification.MAT,
               required_clearance=Classification.TUYET_MAT)  # fmt: skip
    after = Case.objects.get(pk=case.pk)
    assert after.classification == Classification.TUYET_MAT
    assert after.state == CaseState.CONCLUDED
    short = account(tree.committee_a, Role.BVCT_OFFICER, clearance="TOI_MAT")
    assert _status(short, f"/api/cases/{case.public_id}/") == 404


def test_an_entry_raised_raises_its_cases_and_one_lowered_or_closed_never_lowers(
    scene: Scene, tree: Tree
) -> None:
    post = make_post(tree.committee_a, name="Trưởng bộ phận cơ yếu")
    entry = make_entry(tree.committee_a, post, level=Classification.MAT,
                       required_clearance=Classification.MAT)  # fmt: skip
    case = services.case_open(actor=scene.officer, decision=decide(scene, post=post))
    assert case.classification == Classification.TOI_MAT  # the dossier asks more

    entry = services_catalogue.catalogue_entry_update(
        actor=SYSTEM, entry=entry, expected_version=entry.version,
        required_clearance="TUYET_MAT",
    )  # fmt: skip
    assert Case.objects.get(pk=case.pk).classification == Classification.TUYET_MAT
    assert len(_raised_events(case)) == 1

    entry = services_catalogue.catalogue_entry_update(
        actor=SYSTEM, entry=entry, expected_version=entry.version, required_clearance="MAT"
    )
    assert Case.objects.get(pk=case.pk).classification == Classification.TUYET_MAT
    services_catalogue.catalogue_entry_close(
        actor=SYSTEM, entry=entry, expected_version=entry.version
    )
    assert Case.objects.get(pk=case.pk).classification == Classification.TUYET_MAT
    assert len(_raised_events(case)) == 1


def test_the_catalogue_import_raises_the_cases_about_the_posts_it_lists(
    scene: Scene, tree: Tree
) -> None:
    post = make_post(tree.committee_a, name="Trưởng bộ phận cơ yếu")
    case = services.case_open(actor=scene.officer, decision=decide(scene, post=post))
    keeper = account(tree.root, Role.BVCT_OFFICER, clearance="TOI_MAT")
    row = ["Vị trí", tree.committee_a.name, "Trưởng bộ phận cơ yếu", "15-QĐ/TU", "02/06/2025",
           "Ban Thường vụ Tỉnh ủy", "Tuyệt mật", "Mật"]  # fmt: skip

    check = catalogue_import(actor=keeper, file=_workbook([row]), dry_run=True)
    assert check.ok and Case.objects.get(pk=case.pk).classification == Classification.TOI_MAT

    report = catalogue_import(actor=keeper, file=_workbook([row]), dry_run=False)
    assert report.ok and report.created == 1
    assert Case.objects.get(pk=case.pk).classification == Classification.TUYET_MAT
    assert _status(keeper, f"/api/cases/{case.public_id}/") == 404
    [step] = _raised_events(case)
    assert step.actor_id == keeper.pk
