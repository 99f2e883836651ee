"""What the auditors' pages call an import, an export or a listing (a page of search results
or of the dossier list) that an event is about: its event keeps only the batch's public id.
A page of events names all of them in one query (``audit.labels.add_object_namer``), through
the batches' own gate (who may read the batch's event may read the batch)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import CharField, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.people.constants import ExportPurpose
from bvct.people.models import ExportBatch, ImportBatch, Listing

EXPORT, IMPORT, LISTING = "people.exportbatch", "people.importbatch", "people.listing"
TYPES = (EXPORT, IMPORT, LISTING)
_MODELS = {EXPORT: ExportBatch, IMPORT: ImportBatch, LISTING: Listing}


def _rows(model: Any, user: Any, ids: list[uuid.UUID], kind: str, a: str, b: str) -> Any:
    text: CharField[str, str] = CharField()
    return (
        model.objects.visible_to(user)
        .filter(public_id__in=ids)
        .annotate(
            t=Value(kind, output_field=text),
            key=Cast("public_id", text),
            a=Cast(a, text) if a else Value("", output_field=text),
            b=Cast(b, text) if b else Value("", output_field=text),
        )
        .values_list("t", "key", "rows", "created_at", "a", "b")
    )


def _day(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%d/%m/%Y")


def _name(kind: str, rows: int, at: dt.datetime, a: str, b: str) -> str:
    if kind == EXPORT:
        name = _("Xuất %(rows)s hồ sơ ngày %(day)s") % {"rows": rows, "day": _day(at)}
        purpose = str(ExportPurpose(a).label) if a in ExportPurpose.values else ""
        if b:
            purpose = f"{purpose}: {b}" if purpose else b
        return f"{name} ({purpose})" if purpose else name
    if kind == IMPORT:
        what = _("Kiểm tra tệp") if b == "true" else _("Nhập tệp")
        return _("%(what)s %(file)s, %(rows)s dòng, ngày %(day)s") % {
            "what": what,
            "file": a,
            "rows": rows,
            "day": _day(at),
        }
    shown = str(Listing.Kind(a).label) if a in Listing.Kind.values else a
    return _("%(kind)s: %(rows)s người hiện ra, ngày %(day)s") % {
        "kind": shown,
        "rows": rows,
        "day": _day(at),
    }


def batch_names(user: Any, keys: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """``{(type, public id): name}`` for the batches among ``keys`` the user may see, in one
    query (a union over the three kinds of batch)."""
    wanted: dict[str, list[uuid.UUID]] = {}
    for kind, key in keys:
        try:
            wanted.setdefault(kind, []).append(uuid.UUID(key))
        except ValueError:
            continue
    columns = {EXPORT: ("purpose", "purpose_detail"), IMPORT: ("file_name", "dry_run")}
    parts = [
        _rows(_MODELS[kind], user, ids, kind, *columns.get(kind, ("kind", "")))
        for kind, ids in wanted.items()
        if kind in _MODELS
    ]
    if not parts:
        return {}
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return {(t, key): _name(t, rows, at, a, b) for t, key, rows, at, a, b in query}
