"""What an import records of itself: its batch, the check a later import is held to, and
their audit events (each sealing the digests of what the batch wrote)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction

from bvct.audit.constants import AuditAction
from bvct.audit.services import audit_record
from bvct.core.gate import SystemPrincipal
from bvct.people.import_columns import ImportFileError, ImportReport
from bvct.people.models import ImportBatch

if TYPE_CHECKING:
    from bvct.accounts.models import User


def _check_made(
    actor: User | SystemPrincipal, org: Any, digest: str, check_id: uuid.UUID | None
) -> int | None:
    """The record of the check an import follows: that very check of this file, for this
    organisation, by the same person. None when no check id is given (the check compared no
    existing dossier): then every existing dossier of the file is one not checked against."""
    if check_id is None:
        return None
    check: int | None = (
        ImportBatch.objects.filter(
            public_id=check_id,
            dry_run=True,
            managing_org=org,
            file_sha256=digest,
            actor=actor.public_id,
        )
        .values_list("id", flat=True)
        .first()
    )
    if check is None:
        raise ImportFileError(
            "Không có lần kiểm tra này của bạn cho tệp này và tổ chức này; "
            "hãy kiểm tra lại tệp rồi mới nhập.",
            field="file",
        )
    return check


def _new_batch(
    actor: User | SystemPrincipal,
    org: Any,
    report: ImportReport,
    file_name: str,
    digest: str,
    **fields: Any,
) -> ImportBatch:
    """The record of one run over a file (an import, or a check that compared dossiers)."""
    return ImportBatch.objects.create(
        managing_org=org,
        file_name=file_name[:255],
        file_sha256=digest,
        rows=report.rows,
        actor=actor.public_id,
        actor_username=actor.username,
        **fields,
    )


@transaction.atomic(durable=True)
def _record_check(
    actor: User | SystemPrincipal,
    org: Any,
    report: ImportReport,
    file_name: str,
    digest: str,
    compared: list[tuple[int, int]],
) -> ImportBatch:
    """A check compared the file with existing dossiers and told what differs: a read of
    them, on the record like any other (the batch names them for their access logs). A dry
    run's items keep the versions compared, for the import that follows it; a refused
    import's do not (its record can never stand for a check)."""
    batch = _new_batch(actor, org, report, file_name, digest, dry_run=True)
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO people_importbatchitem (batch_id, dossier_id, version, outcome)
               SELECT %s, unnest(%s::bigint[]), unnest(%s::int[]), 'checked'""",
            [
                batch.pk,
                [d for d, _ in compared],
                [v if report.dry_run else None for _, v in compared],
            ],
        )
    _batch_event(
        actor,
        AuditAction.DOSSIER_IMPORT_CHECK,
        batch,
        {
            "dossiers_compared": len(compared),
            "errors": report.error_count,
            "warnings": report.warning_count,
            "dry_run": report.dry_run,
        },
    )
    return batch


def _batch_event(
    actor: User | SystemPrincipal, action: str, batch: ImportBatch, after: dict[str, Any]
) -> None:
    """The audit event of an import or a check, naming its batch (whose items name the
    dossiers) and the file by its SHA-256."""
    audit_record(
        actor=actor,
        action=action,
        object_type="people.importbatch",
        object_id=str(batch.public_id),
        object_label=batch.file_name[:300],
        org=batch.managing_org,
        after={"file_sha256": batch.file_sha256, "rows": batch.rows, **after},
    )
