"""The key/classified catalogue asks more after cases opened: the cases about it are raised.

A case is at least as classified as the catalogue asks of its decisions' posts and entries
(``services_common.catalogue_levels``, applied when a case opens and when a decision is
linked). When a post enters the catalogue, or an entry's level or required clearance is
raised, the cases already serving decisions about that post or entry, open or concluded, are
raised with it in the same transaction, so the gate keeps them from whoever is not cleared
for the post. A case's level only goes up: an entry lowered or closed lowers no case.

positions calls :func:`case_raise_for_catalogue_entry` through its hook
(``positions.services_catalogue.on_catalogue_raised``, registered in ``VettingConfig.ready``),
from the page, the API and the XLSX import alike.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from bvct.audit.constants import AuditAction
from bvct.audit.services import audit_record
from bvct.core.constants import Classification
from bvct.core.gate import is_system
from bvct.people.models import Person
from bvct.positions.constants import CatalogueKind
from bvct.positions.models import CatalogueEntry
from bvct.positions.services_catalogue import entry_level
from bvct.vetting.constants import CaseEventKind
from bvct.vetting.models import Case
from bvct.vetting.services_common import actor_name

# One statement: the cases below the entry's level whose linked decisions name the entry or
# (an active post entry) its post, locked; raised; and a case event for each, in words.
# Reached from the decisions (indexed on entry and post), never by scanning the cases.
_RAISE = """
WITH decisions AS (
    SELECT d.id FROM positions_personneldecision d WHERE d.catalogue_entry_id = %(entry)s
    UNION
    SELECT d.id FROM positions_personneldecision d WHERE %(listed)s AND d.post_id = %(post)s
), target AS (
    SELECT c.id, c.classification AS before
      FROM vetting_case c
     WHERE c.id IN (SELECT cd.case_id FROM vetting_casedecision cd
                     WHERE cd.decision_id IN (SELECT id FROM decisions))
       AND c.classification < %(level)s
       FOR UPDATE OF c
), raised AS (
    UPDATE vetting_case c
       SET classification = %(level)s, version = c.version + 1, updated_at = %(at)s
      FROM target t
     WHERE c.id = t.id
 RETURNING c.id, t.before
), logged AS (
    INSERT INTO vetting_caseevent
           (case_id, at, actor_id, actor_name, kind, from_state, to_state, due_on, note)
    SELECT r.id, %(at)s, %(actor)s, %(actor_name)s, %(kind)s, '', '', NULL,
           (%(labels)s::text[])[r.before + 1] || %(note)s
      FROM raised r
)
SELECT id, before FROM raised ORDER BY id
"""


def case_raise_for_catalogue_entry(actor: Any, entry: CatalogueEntry) -> int:
    """Raise to what ``entry`` asks (its level or required clearance, whichever is higher)
    every case, open or concluded, below it whose linked decisions name the entry or, for an
    active post entry, are about its post. Each raised case gets a case event and an audit
    event (before and after), at its new level. Inside the caller's transaction; returns how
    many cases were raised."""
    level = entry_level(entry)
    if level <= Classification.NONE:
        return 0
    listed = bool(entry.is_active and entry.kind == CatalogueKind.POST and entry.post_id)
    new = str(Classification(level).label)
    labels = [str(Classification(v).label) for v in sorted(Classification.values)]
    with connection.cursor() as cursor:
        cursor.execute(
            _RAISE,
            {
                "level": level,
                "entry": entry.pk,
                "listed": listed,
                "post": entry.post_id or -1,
                "at": timezone.now(),
                "actor": None if is_system(actor) else actor.pk,
                "actor_name": actor_name(actor),
                "kind": CaseEventKind.CLASSIFICATION,
                "labels": labels,
                "note": f" → {new}: {entry.name} (danh mục trọng yếu, cơ mật)",
            },
        )
        raised = dict(cursor.fetchall())
    if not raised:
        return 0
    cases = Case.objects.filter(pk__in=raised).select_related("subject__managing_org")
    subjects = {
        p.dossier_id: p
        for p in Person.objects.filter(
            dossier_id__in=cases.values("subject_id"), is_subject=True
        ).only("dossier_id", "public_id", "full_name")
    }
    # One audit event per case (each named by its subject, so the dossier's access log
    # finds it); the change itself was the one statement above.
    for case in cases.order_by("pk"):
        subject = subjects[case.subject_id]
        audit_record(
            actor=actor,
            action=AuditAction.CASE_CLASSIFICATION,
            obj=case,
            object_label=f"{case.reference}: {subject.full_name}",
            org=case.subject.managing_org,
            subject_id=subject.public_id,
            classification=case.classification,
            before={"classification": raised[case.pk]},
            after={
                "classification": case.classification,
                "catalogue_entry": entry.public_id,
            },
        )
    return len(raised)
