"""Exports and imports sealed in the audit chain: verify_batches recomputes their digests from
the rows kept beside them and names any batch whose rows were altered."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.people import services
from bvct.people.import_columns import KEYS
from bvct.people.models import DossierChange, ExportBatch, ImportBatch
from bvct.people.verify import verify_sealed_batches
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.people.factories import declaration
from tests.people.import_helpers import GOOD, _checked_import, _import

pytestmark = pytest.mark.django_db


def _export(tree: Tree) -> ExportBatch:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    response = client.post("/ho-so/xuat-excel/", {"ceiling": "NONE", "purpose": "REVIEW"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    return ExportBatch.objects.latest("id")


def test_untouched_batches_verify_and_the_run_is_on_the_record(tree: Tree, audit_mark: int) -> None:
    services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    _export(tree)
    _import(GOOD)
    rows = [list(row) for row in GOOD]
    member = dict(zip(KEYS, rows[0], strict=True)) | {"current_posts": "Bí thư"}
    rows[0] = list(member.values())
    _checked_import(rows)
    result = verify_sealed_batches()
    assert result.ok and result.batches == 3  # one export, two imports
    out = io.StringIO()
    call_command("verify_batches", stdout=out)
    assert "Khớp: 3 lần xuất/nhập/tra cứu" in out.getvalue()
    (run,) = events_since(audit_mark, action=AuditAction.AUDIT_VERIFY)[-1:]
    assert run.after == {"ok": True, "batches": 3, "problems": []}


def test_an_altered_export_list_or_import_history_is_named(tree: Tree) -> None:
    services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a", content=declaration("Lê Thị Hoa", "1980", sex="Nữ")
    )
    export = _export(tree)
    _import(GOOD)
    rows = [list(row) for row in GOOD]
    member = dict(zip(KEYS, rows[0], strict=True)) | {"current_posts": "Bí thư"}
    rows[0] = list(member.values())
    _checked_import(rows)
    imported = ImportBatch.objects.filter(dry_run=False).latest("id")
    with connection.cursor() as cursor:  # somebody with database access covers tracks
        cursor.execute(
            "DELETE FROM people_exportbatchitem WHERE id = "
            "(SELECT min(id) FROM people_exportbatchitem WHERE batch_id = %s)",
            [export.pk],
        )
    DossierChange.objects.filter(batch=imported).update(
        after={"classification": "NONE", "current_posts": "Chủ tịch"}
    )
    result = verify_sealed_batches()
    assert [p.split(":")[0] for p in result.problems] == [
        f"xuất {export.public_id}",
        f"nhập {imported.public_id}",
    ]
    with pytest.raises(CommandError, match="2 trong 3 lần xuất/nhập/tra cứu không khớp nhật ký"):
        call_command("verify_batches", stdout=io.StringIO())
